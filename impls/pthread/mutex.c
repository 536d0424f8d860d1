/*
 * mutex/pthread: glibc's pthread_mutex_t (PTHREAD_MUTEX_NORMAL), the baseline every other mutex
 * is measured against.
 *
 * Go's misuse check needs one extra word: `held`, set inside the critical section. It is only
 * written by the holder, so relaxed accesses suffice; they are atomic only so that the misuse
 * case (an unlock racing a lock) is not itself a data race.
 *
 * Properties: owned (POSIX makes unlocking from another thread undefined, and ThreadSanitizer
 * reports it), no starvation mode (glibc lets newcomers barge without limit).
 */
#include <csplab/impl.h>

#include <pthread.h>
#include <stdatomic.h>

struct mutex {
	pthread_mutex_t mu;
	_Atomic bool held;
};

static int init(void *self)
{
	struct mutex *m = self;
	atomic_init(&m->held, false);
	return pthread_mutex_init(&m->mu, NULL);
}

static void destroy(void *self)
{
	struct mutex *m = self;
	pthread_mutex_destroy(&m->mu);
}

static void lock(void *self)
{
	struct mutex *m = self;
	pthread_mutex_lock(&m->mu);
	/* relaxed: inside the critical section; the mutex orders it with the unlock below */
	atomic_store_explicit(&m->held, true, memory_order_relaxed);
}

static bool trylock(void *self)
{
	struct mutex *m = self;
	if (pthread_mutex_trylock(&m->mu) != 0)
		return false;
	atomic_store_explicit(&m->held, true, memory_order_relaxed); /* as in lock() */
	return true;
}

static void unlock(void *self)
{
	struct mutex *m = self;
	/* relaxed: a correct caller holds the mutex, which orders this with the store in lock() */
	if (!atomic_load_explicit(&m->held, memory_order_relaxed))
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	atomic_store_explicit(&m->held, false, memory_order_relaxed);
	pthread_mutex_unlock(&m->mu);
}

static const csp_mutex_ops mutex_pthread = {
	.info = { "pthread", "pthread", "glibc pthread_mutex_t (normal type)", CSP_PROP_OWNED },
	.size = sizeof(struct mutex),
	.init = init,
	.destroy = destroy,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_pthread);
