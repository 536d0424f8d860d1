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
	atomic_init(&((fxlock *)l)->pace, 0);
	return 0;
}

static void lock(void *l) { fxlock_lock_paced(l); }
static void unlock(void *l) { fxlock_unlock(l); }

static const struct gochan_sync futex_sync = {
	.lock_size = sizeof(fxlock),
	.lock_init = lock_init,
	.lock = lock,
	.unlock = unlock,
	.parker = &futex_parker,
};

static int chan_init(void *self, size_t elem_size, size_t cap)
{
	return gochan_init(&futex_sync, self, elem_size, cap);
}

static const csp_chan_ops chan_futex = {
	.info = { "futex", "futex", "Go's chan.go algorithm on a futex lock and futex parkers", 0 },
	.init = chan_init,
	GOCHAN_OPS,
};
CSP_REGISTER(chan, chan_futex);
