/*
 * mutex/lockfree-ttas: test-and-test-and-set with bounded exponential back-off.
 *
 * Source: Rudolph & Segall, "Dynamic decentralized cache schemes for MIMD parallel processors"
 * (ISCA 1984) for test-and-test-and-set; Anderson (IEEE TPDS 1990) for the back-off
 * (spin.h). Waiters read the word until it looks free (hitting their own cached copy, so they
 * do not steal the line from the holder), and only then try the exchange; a waiter that lost
 * the race backs off before reading again.
 *
 * State: `held` is 0 (free) or 1 (held). Not owned: any task may unlock.
 * Invariant: held == 1 exactly between a successful exchange 0 -> 1 and the matching unlock.
 * Progress: lock is deadlock-free but not starvation-free (a waiter may lose every race);
 * trylock and unlock are wait-free (one atomic each). Spins and yields; never parks.
 */
#include "spin.h"

#include <stdatomic.h>

struct ttas {
	_Atomic uint32_t held;
};

static int init(void *self)
{
	atomic_init(&((struct ttas *)self)->held, 0);
	return 0;
}

static bool trylock(void *self)
{
	struct ttas *m = self;
	/* acquire: the critical section starts here; pairs with the release exchange in unlock */
	return atomic_exchange_explicit(&m->held, 1, memory_order_acquire) == 0;
}

static void lock(void *self)
{
	struct ttas *m = self;
	struct spin s = SPIN_INIT;
	while (!trylock(m)) {
		/* relaxed: only a hint that the exchange may now succeed; trylock orders */
		do
			spin_wait(&s);
		while (atomic_load_explicit(&m->held, memory_order_relaxed) != 0);
	}
}

static void unlock(void *self)
{
	struct ttas *m = self;
	/* release: publishes the critical section; pairs with the acquire exchange in trylock */
	if (atomic_exchange_explicit(&m->held, 0, memory_order_release) == 0)
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
}

static const csp_mutex_ops mutex_ttas = {
	.info = { "lockfree-ttas", "lockfree",
		"test-and-test-and-set with bounded exponential back-off (Anderson 1990)",
		CSP_PROP_SPINS },
	.size = sizeof(struct ttas),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_ttas);
