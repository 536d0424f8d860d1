/*
 * mutex/broken-nonexclusive: a mutex that does not exclude. lock() always succeeds at once;
 * trylock() is honest (fails while held), so only the suite's exclusion checks can catch it.
 *
 * Built only into csplab-conformance-selftest, never into the library: the suite must fail it
 * (TestMutex), which proves the suite can fail. It keeps Go's misuse check so that it is broken
 * in exactly one way.
 */
#include "hx.h" /* CSP_PROP_BROKEN */

#include <csplab/impl.h>

#include <stdatomic.h>

struct mutex {
	_Atomic int held; /* lock calls minus unlock calls */
};

static int init(void *self)
{
	struct mutex *m = self;
	atomic_init(&m->held, 0);
	return 0;
}

static void lock(void *self)
{
	struct mutex *m = self;
	atomic_fetch_add(&m->held, 1); /* the bug: no waiting for the holder */
}

static bool trylock(void *self)
{
	struct mutex *m = self;
	int free = 0;
	return atomic_compare_exchange_strong(&m->held, &free, 1);
}

static void unlock(void *self)
{
	struct mutex *m = self;
	if (atomic_fetch_sub(&m->held, 1) <= 0)
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
}

static const csp_mutex_ops broken_nonexclusive = {
	.info = { "broken-nonexclusive", "broken", "test-only: never excludes", CSP_PROP_BROKEN },
	.size = sizeof(struct mutex),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, broken_nonexclusive);
