/*
 * mutex/example-tas: a test-and-test-and-set lock that yields while it waits — the example
 * implementation of docs/plugin.md, compiled in with `make test EXTRA_IMPLS=examples/plugin`.
 *
 * State: `locked` is 0 (free) or 1 (held). Not owned: any task may unlock.
 * Progress: deadlock-free, not starvation-free (a yielding waiter can lose every race).
 */
#include <csplab/impl.h>

#include <stdatomic.h>

struct tas {
	_Atomic int locked;
};

static int init(void *self)
{
	struct tas *m = self;
	atomic_init(&m->locked, 0);
	return 0;
}

static bool trylock(void *self)
{
	struct tas *m = self;
	/* acquire: the critical section starts after this; pairs with the release in unlock() */
	return atomic_exchange_explicit(&m->locked, 1, memory_order_acquire) == 0;
}

static void lock(void *self)
{
	struct tas *m = self;
	while (!trylock(self)) {
		/* relaxed: only a hint to retry; trylock's acquire exchange does the ordering */
		while (atomic_load_explicit(&m->locked, memory_order_relaxed))
			csp_yield();
	}
}

static void unlock(void *self)
{
	struct tas *m = self;
	/* release: publishes the critical section; pairs with the acquire exchange in trylock() */
	if (atomic_exchange_explicit(&m->locked, 0, memory_order_release) == 0)
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
}

static const csp_mutex_ops example_tas = {
	.info = { "example-tas", "example", "test-and-test-and-set, yielding while it waits",
		CSP_PROP_SPINS },
	.size = sizeof(struct tas),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, example_tas);
