/*
 * waitgroup/coro: Go's sync.WaitGroup (sync/waitgroup.go, Go 1.19) with waiters parked as
 * coroutines on a gosema.
 *
 * State word: counter in the high 32 bits (signed), waiters in the low 32 bits. The Add that
 * brings the counter to zero with waiters resets the word and releases the semaphore once per
 * waiter. Invariant: waiters > 0 only while counter > 0. Wait on a zero counter is one load.
 * All atomics are seq_cst, as Go's.
 */
#include "parker.h"

#include "../shared/gosema.h"

#define COUNTER_ONE ((uint64_t)1 << 32)

struct waitgroup {
	_Atomic uint64_t state;
	struct gosema sema;
};

static int init(void *self)
{
	(void)self; /* zero-filled: counter 0, no waiters */
	return 0;
}

static void add(void *self, int64_t delta)
{
	struct waitgroup *wg = self;
	uint64_t s = atomic_fetch_add(&wg->state, (uint64_t)delta * COUNTER_ONE) +
		(uint64_t)delta * COUNTER_ONE;
	int32_t v = (int32_t)(s >> 32);
	uint32_t w = (uint32_t)s;
	if (v < 0)
		csp_fatal(CSP_MSG_NEGATIVE_WG);
	if (v > 0 || w == 0)
		return;
	if (atomic_load(&wg->state) != s)
		csp_fatal("sync: WaitGroup misuse: Add called concurrently with Wait");
	atomic_store(&wg->state, 0);
	for (; w > 0; w--)
		gosema_release(&wg->sema, &coro_parker);
}

static void wait(void *self)
{
	struct waitgroup *wg = self;
	uint64_t s = atomic_load(&wg->state);
	while ((s >> 32) != 0) {
		if (atomic_compare_exchange_weak(&wg->state, &s, s + 1)) {
			gosema_acquire(&wg->sema, &coro_parker, false, "sync.WaitGroup.Wait");
			return;
		}
	}
}

static const csp_waitgroup_ops waitgroup_coro = {
	.info = { "coro", "coro", "Go's sync.WaitGroup parking coroutines", 0 },
	.size = sizeof(struct waitgroup),
	.init = init,
	.add = add,
	.wait = wait,
};
CSP_REGISTER(waitgroup, waitgroup_coro);
