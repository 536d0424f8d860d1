/* futex_parker (see futex_parker.h). */
#include "futex_parker.h"

struct fparker {
	_Atomic uint32_t word; /* 0 parked, 1 unparked */
};
_Static_assert(sizeof(struct fparker) <= PARKER_MAX, "futex parker too large");

static void init(void *p, const char *reason, const void *obj)
{
	(void)reason;
	(void)obj;
	atomic_init(&((struct fparker *)p)->word, 0);
}

static bool unparked(void *p)
{
	/* acquire: pairs with the release store in unpark(), publishing what the unparker wrote
	 * before it (a value handed over, a lock state) */
	return atomic_load_explicit(&((struct fparker *)p)->word, memory_order_acquire) != 0;
}

static bool park(void *p, int64_t deadline)
{
	struct fparker *k = p;
	while (!unparked(k))
		if (!futex_wait(&k->word, 0, deadline))
			return unparked(k); /* an unpark may have come as the deadline passed */
	return true;
}

static void unpark(void *p)
{
	struct fparker *k = p;
	/* release: publishes the hand-off; pairs with the acquire load in unparked() */
	atomic_store_explicit(&k->word, 1, memory_order_release);
	futex_wake(&k->word, 1);
}

const struct parker_ops futex_parker = {
	.init = init,
	.park = park,
	.unpark = unpark,
	.unparked = unparked,
	.spin = FUTEX_PARKER_SPIN,
};
