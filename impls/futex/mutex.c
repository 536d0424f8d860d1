/*
 * mutex/futex: the three-state futex lock (impls/shared/fxlock.h: Drepper's mutex3 with a bounded
 * spin), registered as a mutex. Uncontended lock and unlock are one atomic each and make no
 * syscall. Not owned; not starvation-free.
 */
#include "../shared/fxlock.h"

static int init(void *self)
{
	atomic_init(&((fxlock *)self)->word, FXLOCK_FREE);
	atomic_init(&((fxlock *)self)->pace, 0);
	return 0;
}

static void lock(void *self)
{
	fxlock_lock(self);
}

static bool trylock(void *self)
{
	return fxlock_trylock(self);
}

static void unlock(void *self)
{
	if (!fxlock_unlock(self))
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
}

static const csp_mutex_ops mutex_futex = {
	.info = { "futex", "futex", "Drepper's three-state futex mutex with a bounded spin", 0 },
	.size = sizeof(fxlock),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_futex);
