/*
 * rwlock/futex: Go's sync.RWMutex (impls/shared/gorwmutex.c: writer preference, readers that
 * queued behind a writer admitted by its unlock) with blocked readers and writers parked on
 * futex words (impls/shared/futex_parker.h). Fast paths: rlock/runlock are one atomic add each
 * when no writer is pending.
 */
#include "../shared/futex_parker.h"
#include "../shared/gorwmutex.h"

static int init(void *self)
{
	(void)self; /* the zero-filled state is an unlocked RW lock */
	return 0;
}

static void rlock(void *self) { gorwmutex_rlock(self, &futex_parker); }
static bool tryrlock(void *self) { return gorwmutex_tryrlock(self); }
static void runlock(void *self) { gorwmutex_runlock(self, &futex_parker); }
static void wlock(void *self) { gorwmutex_lock(self, &futex_parker); }
static bool trywlock(void *self) { return gorwmutex_trylock(self, &futex_parker); }
static void wunlock(void *self) { gorwmutex_unlock(self, &futex_parker); }

static const csp_rwlock_ops rwlock_futex = {
	.info = { "futex", "futex", "Go's RWMutex algorithm on futex semaphores", 0 },
	.size = sizeof(struct gorwmutex),
	.init = init,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = wlock,
	.trylock = trywlock,
	.unlock = wunlock,
};
CSP_REGISTER(rwlock, rwlock_futex);
