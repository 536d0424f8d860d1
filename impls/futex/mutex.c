/*
 * mutex/futex: the family's three-state futex lock (lock.h: Drepper's mutex3 with a bounded
 * spin), registered as a mutex. Uncontended lock and unlock are one atomic each and make no
 * syscall. Not owned; not starvation-free.
 */
#include "lock.h"

void fxlock_lock_slow(fxlock *l)
{
	for (int i = 0; i < FXLOCK_SPIN; i++) {
		/* relaxed: a hint only; fxlock_trylock's CAS does the ordering */
		uint32_t c = atomic_load_explicit(&l->word, memory_order_relaxed);
		if (c == FXLOCK_FREE && fxlock_trylock(l))
			return;
		if (c == FXLOCK_CONTENDED)
			break; /* others already sleep: join them rather than compete */
		cpu_relax();
	}
	/* acquire: as fxlock_trylock. Taking the lock as CONTENDED (not HELD) keeps the other
	 * sleepers wakeable by our unlock. */
	while (atomic_exchange_explicit(&l->word, FXLOCK_CONTENDED, memory_order_acquire) != FXLOCK_FREE)
		futex_wait(&l->word, FXLOCK_CONTENDED, CSP_FOREVER);
}

static int init(void *self)
{
	atomic_init(&((fxlock *)self)->word, FXLOCK_FREE);
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
