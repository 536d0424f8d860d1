/* futex_parker (see futex_parker.h). */
#include "futex_parker.h"
#include "preempt.h"

enum {
	AWAKE = 0,    /* parked, still spinning or about to sleep: an unpark needs no system call */
	UNPARKED = 1, /* unpark() happened */
	ASLEEP = 2,   /* the parked task is in (or entering) futex_wait: unpark must wake it */
};

struct fparker {
	_Atomic uint32_t word;
};
_Static_assert(sizeof(struct fparker) <= PARKER_MAX, "futex parker too large");

static void init(void *p, const char *reason, const void *obj)
{
	(void)reason;
	(void)obj;
	atomic_init(&((struct fparker *)p)->word, AWAKE);
}

static bool unparked(void *p)
{
	/* acquire: pairs with the release exchange in unpark(), publishing what the unparker wrote
	 * before it (a value handed over, a lock state) */
	return atomic_load_explicit(&((struct fparker *)p)->word, memory_order_acquire) == UNPARKED;
}

static bool park(void *p, int64_t deadline)
{
	struct fparker *k = p;
	uint32_t w = AWAKE;
	CSP_PREEMPT(); /* spun out, sleep not yet announced: an unpark now needs no wake */
	/* acquire: on failure the word may be UNPARKED, and this pairs with unpark()'s release
	 * exchange (C11 lets the failure order be no stronger than the success order; announcing
	 * the sleep itself publishes nothing). From a park that timed out the word is ASLEEP. */
	if (!atomic_compare_exchange_strong_explicit(&k->word, &w, ASLEEP, memory_order_acquire,
		    memory_order_acquire) && w == UNPARKED)
		return true;
	while (!unparked(k))
		if (!futex_wait(&k->word, ASLEEP, deadline))
			return unparked(k); /* an unpark may have come as the deadline passed */
	return true;
}

static void unpark(void *p)
{
	struct fparker *k = p;
	/* release: publishes the hand-off; pairs with the acquire loads in unparked() and park().
	 * The old value says whether the task announced a sleep: if it was still AWAKE, its next
	 * look at the word (the spin's poll, or park's exchange) sees UNPARKED without a wake. */
	if (atomic_exchange_explicit(&k->word, UNPARKED, memory_order_release) == ASLEEP)
		futex_wake(&k->word, 1);
}

const struct parker_ops futex_parker = {
	.init = init,
	.park = park,
	.unpark = unpark,
	.unparked = unparked,
	.spin = FUTEX_PARKER_SPIN,
};
