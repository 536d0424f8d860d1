/*
 * gowaitgroup: Go's sync.WaitGroup (sync/waitgroup.go, Go 1.19) over a family's way of putting a
 * registered waiter to sleep until its round ends (struct gowaitgroup_sleep). See gowaitgroup.c
 * for the invariants and the slow paths; the fast paths are inline here: wait on a zero counter
 * is one load, add with no waiters is one atomic add.
 *
 * State word: counter in the high 32 bits (signed), waiters in the low 32 bits.
 * `round` counts the rounds that ended with waiters: the Add that brings the counter to zero with
 * waiters resets the state word, bumps `round`, then releases the waiters.
 */
#ifndef CSPLAB_IMPLS_SHARED_GOWAITGROUP_H
#define CSPLAB_IMPLS_SHARED_GOWAITGROUP_H

#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdint.h>

#define GOWAITGROUP_COUNTER_ONE ((uint64_t)1 << 32)

struct gowaitgroup {
	_Atomic uint64_t state;  /* counter << 32 | waiters */
	_Atomic uint32_t round; /* rounds ended with waiters; a waiter's round is the value it read */
};

/* The part that differs between families. */
struct gowaitgroup_sleep {
	/* Block the caller, a registered waiter that read `round` == r before registering, until
	 * release() has been called for its round. Must not return earlier (wg->round == r means the
	 * round has not ended: a sleeper on `round` re-checks it after every wake-up). */
	void (*sleep)(struct gowaitgroup *wg, uint32_t r);
	/* Release the n waiters of the round that just ended (`round` already bumped). */
	void (*release)(struct gowaitgroup *wg, uint32_t n);
};

/* A zero-filled struct gowaitgroup is a WaitGroup with counter 0 and no waiters. */
void gowaitgroup_release(struct gowaitgroup *wg, uint64_t s, const struct gowaitgroup_sleep *o);
void gowaitgroup_wait_slow(struct gowaitgroup *wg, uint64_t s, const struct gowaitgroup_sleep *o);

static inline int32_t gowaitgroup_counter(uint64_t s) { return (int32_t)(s >> 32); }
static inline uint32_t gowaitgroup_waiters(uint64_t s) { return (uint32_t)s; }

static inline void gowaitgroup_add(struct gowaitgroup *wg, int64_t delta,
				   const struct gowaitgroup_sleep *o)
{
	/* seq_cst, as every access to the state word (Go's atomics are sequentially consistent) */
	uint64_t s = atomic_fetch_add(&wg->state, (uint64_t)delta * GOWAITGROUP_COUNTER_ONE) +
		(uint64_t)delta * GOWAITGROUP_COUNTER_ONE;
	int32_t v = gowaitgroup_counter(s);
	if (v < 0)
		csp_fatal(CSP_MSG_NEGATIVE_WG);
	if (v > 0 || gowaitgroup_waiters(s) == 0)
		return;
	gowaitgroup_release(wg, s, o);
}

static inline void gowaitgroup_wait(struct gowaitgroup *wg, const struct gowaitgroup_sleep *o)
{
	uint64_t s = atomic_load(&wg->state);
	if (gowaitgroup_counter(s) != 0)
		gowaitgroup_wait_slow(wg, s, o);
}

#endif /* CSPLAB_IMPLS_SHARED_GOWAITGROUP_H */
