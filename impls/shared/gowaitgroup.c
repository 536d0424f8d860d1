/*
 * gowaitgroup: Go's sync.WaitGroup (sync/waitgroup.go, Go 1.19): the slow paths. The state word
 * and the fast paths are in gowaitgroup.h; how a waiter sleeps and how the last Add releases the
 * waiters is the family's (struct gowaitgroup_sleep).
 *
 * Invariants: waiters > 0 only while counter > 0; a waiter registers (waiters + 1) only with a
 * CAS that saw counter > 0, after reading `round`, so the Add that brings the counter to zero
 * either sees the waiter and bumps `round` past the value it read, or the CAS fails.
 * The state is reset before `round` is bumped, and `round` bumped before the waiters are
 * released: a waiter that sees the new round finds a WaitGroup that may be reused.
 * Misuse is fatal with Go's messages: a negative counter, and an Add that races with the
 * Wait of a finishing round.
 * All atomics are seq_cst: on x86-64 the loads are plain moves and the read-modify-writes are
 * locked instructions either way, so weaker orders would buy nothing here.
 */
#include "gowaitgroup.h"
#include "preempt.h"

/* The Add that brought the counter to zero (state s) with waiters. */
void gowaitgroup_release(struct gowaitgroup *wg, uint64_t s, const struct gowaitgroup_sleep *o)
{
	/* Counter reached zero with waiters: nobody may touch the state until they are released
	 * (Go's rule: Add must not race with the Wait of a finishing round). */
	if (atomic_load(&wg->state) != s)
		csp_fatal("sync: WaitGroup misuse: Add called concurrently with Wait");
	atomic_store(&wg->state, 0);
	CSP_PREEMPT(); /* state reset, round not yet bumped */
	atomic_fetch_add(&wg->round, 1);
	CSP_PREEMPT(); /* round bumped, sleepers not yet woken */
	o->release(wg, gowaitgroup_waiters(s));
}

/* Wait, having seen the state s with a non-zero counter. */
void gowaitgroup_wait_slow(struct gowaitgroup *wg, uint64_t s, const struct gowaitgroup_sleep *o)
{
	for (;;) {
		uint32_t r = atomic_load(&wg->round);
		CSP_PREEMPT(); /* round read, not yet registered as a waiter */
		if (atomic_compare_exchange_weak(&wg->state, &s, s + 1)) {
			CSP_PREEMPT(); /* registered, not yet sleeping */
			o->sleep(wg, r);
			return;
		}
		if (gowaitgroup_counter(s) == 0)
			return;
	}
}
