/*
 * waitgroup/lockfree: Go's sync.WaitGroup on one atomic counter; Wait spins until it is zero.
 *
 * Source: the semantics of Go's sync/waitgroup.go; with no sleepers to wake, its state word
 * needs no waiter count, so it shrinks to the counter alone.
 * State: `counter`, a signed 64-bit count of outstanding Done calls.
 * Invariants: counter >= 0 (a negative value is Go's fatal misuse); Wait returns only after
 * reading zero, and so after every Add/Done that brought it there.
 * Reuse: Go requires a new round's Add to come after every Wait of the last round returned, so
 * a waiter cannot miss the zero it waits for.
 * Progress: Add (and Done) is wait-free, one atomic add. Wait is blocking: it spins with
 * back-off, then yields (spin.h), and never parks.
 */
#include "spin.h"

#include <stdatomic.h>

struct waitgroup {
	_Atomic int64_t counter;
};

static int init(void *self)
{
	atomic_init(&((struct waitgroup *)self)->counter, 0);
	return 0;
}

static void add(void *self, int64_t delta)
{
	struct waitgroup *wg = self;
	/* release: a Done publishes the task's work; pairs with the acquire load in wait. (The
	 * adds form one release sequence, so the waiter that reads the final zero synchronises with
	 * every Done before it.) */
	int64_t v = atomic_fetch_add_explicit(&wg->counter, delta, memory_order_release) + delta;
	if (v < 0)
		csp_fatal(CSP_MSG_NEGATIVE_WG);
}

static void wait(void *self)
{
	struct waitgroup *wg = self;
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the release adds, see add */
	while (atomic_load_explicit(&wg->counter, memory_order_acquire) != 0)
		spin_wait(&s);
}

static const csp_waitgroup_ops waitgroup_lockfree = {
	.info = { "lockfree", "lockfree", "one atomic counter; Wait spins with back-off and yields",
		CSP_PROP_SPINS },
	.size = sizeof(struct waitgroup),
	.init = init,
	.add = add,
	.wait = wait,
};
CSP_REGISTER(waitgroup, waitgroup_lockfree);
