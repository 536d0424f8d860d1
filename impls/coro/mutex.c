/*
 * mutex/coro: Go's sync.Mutex (impls/shared/gomutex.c: normal and starvation modes) with waiters
 * parked as coroutines: a blocked Lock costs its worker a switch, not a thread.
 */
#include "parker.h"

#include "../shared/gomutex.h"

static int init(void *self)
{
	(void)self; /* zero-filled: unlocked */
	return 0;
}

static void lock(void *self) { gomutex_lock(self, &coro_parker); }
static bool trylock(void *self) { return gomutex_trylock(self); }
static void unlock(void *self) { gomutex_unlock(self, &coro_parker); }

static const csp_mutex_ops mutex_coro = {
	.info = { "coro", "coro", "Go's sync.Mutex parking coroutines", CSP_PROP_STARVATION_FREE },
	.size = sizeof(struct gomutex),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_coro);
