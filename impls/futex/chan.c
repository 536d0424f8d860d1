/*
 * chan/futex: Go's channel algorithm (impls/shared/gochan.c) with the family's three-state futex
 * lock per channel and one futex word per blocked operation.
 *
 * Parker word: 0 parked, 1 unparked. The parked task spins briefly (a peer on the other core often
 * answers within a microsecond, and a futex round trip costs ~20) and then sleeps on the word.
 * unpark stores 1 and wakes; the wake may hit the word after its owner has returned and reused
 * the stack slot, which can only cause a spurious wake-up there, and every futex waiter re-checks.
 */
#include "../shared/gochan.h"
#include "../shared/fxlock.h"

#define PARK_SPIN 200

struct parker {
	_Atomic uint32_t word;
};
_Static_assert(sizeof(struct parker) <= GOCHAN_PARKER_MAX, "parker too large");

static int lock_init(void *l)
{
	atomic_init(&((fxlock *)l)->word, FXLOCK_FREE);
	return 0;
}

static void lock_destroy(void *l) { (void)l; }
static void lock(void *l) { fxlock_lock(l); }
static void unlock(void *l) { fxlock_unlock(l); }

static void park_init(void *p)
{
	atomic_init(&((struct parker *)p)->word, 0);
}

static void park_destroy(void *p) { (void)p; }

static bool unparked(struct parker *k)
{
	/* acquire: pairs with the release store in unpark(), publishing the value handed over */
	return atomic_load_explicit(&k->word, memory_order_acquire) != 0;
}

static bool park(void *p, int64_t deadline)
{
	struct parker *k = p;
	for (int i = 0; i < PARK_SPIN; i++) {
		if (unparked(k))
			return true;
		cpu_relax();
	}
	while (!unparked(k))
		if (!futex_wait(&k->word, 0, deadline))
			return unparked(k);
	return true;
}

static void unpark(void *p)
{
	struct parker *k = p;
	/* release: publishes the hand-off (value copied, ok set); pairs with unparked() */
	atomic_store_explicit(&k->word, 1, memory_order_release);
	futex_wake(&k->word, 1);
}

static const struct gochan_sync futex_sync = {
	.lock_size = sizeof(fxlock),
	.lock_init = lock_init,
	.lock_destroy = lock_destroy,
	.lock = lock,
	.unlock = unlock,
	.park_init = park_init,
	.park_destroy = park_destroy,
	.park = park,
	.unpark = unpark,
};

static size_t chan_size(size_t elem_size, size_t cap)
{
	return gochan_size(&futex_sync, elem_size, cap);
}

static int chan_init(void *self, size_t elem_size, size_t cap)
{
	return gochan_init(&futex_sync, self, elem_size, cap);
}

static const csp_chan_ops chan_futex = {
	.info = { "futex", "futex", "Go's chan.go algorithm on a futex lock and futex parkers", 0 },
	.size = chan_size,
	.init = chan_init,
	.destroy = gochan_destroy,
	.send = gochan_send,
	.recv = gochan_recv,
	.close = gochan_close,
	.len = gochan_len,
	.select = gochan_select,
	.waiting = gochan_waiting,
};
CSP_REGISTER(chan, chan_futex);
