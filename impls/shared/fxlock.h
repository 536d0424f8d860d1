/*
 * fxlock: Drepper's three-state futex mutex ("Futexes Are Tricky", 2011, mutex3) with a bounded
 * spin. The futex family registers it as `mutex futex` and uses it as its RW lock's writer lock
 * and its channel lock; the coro family guards its run queues and timers with it.
 *
 * Word: FXLOCK_FREE 0 | FXLOCK_HELD 1 (nobody sleeps) | FXLOCK_CONTENDED 2 (sleepers possible).
 * Invariant: a task sleeps on the word only after setting it to FXLOCK_CONTENDED, so an unlock
 * that finds FXLOCK_HELD has nobody to wake and makes no syscall.
 * Progress: deadlock-free, not fair (a newcomer may overtake a woken sleeper).
 */
#ifndef CSPLAB_IMPLS_SHARED_FXLOCK_H
#define CSPLAB_IMPLS_SHARED_FXLOCK_H

#include "futex.h"
#include "pace.h"

#include <stdbool.h>

enum { FXLOCK_FREE = 0, FXLOCK_HELD = 1, FXLOCK_CONTENDED = 2 };

/* Spin reads before sleeping: about a microsecond, far below the ~19 µs that a futex sleep/wake
 * round trip between two threads costs on the 2-core machine csplab is measured on (the same
 * reasoning as OS_PARKER_SPIN, parker.h). */
#define FXLOCK_SPIN 100

typedef struct fxlock {
	_Atomic uint32_t word;
	_Atomic uint32_t pace; /* fxlock_lock_paced's spin (pace.h); 0 to start */
} fxlock;

static inline bool fxlock_trylock(fxlock *l)
{
	uint32_t c = FXLOCK_FREE;
	/* acquire: starts the critical section; pairs with the release exchange in fxlock_unlock */
	return atomic_compare_exchange_strong_explicit(&l->word, &c, FXLOCK_HELD,
		memory_order_acquire, memory_order_relaxed);
}

void fxlock_lock_slow(fxlock *l, bool paced);

static inline void fxlock_lock(fxlock *l)
{
	if (!fxlock_trylock(l))
		fxlock_lock_slow(l, false);
}

/* fxlock_lock for a lock held only for short runs of code that tasks on several cores take back
 * to back (a channel's): the spin's pause is learned per lock (pace.h) instead of one PAUSE.
 * A mutex's holds are the caller's and of any length; there the waiter keeps looking every
 * PAUSE (MutexThroughput at cs_ns:200 lost 1.4-1.6x with a learned pause). */
static inline void fxlock_lock_paced(fxlock *l)
{
	if (!fxlock_trylock(l))
		fxlock_lock_slow(l, true);
}

/* Returns false (and changes nothing) if the lock was not held: the caller reports misuse. */
static inline bool fxlock_unlock(fxlock *l)
{
	/* release: publishes the critical section; pairs with the acquiring CAS/exchange in lock */
	uint32_t old = atomic_exchange_explicit(&l->word, FXLOCK_FREE, memory_order_release);
	if (old == FXLOCK_CONTENDED)
		futex_wake(&l->word, 1);
	return old != FXLOCK_FREE;
}

#endif /* CSPLAB_IMPLS_SHARED_FXLOCK_H */
