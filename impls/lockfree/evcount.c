/*
 * The event count's slow paths (evcount.h has the algorithm, its state word and its argument).
 * All futex calls go through impls/shared/futex.h.
 */
#include "evcount.h"

#include "../shared/futex.h"
#include "../shared/preempt.h"

static uint32_t epoch_of(uint32_t w)
{
	return w >> EVC_EPOCH_SHIFT;
}

void evc_notify_slow(struct evc *e, uint32_t w)
{
	/* Advance the epoch and zero the count: every registered waiter is notified at once. A
	 * failed CAS reloads w; stop when no one is registered any more (another notify did it). */
	while (w & EVC_WAITERS_MAX) {
		uint32_t next = (w & ~EVC_WAITERS_MAX) + EVC_EPOCH_ONE; /* the epoch wraps */
		if (atomic_compare_exchange_weak(&e->word, &w, next)) {
			futex_wake(&e->word, INT32_MAX);
			return;
		}
	}
}

bool evc_prepare(struct evc *e, uint32_t *key)
{
	uint32_t w = atomic_load(&e->word); /* seq_cst: a guess for the CAS, which re-reads it */
	do {
		if ((w & EVC_WAITERS_MAX) == EVC_WAITERS_MAX)
			return false;
		/* seq_cst: the registration half of the Dekker pair (evcount.h) */
	} while (!atomic_compare_exchange_weak(&e->word, &w, w + 1));
	CSP_PREEMPT(); /* registered, the caller's re-check not yet made */
	*key = w + 1;
	return true;
}

void evc_cancel(struct evc *e, uint32_t key)
{
	uint32_t w = atomic_load(&e->word); /* seq_cst: a guess for the CAS */
	/* Still in our epoch: our registration is counted, take it back. The count is >= 1 then. */
	while (epoch_of(w) == epoch_of(key))
		if (atomic_compare_exchange_weak(&e->word, &w, w - 1))
			return;
}

void evc_wait(struct evc *e, uint32_t key, int64_t deadline)
{
	int64_t bound = csp_now() + EVC_MAX_SLEEP;
	int64_t until = deadline < bound ? deadline : bound;
	uint32_t w = key;
	for (;;) {
		/* Sleeps only while the word is still w: any registration, cancel or notify since our
		 * last reading makes it return at once. */
		bool in_time = futex_wait(&e->word, w, until);
		w = atomic_load(&e->word); /* seq_cst: see evcount.h */
		if (epoch_of(w) != epoch_of(key))
			return; /* notified: a notifier zeroed the count for us */
		if (!in_time) {
			evc_cancel(e, key);
			return;
		}
	}
}
