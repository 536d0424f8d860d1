/*
 * chan/coro: Go's channel algorithm (impls/shared/gochan.c) with a spin lock per channel and
 * blocked operations parked as coroutines (coro_parker, parker.c, the parker the family's mutex,
 * RW lock and waitgroup use too): a value handed to a parked receiver is copied into its buffer
 * and the receiver goes to the sender's "run next" slot, as in Go.
 */
#include "parker.h"

#include "../shared/gochan.h"

#include <sched.h>

/*
 * The channel lock: test-and-test-and-set on one word. gochan never parks or switches while it
 * holds the lock (it unlocks before it waits), so every hold is a short run of code; unlock is
 * then a plain release store, where a futex lock needs a read-modify-write to learn whether
 * anyone sleeps (a ChanSync round trip takes the lock four times: 66 -> ~55 ns here).
 * A waiter backs off exponentially, 1, 2, 4 ... LOCK_BACKOFF_MAX PAUSEs between looks (Anderson,
 * IEEE TPDS 1990): when tasks on two workers hammer one channel, a holder that finds the line
 * still local re-takes the lock for several operations in a row instead of the line crossing
 * cores on each (ChanProdCons10 with 2 workers: ~90 -> 50-70 ns/op here; without back-off the
 * waiter's looks kept stealing the line). After LOCK_SPINS looks (~15 µs) it yields its thread
 * between looks: the holder's thread may have been preempted.
 */
#define LOCK_BACKOFF_MAX 64u
#define LOCK_SPINS 16u

static int lock_init(void *l)
{
	atomic_init((_Atomic uint32_t *)l, 0);
	return 0;
}

static void lock(void *l)
{
	_Atomic uint32_t *word = l;
	unsigned backoff = 1;
	for (unsigned n = 0;; n++) {
		/* relaxed: the test only; acquire: pairs with unlock's release store */
		if (!atomic_load_explicit(word, memory_order_relaxed) &&
			!atomic_exchange_explicit(word, 1, memory_order_acquire))
			return;
		if (n >= LOCK_SPINS) {
			sched_yield();
			continue;
		}
		for (unsigned i = 0; i < backoff; i++)
			cpu_relax();
		if (backoff < LOCK_BACKOFF_MAX)
			backoff <<= 1;
	}
}

static void unlock(void *l)
{
	/* release: publishes the critical section; pairs with the acquiring exchange in lock() */
	atomic_store_explicit((_Atomic uint32_t *)l, 0, memory_order_release);
}

static const struct gochan_sync coro_sync = {
	.lock_size = sizeof(uint32_t),
	.lock_init = lock_init,
	.lock = lock,
	.unlock = unlock,
	.parker = &coro_parker,
};

static int chan_init(void *self, size_t elem_size, size_t cap)
{
	return gochan_init(&coro_sync, self, elem_size, cap);
}

static const csp_chan_ops chan_coro = {
	.info = { "coro", "coro", "Go's chan.go algorithm parking coroutines", 0 },
	.init = chan_init,
	GOCHAN_OPS,
};
CSP_REGISTER(chan, chan_coro);
