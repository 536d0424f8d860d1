/*
 * mutex/lockfree-ticket: the ticket lock, FIFO.
 *
 * Source: Mellor-Crummey & Scott, "Algorithms for scalable synchronization on shared-memory
 * multiprocessors" (ACM TOCS 9(1), 1991), §2.2, after Reed & Kanodia's event counts (1979).
 * A task takes the next ticket with one fetch-and-add and waits until `owner` shows it, backing
 * off as spin.h does; a waiter with more tasks ahead of it than there are CPUs yields at once,
 * since some of those cannot be running and its turn cannot come soon.
 *
 * State: two counters, modulo 2^32. `next`: the next ticket to hand out. `owner`: the ticket
 * being served. Free iff owner == next; held iff next - owner >= 1, with next - owner - 1
 * waiters. Only the holder writes `owner`. Not owned: any task may unlock.
 * Progress: lock is starvation-free (FIFO), given that every holder unlocks; trylock and unlock
 * are wait-free. FIFO is stronger than Go's starvation mode (a waiter is served before every
 * later arrival, not only after 1 ms), so it declares CSP_PROP_STARVATION_FREE. Spins and
 * yields; never parks.
 */
#include "spin.h"

#include <stdatomic.h>

struct ticket {
	_Atomic uint32_t next;
	_Atomic uint32_t owner;
};

static int init(void *self)
{
	struct ticket *m = self;
	atomic_init(&m->next, 0);
	atomic_init(&m->owner, 0);
	return 0;
}

static void lock(void *self)
{
	struct ticket *m = self;
	/* relaxed: taking a ticket orders nothing; the acquire load of owner below does */
	uint32_t t = atomic_fetch_add_explicit(&m->next, 1, memory_order_relaxed);
	struct spin s = SPIN_INIT;
	for (;;) {
		/* acquire: pairs with the release store in unlock that hands the lock to ticket t */
		uint32_t cur = atomic_load_explicit(&m->owner, memory_order_acquire);
		if (cur == t)
			return;
		if (t - cur > (uint32_t)csp_ncpu())
			csp_yield(); /* more waiters ahead than CPUs: they cannot all be spinning */
		else
			spin_wait(&s);
	}
}

static bool trylock(void *self)
{
	struct ticket *m = self;
	/* acquire: pairs with the release store in unlock, as in lock */
	uint32_t cur = atomic_load_explicit(&m->owner, memory_order_acquire);
	/* relaxed: succeeds only if no ticket beyond `cur` was handed out, and then owner == cur
	 * cannot move (nobody holds the lock); the acquire load above did the ordering */
	return atomic_compare_exchange_strong_explicit(&m->next, &cur, cur + 1,
		memory_order_relaxed, memory_order_relaxed);
}

static void unlock(void *self)
{
	struct ticket *m = self;
	/* relaxed, both: only the holder writes owner, so its own value is current; `next` is read
	 * only for the misuse check (free iff owner == next; a holder always sees next > owner) */
	uint32_t cur = atomic_load_explicit(&m->owner, memory_order_relaxed);
	if (atomic_load_explicit(&m->next, memory_order_relaxed) == cur)
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	/* release: publishes the critical section to the next ticket's acquire load */
	atomic_store_explicit(&m->owner, cur + 1, memory_order_release);
}

static const csp_mutex_ops mutex_ticket = {
	.info = { "lockfree-ticket", "lockfree",
		"FIFO ticket lock with back-off (Mellor-Crummey & Scott 1991)",
		CSP_PROP_SPINS | CSP_PROP_STARVATION_FREE },
	.size = sizeof(struct ticket),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_ticket);
