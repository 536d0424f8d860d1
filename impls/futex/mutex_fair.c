/*
 * mutex/futex-fair: Go's sync.Mutex (impls/shared/gomutex.c: normal and starvation modes, Go's
 * spin on a held lock) with its semaphore's waiters parked on futex words
 * (impls/shared/futex_parker.h, which spins briefly before each sleep).
 * Progress: starvation-free (bounded by the queue length once in starvation mode).
 */
#include "../shared/futex_parker.h"
#include "../shared/gomutex.h"

static int init(void *self)
{
	(void)self; /* zero-filled: unlocked, no waiters, empty queue */
	return 0;
}

static void lock(void *self) { gomutex_lock(self, &futex_parker); }
static bool trylock(void *self) { return gomutex_trylock(self); }
static void unlock(void *self) { gomutex_unlock(self, &futex_parker); }

static const csp_mutex_ops mutex_futex_fair = {
	.info = { "futex-fair", "futex", "Go's sync.Mutex (normal + starvation modes) on futexes",
		CSP_PROP_STARVATION_FREE },
	.size = sizeof(struct gomutex),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_futex_fair);
