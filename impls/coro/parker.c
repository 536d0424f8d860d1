/* The coro family's parker (impls/shared/parker.h), used by its mutex, RW lock, waitgroup and
 * channel: coroutines park on a coro_waiter; threads outside the scheduler sleep on its futex
 * word. No spin phase: an unpark puts the task on the waker's "run next" slot, so a switch, not
 * a spin, is the cheap wait here. */
#include "parker.h"

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

static bool may_spin(void)
{
	/* Spinning for a holder that may be a coroutine of this very worker only delays it. */
	return coro_self() == NULL || coro_nworkers() > 1;
}

const struct parker_ops coro_parker = {
	.init = init,
	.park = park,
	.unpark = unpark,
	.may_spin = may_spin,
};
