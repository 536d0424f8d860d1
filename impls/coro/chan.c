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
 * A waiter backs off exponentially, up to LOCK_BACKOFF_MAX PAUSEs between looks (Anderson,
 * IEEE TPDS 1990): when tasks on two workers hammer one channel, a holder that finds the line
 * still local re-takes the lock for several operations in a row instead of the line crossing
 * cores on each (without back-off the waiter's looks kept stealing the line). After LOCK_SPINS
 * looks it yields its thread between looks: the holder's thread may have been preempted.
 *
 * Where the back-off starts adapts per lock, as glibc's adaptive mutex adapts its spin count (a
 * moving average of the spins recent acquisitions needed). A wait that needed several pauses
 * moves the start up towards its last pause; one that needed a single pause moves it down to
 * half that pause, so a start that is too long for the lock shrinks again. When the lock is held
 * nearly all the time (two tasks that never block, ChanSem), every look from 1 PAUSE up costs
 * the holder a fetch of the line, and with the start at 1 each wait began with a burst of them:
 * ChanSem on 2 workers 74 -> 30 ns, ChanContended 10.4 -> 3.0 µs, SelectAsyncContended 136 ->
 * 77 ns. Where waits are short (producer and consumer, hand-offs) the start stays near 1 PAUSE.
 */
#define LOCK_BACKOFF_MAX 64u
#define LOCK_SPINS 16u

struct chan_lock {
	_Atomic uint32_t word; /* 1: held */
	/* The first pause of a wait, in 1/16 PAUSEs: a moving average over recent contended
	 * acquisitions (see above). Written only by the holder. */
	_Atomic uint32_t start16;
};

static int lock_init(void *l)
{
	struct chan_lock *k = l;
	atomic_init(&k->word, 0);
	atomic_init(&k->start16, 16);
	return 0;
}

static void lock(void *l)
{
	struct chan_lock *k = l;
	/* relaxed: a hint, written by earlier holders; a stale value only changes the pacing */
	unsigned backoff = atomic_load_explicit(&k->start16, memory_order_relaxed) >> 4, waited = 0;
	if (backoff == 0)
		backoff = 1;
	unsigned n = 0;
	for (;; n++) {
		/* relaxed: the test only; acquire: pairs with unlock's release store */
		if (!atomic_load_explicit(&k->word, memory_order_relaxed) &&
			!atomic_exchange_explicit(&k->word, 1, memory_order_acquire))
			break;
		if (n >= LOCK_SPINS) {
			sched_yield();
			continue;
		}
		for (unsigned i = 0; i < backoff; i++)
			cpu_relax();
		waited = backoff;
		if (backoff < LOCK_BACKOFF_MAX)
			backoff <<= 1;
	}
	if (n > 0) {
		/* contended: move the start a quarter of the way towards this wait's last pause, or
		 * half of it if the first look after the first pause succeeded (it was long enough) */
		unsigned target = n == 1 ? waited / 2 : waited;
		/* relaxed: under the lock; read as a hint by the next waiters */
		uint32_t s = atomic_load_explicit(&k->start16, memory_order_relaxed);
		atomic_store_explicit(&k->start16, s - s / 4 + target * 4, memory_order_relaxed);
	}
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
