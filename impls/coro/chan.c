/*
 * chan/coro: Go's channel algorithm (impls/shared/gochan.c) with an fxlock per channel and
 * blocked operations parked as coroutines (coro_waiter): a value handed to a parked receiver is
 * copied into its buffer and the receiver goes to the sender's "run next" slot, as in Go.
 */
#include "parker.h"

#include "../shared/gochan.h"

_Static_assert(sizeof(struct coro_waiter) <= GOCHAN_PARKER_MAX, "coro_waiter too large");

static int lock_init(void *l)
{
	atomic_init(&((fxlock *)l)->word, FXLOCK_FREE);
	return 0;
}

static void lock_destroy(void *l) { (void)l; }
static void lock(void *l) { fxlock_lock(l); }
static void unlock(void *l) { fxlock_unlock(l); }
static void park_init(void *p) { coro_waiter_init(p, "chan", NULL); }
static void park_destroy(void *p) { (void)p; }
static bool park(void *p, int64_t deadline) { return coro_waiter_park(p, deadline); }
static void unpark(void *p) { coro_waiter_unpark(p); }

static const struct gochan_sync coro_sync = {
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
	return gochan_size(&coro_sync, elem_size, cap);
}

static int chan_init(void *self, size_t elem_size, size_t cap)
{
	return gochan_init(&coro_sync, self, elem_size, cap);
}

static const csp_chan_ops chan_coro = {
	.info = { "coro", "coro", "Go's chan.go algorithm parking coroutines", 0 },
	.size = chan_size,
	.init = chan_init,
	.destroy = gochan_destroy,
	.send = gochan_send,
	.recv = gochan_recv,
	.close = gochan_close,
	.len = gochan_len,
	.select = gochan_select,
};
CSP_REGISTER(chan, chan_coro);
