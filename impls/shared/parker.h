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

#endif /* CSPLAB_IMPLS_SHARED_PARKER_H */
