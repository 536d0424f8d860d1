/*
 * waitgroup/futex: Go's sync.WaitGroup (sync/waitgroup.go) on one 64-bit state word and a futex
 * word that counts completed rounds.
 *
 * State word: counter in the high 32 bits (signed), waiters in the low 32 bits.
 * `round` is bumped each time the counter returns to zero with waiters; waiters sleep on it.
 *
 * Invariants: waiters > 0 only while counter > 0; a waiter registers (waiters + 1) only with a
 * CAS that saw counter > 0, after reading `round`, so the Add that brings the counter to zero
 * either sees the waiter and bumps `round` past the value it read, or the CAS fails.
 * Fast paths: wait on a zero counter is one load; add with no waiters is one atomic add; the last
 * done wakes every waiter with one syscall.
 * All atomics are seq_cst: on x86-64 the loads are plain moves and the read-modify-writes are
 * locked instructions either way, so weaker orders would buy nothing here.
 */
#include "../shared/futex.h"
#include "../shared/preempt.h"

#include <limits.h>

#define COUNTER_ONE ((uint64_t)1 << 32)

struct waitgroup {
	_Atomic uint64_t state;
	_Atomic uint32_t round;
};

static int32_t counter_of(uint64_t s) { return (int32_t)(s >> 32); }
static uint32_t waiters_of(uint64_t s) { return (uint32_t)s; }

static int init(void *self)
{
	struct waitgroup *wg = self;
	atomic_init(&wg->state, 0);
	atomic_init(&wg->round, 0);
	return 0;
}

static void add(void *self, int64_t delta)
{
	struct waitgroup *wg = self;
	uint64_t s = atomic_fetch_add(&wg->state, (uint64_t)delta << 32) + ((uint64_t)delta << 32);
	int32_t v = counter_of(s);
	uint32_t w = waiters_of(s);
	if (v < 0)
		csp_fatal(CSP_MSG_NEGATIVE_WG);
	if (v > 0 || w == 0)
		return;
	/* Counter reached zero with waiters: nobody may touch the state until they are released
	 * (Go's rule: Add must not race with the Wait of a finishing round). */
	if (atomic_load(&wg->state) != s)
		csp_fatal("sync: WaitGroup misuse: Add called concurrently with Wait");
	atomic_store(&wg->state, 0);
	CSP_PREEMPT(); /* state reset, round not yet bumped */
	atomic_fetch_add(&wg->round, 1);
	CSP_PREEMPT(); /* round bumped, sleepers not yet woken */
	futex_wake(&wg->round, INT_MAX);
}

static void wait(void *self)
{
	struct waitgroup *wg = self;
	for (;;) {
		uint64_t s = atomic_load(&wg->state);
		if (counter_of(s) == 0)
			return;
		uint32_t r = atomic_load(&wg->round);
		CSP_PREEMPT(); /* round read, not yet registered as a waiter */
		if (atomic_compare_exchange_weak(&wg->state, &s, s + 1)) {
			CSP_PREEMPT(); /* registered, not yet sleeping */
			while (atomic_load(&wg->round) == r)
				futex_wait(&wg->round, r, CSP_FOREVER);
			return;
		}
	}
}

static const csp_waitgroup_ops waitgroup_futex = {
	.info = { "futex", "futex", "Go's WaitGroup state word with a futex round counter", 0 },
	.size = sizeof(struct waitgroup),
	.init = init,
	.add = add,
	.wait = wait,
};
CSP_REGISTER(waitgroup, waitgroup_futex);
