/*
 * A parker: how a family blocks one task until another unparks it — a futex word for OS threads,
 * a parked coroutine for the coro family. Go's semaphore, Mutex and RWMutex algorithms
 * (gosema.c, gomutex.c, gorwmutex.c) are written once over this interface.
 *
 * Contract: init prepares a parker (not unparked). park(p, deadline) returns true once unpark(p)
 * has been called (before or during the park), false if the deadline passed first, and never
 * spuriously; after false it may be called again. unpark is called at most once per init, by
 * another task, and must not touch the parker after the parked task can observe the unpark: the
 * parker lives on the parked task's stack.
 */
#ifndef CSPLAB_IMPLS_SHARED_PARKER_H
#define CSPLAB_IMPLS_SHARED_PARKER_H

#include <csplab/impl.h>

#define PARKER_MAX 128 /* bytes a parker may use; families check with a static assertion */

struct parker_ops {
	/* reason and obj: what the task waits on, for diagnostics (deadlock reports) */
	void (*init)(void *p, const char *reason, const void *obj);
	void (*destroy)(void *p); /* optional */
	bool (*park)(void *p, int64_t deadline);
	void (*unpark)(void *p);
	/* May a waiter spin briefly before parking? (false where spinning would only delay the
	 * task it waits for, e.g. on a single worker.) */
	bool (*may_spin)(void);
};

#endif /* CSPLAB_IMPLS_SHARED_PARKER_H */
