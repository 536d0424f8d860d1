/*
 * waitgroup/futex: Go's sync.WaitGroup (impls/shared/gowaitgroup.c) with waiters asleep on the
 * futex word `round`, which the last Add bumps before it wakes them all with one syscall.
 * Fast paths: wait on a zero counter is one load; add with no waiters is one atomic add.
 */
#include "../shared/futex.h"
#include "../shared/gowaitgroup.h"

#include <limits.h>

static int init(void *self)
{
	struct gowaitgroup *wg = self;
	atomic_init(&wg->state, 0);
	atomic_init(&wg->round, 0);
	return 0;
}

static void sleep_round(struct gowaitgroup *wg, uint32_t r)
{
	/* futex_wait may return spuriously: the round has ended only once `round` moved */
	while (atomic_load(&wg->round) == r)
		futex_wait(&wg->round, r, CSP_FOREVER);
}

static void release(struct gowaitgroup *wg, uint32_t n)
{
	(void)n; /* every sleeper of the round waits on the same word */
	futex_wake(&wg->round, INT_MAX);
}

static const struct gowaitgroup_sleep futex_round = { sleep_round, release };

static void add(void *self, int64_t delta) { gowaitgroup_add(self, delta, &futex_round); }
static void wait(void *self) { gowaitgroup_wait(self, &futex_round); }

static const csp_waitgroup_ops waitgroup_futex = {
	.info = { "futex", "futex", "Go's WaitGroup state word with a futex round counter", 0 },
	.size = sizeof(struct gowaitgroup),
	.init = init,
	.add = add,
	.wait = wait,
};
CSP_REGISTER(waitgroup, waitgroup_futex);
