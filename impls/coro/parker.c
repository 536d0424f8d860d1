/* The coro family's parker (impls/shared/parker.h), used by its mutex, RW lock, waitgroup and
 * channel: coroutines park on a coro_waiter; threads outside the scheduler sleep on its futex
 * word. No spin phase: an unpark puts the task on the waker's "run next" slot, so a switch, not
 * a spin, is the cheap wait here. */
#include "parker.h"
#include "sched_internal.h"

_Static_assert(sizeof(struct coro_waiter) <= PARKER_MAX, "coro_waiter too large for a parker");

static void init(void *p, const char *reason, const void *obj)
{
	coro_waiter_init(p, reason, obj);
}

static bool park(void *p, int64_t deadline)
{
	return coro_waiter_park(p, deadline);
}

static void unpark(void *p)
{
	coro_waiter_unpark(p);
}

/* Go's sync_runtime_canSpin (runtime/proc.go), for gomutex's spin: a task spins for a lock only
 * while another worker is running, where the holder may be making progress, and while its own
 * worker has no other task to run instead (with one, parking lets that task run: it may be the
 * holder, or a reader the holder waits for). Threads outside the scheduler may spin. */
static bool may_spin(void)
{
	struct worker *w = coro_current_worker();
	if (!w)
		return true;
	/* relaxed, all: hints, as Go's loads of npidle and of the run queue are */
	if (atomic_load_explicit(&coro_S.nidle, memory_order_relaxed) + 1 >= coro_S.nworkers)
		return false;
	return runq_len(&w->q) == 0 && !atomic_load_explicit(&w->runnext, memory_order_relaxed);
}

const struct parker_ops coro_parker = {
	.init = init,
	.park = park,
	.unpark = unpark,
	.may_spin = may_spin,
	.woken_runs_late = true, /* to the waker's run-next slot (sched.c, coro_ready) */
};
