/* futex_parker (see futex_parker.h): the announced-sleep word of parker.h, slept on directly. */
#include "futex_parker.h"

struct fparker {
	_Atomic uint32_t word; /* PARK_AWAKE, PARK_UNPARKED or PARK_ASLEEP (parker.h) */
};
_Static_assert(sizeof(struct fparker) <= PARKER_MAX, "futex parker too large");

static void init(void *p, const char *reason, const void *obj)
{
	(void)reason;
	(void)obj;
	atomic_init(&((struct fparker *)p)->word, PARK_AWAKE);
}

static bool unparked(void *p)
{
	return park_word_unparked(&((struct fparker *)p)->word);
}

static bool park(void *p, int64_t deadline)
{
	struct fparker *k = p;
	if (!park_word_announce(&k->word))
		return true;
	while (!park_word_unparked(&k->word))
		if (!futex_wait(&k->word, PARK_ASLEEP, deadline))
			return park_word_unparked(&k->word); /* an unpark may have come as it passed */
	return true;
}

static void unpark(void *p)
{
	struct fparker *k = p;
	if (park_word_unpark(&k->word))
		futex_wake(&k->word, 1);
}

const struct parker_ops futex_parker = {
	.init = init,
	.park = park,
	.unpark = unpark,
	.unparked = unparked,
	.spin = OS_PARKER_SPIN,
};
