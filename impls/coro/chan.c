/*
 * chan/coro: Go's channel algorithm (impls/shared/gochan.c) with a spin lock per channel and
 * blocked operations parked as coroutines (coro_parker, parker.c, the parker the family's mutex,
 * RW lock and waitgroup use too): a value handed to a parked receiver is copied into its buffer
 * and the receiver goes to the sender's "run next" slot, as in Go.
 */
#include "parker.h"

#include "../shared/gochan.h"
#include "../shared/pace.h"

#include <sched.h>

/*
 * The channel lock: test-and-test-and-set on one word. gochan never parks or switches while it
 * holds the lock (it unlocks before it waits), so every hold is a short run of code; unlock is
 * then a plain release store, where a futex lock needs a read-modify-write to learn whether
 * anyone sleeps (a ChanSync round trip takes the lock four times: 66 -> ~55 ns here).
 * A waiter backs off exponentially, up to PACE_MAX PAUSEs between looks (Anderson, IEEE TPDS
 * 1990), from a first pause learned per lock (../shared/pace.h): when tasks on two workers
 * hammer one channel, a holder that finds the line still local re-takes the lock for several
 * operations in a row instead of the line crossing cores on each. With the first pause fixed at
 * one PAUSE, every wait began with a burst of looks that stole the line: ChanSem on 2 workers
 * 74 -> 30 ns with the learned start, ChanContended 10.4 -> 3.0 µs, SelectAsyncContended 136 ->
 * 77 ns. After LOCK_SPINS looks the waiter yields its thread between looks: the holder's thread
 * may have been preempted.
 */
#define LOCK_SPINS 16u

struct chan_lock {
	_Atomic uint32_t word; /* 1: held */
	_Atomic uint32_t pace; /* pace.h */
};

static int lock_init(void *l)
{
	struct chan_lock *k = l;
	atomic_init(&k->word, 0);
	atomic_init(&k->pace, 0);
	return 0;
}

static void lock(void *l)
{
	struct chan_lock *k = l;
	unsigned pause = pace_start(&k->pace), last = 0, n = 0;
	for (;; n++) {
		/* relaxed: the test only; acquire: pairs with unlock's release store */
		if (!atomic_load_explicit(&k->word, memory_order_relaxed) &&
			!atomic_exchange_explicit(&k->word, 1, memory_order_acquire))
			break;
		if (n >= LOCK_SPINS) {
			sched_yield();
			continue;
		}
		for (unsigned i = 0; i < pause; i++)
			cpu_relax();
		last = pause;
		pause = pace_next(pause);
	}
	pace_learn(&k->pace, n, last);
}

static void unlock(void *l)
{
	/* release: publishes the critical section; pairs with the acquiring exchange in lock() */
	atomic_store_explicit(&((struct chan_lock *)l)->word, 0, memory_order_release);
}

static const struct gochan_sync coro_sync = {
	.lock_size = sizeof(struct chan_lock),
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
