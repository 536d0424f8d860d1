/*
 * gomutex: Go's sync.Mutex (sync/mutex.go, Go 1.19) — normal and starvation modes — over a
 * family's parker (parker.h). See gomutex.c for the state word and the algorithm.
 */
#ifndef CSPLAB_IMPLS_SHARED_GOMUTEX_H
#define CSPLAB_IMPLS_SHARED_GOMUTEX_H

#include "gosema.h"

struct gomutex {
	_Atomic int32_t state;
	struct gosema sema;
};

/* The state word's bits (gomutex.c describes them). */
enum {
	GOMUTEX_LOCKED = 1,
	GOMUTEX_WOKEN = 2,
	GOMUTEX_STARVING = 4,
	GOMUTEX_WAITER_SHIFT = 3,
};

/* A zero-filled struct gomutex is unlocked. */
void gomutex_lock_slow(struct gomutex *m, const struct parker_ops *p);
void gomutex_unlock_slow(struct gomutex *m, int32_t new_state, const struct parker_ops *p);
bool gomutex_trylock(struct gomutex *m);

/*
 * Go's fast path is CAS(0, LOCKED); a word that is free but not zero (WOKEN set, or waiters
 * counted) goes to lockSlow, whose first iteration takes it with CAS(old, old | LOCKED). Where
 * woken tasks run late (parker.h), the fast path reads the word and makes that CAS at once:
 * after an unlock that woke a waiter, WOKEN stays set until the waiter runs, and a coroutine
 * in its waker's run-next slot may not run while the waker keeps taking the lock. Go's CAS(0)
 * would fail on every lock meanwhile (a failed CAS costs as much as one that succeeds), before
 * the slow path's. Elsewhere the read would only add a trip of the line when two cores contend.
 */
static inline void gomutex_lock(struct gomutex *m, const struct parker_ops *p)
{
	/* relaxed: only a guess at the word for the CAS, which is seq_cst as every access that
	 * decides (Go's atomics are sequentially consistent) */
	int32_t old = p->woken_runs_late ? atomic_load_explicit(&m->state, memory_order_relaxed) : 0;
	if (old & (GOMUTEX_LOCKED | GOMUTEX_STARVING) ||
		!atomic_compare_exchange_strong(&m->state, &old, old | GOMUTEX_LOCKED))
		gomutex_lock_slow(m, p);
}

static inline void gomutex_unlock(struct gomutex *m, const struct parker_ops *p)
{
	int32_t new_state = atomic_fetch_sub(&m->state, 1) - 1;
	if (new_state != 0)
		gomutex_unlock_slow(m, new_state, p);
}

#endif /* CSPLAB_IMPLS_SHARED_GOMUTEX_H */
