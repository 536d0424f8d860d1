/*
 * chan/futex: Go's channel algorithm (impls/shared/gochan.c) with the family's three-state futex
 * lock per channel and the shared futex parker (impls/shared/futex_parker.h: one futex word per
 * blocked operation, a short spin before the sleep).
 */
#include "../shared/futex_parker.h"
#include "../shared/fxlock.h"
#include "../shared/gochan.h"

static int lock_init(void *l)
{
	atomic_init(&((fxlock *)l)->word, FXLOCK_FREE);
	return 0;
}

static void lock(void *l) { fxlock_lock(l); }
static void unlock(void *l) { fxlock_unlock(l); }

static const struct gochan_sync futex_sync = {
	.lock_size = sizeof(fxlock),
	.lock_init = lock_init,
	.lock = lock,
	.unlock = unlock,
	.parker = &futex_parker,
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
