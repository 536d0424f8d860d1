/*
 * gomutex: Go's sync.Mutex (sync/mutex.go, Go 1.19), normal and starvation modes.
 *
 * State word (as Go's):
 *   LOCKED    bit 0  held
 *   WOKEN     bit 1  a waiter is awake (spinning or just woken): unlock need not wake another
 *   STARVING  bit 2  starvation mode: unlock hands the lock to the head waiter, newcomers queue
 *   bits 3..  number of waiters blocked on the semaphore
 * Normal mode: waiters queue FIFO, but a woken waiter competes with newcomers (which usually win:
 * they are already running). A waiter that has waited over 1 ms switches the mutex to starvation
 * mode; there the lock passes directly from the unlocker to the head of the queue, and a waiter
 * that is last in the queue or waited under 1 ms switches it back.
 * Progress: starvation-free (bounded by the queue length once in starvation mode).
 * TryLock fails in starvation mode even if the lock is free, as Go's.
 * All atomics are seq_cst except the spin-loop reads, which are hints.
 */
#include "gomutex.h"
#include "preempt.h"

enum {
	LOCKED = GOMUTEX_LOCKED,
	WOKEN = GOMUTEX_WOKEN,
	STARVING = GOMUTEX_STARVING,
	WAITER_SHIFT = GOMUTEX_WAITER_SHIFT,
};
#define STARVATION_NS (1 * CSP_MILLISECOND)
#define SPIN_ROUNDS 4  /* Go's active_spin */
#define SPIN_PAUSES 30 /* Go's active_spin_cnt */

bool gomutex_trylock(struct gomutex *m)
{
	int32_t old = atomic_load(&m->state);
	if (old & (LOCKED | STARVING))
		return false;
	return atomic_compare_exchange_strong(&m->state, &old, old | LOCKED);
}

static bool can_spin(const struct parker_ops *p, int iter)
{
	return iter < SPIN_ROUNDS && csp_ncpu() > 1 && (!p->may_spin || p->may_spin());
}

void gomutex_lock_slow(struct gomutex *m, const struct parker_ops *p)
{
	int64_t wait_start = 0;
	bool starving = false, awoke = false;
	int iter = 0;
	int32_t old = atomic_load(&m->state);
	for (;;) {
		/* Spin while the lock is held in normal mode; tell unlock not to wake anyone. */
		if ((old & (LOCKED | STARVING)) == LOCKED && can_spin(p, iter)) {
			if (!awoke && !(old & WOKEN) && (old >> WAITER_SHIFT) != 0 &&
				atomic_compare_exchange_strong(&m->state, &old, old | WOKEN))
				awoke = true;
			for (int i = 0; i < SPIN_PAUSES; i++)
				cpu_relax();
			iter++;
			/* relaxed: re-read for the next decision; every change goes through a CAS */
			old = atomic_load_explicit(&m->state, memory_order_relaxed);
			continue;
		}
		int32_t new = old;
		if (!(old & STARVING))
			new |= LOCKED; /* newcomers do not take a starving mutex: they queue */
		if (old & (LOCKED | STARVING))
			new += 1 << WAITER_SHIFT;
		if (starving && (old & LOCKED))
			new |= STARVING;
		if (awoke) {
			if (!(new & WOKEN))
				csp_fatal("sync: inconsistent mutex state");
			new &= ~WOKEN;
		}
		if (!atomic_compare_exchange_strong(&m->state, &old, new))
			continue; /* old now holds the current state */
		if (!(old & (LOCKED | STARVING)))
			return; /* took it with the CAS */
		CSP_PREEMPT(); /* counted as a waiter, not yet queued on the semaphore */
		bool requeue = wait_start != 0;
		if (!requeue)
			wait_start = csp_now();
		gosema_acquire(&m->sema, p, requeue, "sync.Mutex.Lock");
		CSP_PREEMPT(); /* woken or handed the lock, state not yet read */
		starving = starving || csp_now() - wait_start > STARVATION_NS;
		old = atomic_load(&m->state);
		if (old & STARVING) { /* the unlocker handed the lock to us */
			if ((old & (LOCKED | WOKEN)) || (old >> WAITER_SHIFT) == 0)
				csp_fatal("sync: inconsistent mutex state");
			int32_t delta = LOCKED - (1 << WAITER_SHIFT);
			if (!starving || (old >> WAITER_SHIFT) == 1)
				delta -= STARVING; /* leave starvation mode */
			atomic_fetch_add(&m->state, delta);
			return;
		}
		awoke = true;
		iter = 0;
	}
}

void gomutex_unlock_slow(struct gomutex *m, int32_t new_state, const struct parker_ops *p)
{
	if (!((new_state + LOCKED) & LOCKED)) {
		atomic_fetch_add(&m->state, LOCKED); /* undo, so the state stays sane for the report */
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	}
	if (new_state & STARVING) {
		CSP_PREEMPT(); /* starving: the lock is the head waiter's, not yet handed */
		gosema_release(&m->sema, p); /* hand-off: the head waiter owns the lock now */
		return;
	}
	int32_t old = new_state;
	for (;;) {
		/* Nobody to wake, or someone is already awake or has the lock. */
		if ((old >> WAITER_SHIFT) == 0 || (old & (LOCKED | WOKEN | STARVING)))
			return;
		if (atomic_compare_exchange_strong(&m->state, &old,
			    (old - (1 << WAITER_SHIFT)) | WOKEN)) {
			gosema_release(&m->sema, p);
			return;
		}
	}
}
