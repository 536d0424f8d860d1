/*
 * mutex/example-racy: a deliberately broken mutex for trying the suite on a bad implementation:
 * `make test EXTRA_IMPLS=examples/plugin-broken` must fail and name it.
 *
 * The bug: test-then-set as two separate steps, so two tasks can both see "free" and both enter.
 */
#include <csplab/impl.h>

#include <stdatomic.h>

struct racy {
	_Atomic int locked;
};

static int init(void *self)
{
	struct racy *m = self;
	atomic_init(&m->locked, 0);
	return 0;
}

static bool trylock(void *self)
{
	struct racy *m = self;
	if (atomic_load(&m->locked))
		return false;
	csp_yield(); /* widen the window between the test and the set */
	atomic_store(&m->locked, 1);
	return true;
}

static void lock(void *self)
{
	while (!trylock(self))
		csp_yield();
}

static void unlock(void *self)
{
	struct racy *m = self;
	if (atomic_exchange(&m->locked, 0) == 0)
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
}

static const csp_mutex_ops example_racy = {
	.info = { "example-racy", "example", "BROKEN: test-then-set in two steps", 0 },
	.size = sizeof(struct racy),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, example_racy);
