/* rwlock/coro: Go's sync.RWMutex (impls/shared/gorwmutex.c) with waiters parked as coroutines. */
#include "parker.h"

#include "../shared/gorwmutex.h"

static int init(void *self)
{
	(void)self; /* zero-filled: unlocked */
	return 0;
}

static void rlock(void *self) { gorwmutex_rlock(self, &coro_parker); }
static bool tryrlock(void *self) { return gorwmutex_tryrlock(self); }
static void runlock(void *self) { gorwmutex_runlock(self, &coro_parker); }
static void wlock(void *self) { gorwmutex_lock(self, &coro_parker); }
static bool trywlock(void *self) { return gorwmutex_trylock(self, &coro_parker); }
static void wunlock(void *self) { gorwmutex_unlock(self, &coro_parker); }

static const csp_rwlock_ops rwlock_coro = {
	.info = { "coro", "coro", "Go's sync.RWMutex parking coroutines", 0 },
	.size = sizeof(struct gorwmutex),
	.init = init,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = wlock,
	.trylock = trywlock,
	.unlock = wunlock,
};
CSP_REGISTER(rwlock, rwlock_coro);
