/*
 * waitgroup/coro: Go's sync.WaitGroup (impls/shared/gowaitgroup.c) with waiters parked as
 * coroutines on a gosema, which the last Add releases once per waiter, as Go does.
 * Wait on a zero counter is one load.
 */
#include "parker.h"

#include "../shared/gosema.h"
#include "../shared/gowaitgroup.h"

struct waitgroup {
	struct gowaitgroup wg; /* first: the gowaitgroup_sleep callbacks convert back */
	struct gosema sema;
};

static int init(void *self)
{
	(void)self; /* zero-filled: counter 0, no waiters */
	return 0;
}

static void sleep_round(struct gowaitgroup *wg, uint32_t r)
{
	(void)r; /* a unit of the semaphore is released only when a round ends */
	gosema_acquire(&((struct waitgroup *)wg)->sema, &coro_parker, false, "sync.WaitGroup.Wait");
}

static void release(struct gowaitgroup *wg, uint32_t n)
{
	for (; n > 0; n--)
		gosema_release(&((struct waitgroup *)wg)->sema, &coro_parker);
}

static const struct gowaitgroup_sleep coro_sema = { sleep_round, release };

static void add(void *self, int64_t delta) { gowaitgroup_add(self, delta, &coro_sema); }
static void wait(void *self) { gowaitgroup_wait(self, &coro_sema); }

static const csp_waitgroup_ops waitgroup_coro = {
	.info = { "coro", "coro", "Go's sync.WaitGroup parking coroutines", 0 },
	.size = sizeof(struct waitgroup),
	.init = init,
	.add = add,
	.wait = wait,
};
CSP_REGISTER(waitgroup, waitgroup_coro);
