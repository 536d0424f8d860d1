/*
 * A parker: how a family blocks one task until another unparks it — a futex word for OS threads
 * (futex_parker.h), a condition variable (the pthread family), a parked coroutine (the coro
 * family). It is the one parking interface of the shared Go algorithms: the semaphore, Mutex and
 * RWMutex (gosema.c, gomutex.c, gorwmutex.c) and the channel (gochan.c, gochan_select.c).
 *
 * Contract: init prepares a parker (not unparked). park(p, deadline) returns true once unpark(p)
 * has been called (before or during the park), false if the deadline passed first, and never
 * spuriously; after false it may be called again. unpark is called at most once per init, by
 * another task, and must not touch the parker after the parked task can observe the unpark: the
 * parker lives on the parked task's stack (a futex wake that lands after that is allowed: it can
 * only be spurious for a later user of the memory, and futex waiters re-check).
 *
 * The spin phase is a parameter, not a family's private loop: with spin > 0, parker_wait() polls
 * unparked() up to `spin` times, a PAUSE apart, before it parks, so a hand-off that comes within
 * about a microsecond costs no sleep and no wake-up. Families whose park is cheap, or for which
 * spinning only delays the task they wait for, set 0.
 */
#ifndef CSPLAB_IMPLS_SHARED_PARKER_H
#define CSPLAB_IMPLS_SHARED_PARKER_H

#include "futex.h" /* cpu_relax */
#include "preempt.h"

#include <csplab/impl.h>

#define PARKER_MAX 128 /* bytes a parker may use; families check with a static assertion */

struct parker_ops {
	/* reason and obj: what the task waits on, for diagnostics (deadlock reports) */
	void (*init)(void *p, const char *reason, const void *obj);
	void (*destroy)(void *p); /* optional */
	bool (*park)(void *p, int64_t deadline);
	void (*unpark)(void *p);
	/* Has unpark(p) been called? A poll that never blocks; it must order what the unparker
	 * published before unpark as park's true return does. Needed only when spin > 0. */
	bool (*unparked)(void *p);
	unsigned spin; /* polls of unparked() before parking; 0: park at once */
	/* May a waiter spin briefly before parking (here, and gomutex's spin on a held lock)?
	 * Optional (absent: yes); false where spinning would only delay the task it waits for,
	 * e.g. on a single worker. */
	bool (*may_spin)(void);
	/* A task this parker unparks may wait long before it runs: a coroutine goes to its
	 * waker's run-next slot and runs when the waker's worker switches, or another steals it.
	 * gomutex reads its word before the fast path's CAS then (gomutex.h says why). */
	bool woken_runs_late;
};

static inline bool parker_may_spin(const struct parker_ops *o)
{
	return !o->may_spin || o->may_spin();
}

static inline void parker_destroy(const struct parker_ops *o, void *p)
{
	if (o->destroy)
		o->destroy(p);
}

/* park(p, deadline), after the spin phase: the only way the shared algorithms wait. */
static inline bool parker_wait(const struct parker_ops *o, void *p, int64_t deadline)
{
	if (o->spin && parker_may_spin(o)) {
		for (unsigned i = 0; i < o->spin; i++) {
			if (o->unparked(p))
				return true;
			cpu_relax();
		}
	}
	return o->park(p, deadline);
}

/*
 * The announced sleep: a word per parked OS thread that says whether the thread has announced a
 * sleep, so that an unpark wakes it only then. The OS-thread parkers use it (futex_parker.c, where
 * the thread sleeps on the word itself; the pthread family's chan.c, where it sleeps in a
 * condition variable). The parked thread spins, then announces (awake -> asleep, one
 * compare-and-swap) and sleeps; unpark exchanges in "unparked" and wakes only if the old value was
 * "asleep": a hand-off to a thread still in its spin phase costs no system call on either side, as
 * glibc's mutex skips the wake when no waiter is recorded.
 *
 * Their spin phase: OS_PARKER_SPIN polls before the sleep. A hand-off from the other core often
 * comes within a microsecond, where a sleep/wake round trip between two threads costs ~19 µs on
 * the 2-core machine csplab is measured on.
 */
#define OS_PARKER_SPIN 200

enum {
	PARK_AWAKE = 0,    /* parked, still spinning or about to sleep: an unpark needs no wake */
	PARK_UNPARKED = 1, /* unpark() happened */
	PARK_ASLEEP = 2,   /* the parked thread is in (or entering) its sleep: unpark must wake it */
};

static inline bool park_word_unparked(_Atomic uint32_t *w)
{
	/* acquire: pairs with the release exchange in park_word_unpark(), publishing what the
	 * unparker wrote before it (a value handed over, a lock state) */
	return atomic_load_explicit(w, memory_order_acquire) == PARK_UNPARKED;
}

/* Announce the sleep: false if the word already says unparked (the park is over), true if the
 * thread must now sleep until an unpark wakes it. */
static inline bool park_word_announce(_Atomic uint32_t *w)
{
	uint32_t old = PARK_AWAKE;
	CSP_PREEMPT(); /* spun out, sleep not yet announced: an unpark now needs no wake */
	/* acquire: on failure the word may be UNPARKED, and this pairs with the unparker's release
	 * exchange (C11 lets the failure order be no stronger than the success order; announcing
	 * the sleep itself publishes nothing). After a park that timed out the word may be ASLEEP
	 * already: the sleep stays announced. */
	return atomic_compare_exchange_strong_explicit(w, &old, PARK_ASLEEP, memory_order_acquire,
		       memory_order_acquire) || old != PARK_UNPARKED;
}

/* After a sleep that timed out: withdraw the announcement (asleep -> awake), so a later unpark
 * needs no wake. False if an unpark has already exchanged in "unparked": its wake is on the way,
 * and the parked thread must wait for it before it lets the parker go. */
static inline bool park_word_withdraw(_Atomic uint32_t *w)
{
	uint32_t old = PARK_ASLEEP;
	/* relaxed: on success nothing was handed over; on failure the unparker's wake (whatever
	 * the parker sleeps in) carries the ordering */
	return atomic_compare_exchange_strong_explicit(w, &old, PARK_AWAKE, memory_order_relaxed,
		memory_order_relaxed);
}

/* Unpark: true if the parked thread announced its sleep and must be woken. */
static inline bool park_word_unpark(_Atomic uint32_t *w)
{
	/* release: publishes the hand-off; pairs with the acquire loads in park_word_unparked()
	 * and park_word_announce(). If the old value was AWAKE, the thread's next look at the word
	 * (a poll of its spin, or its announcement) sees UNPARKED without a wake. */
	return atomic_exchange_explicit(w, PARK_UNPARKED, memory_order_release) == PARK_ASLEEP;
}

#endif /* CSPLAB_IMPLS_SHARED_PARKER_H */
