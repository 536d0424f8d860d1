/*
 * An event count: lets a task that found a lockfree ring full (or empty) sleep in the kernel until
 * a receive (or send) or close may have changed that, while the operations that might wake it pay
 * one load of a word that nobody writes unless someone waits.
 *
 * Source: Reed & Kanodia, "Synchronization with eventcounts and sequencers" (CACM 1979), in the
 * prepare / re-check / wait form of Vyukov's eventcount (1024cores.net) and folly's EventCount.
 *
 * State word (32 bits; it is also the futex word): epoch << EVC_EPOCH_SHIFT | waiters.
 *   waiters  tasks registered in the current epoch, at most EVC_WAITERS_MAX (a task that finds
 *            the count full does not register and keeps polling instead)
 *   epoch    advanced by every notify that finds waiters; advancing it also zeroes `waiters`:
 *            every task registered in the old epoch has been notified, and all are woken
 * Waiter:   evc_prepare (register: +1 in the current epoch) -> re-check the condition (try the
 *           operation) -> evc_wait (sleep until the epoch moves) or evc_cancel (-1, if the epoch
 *           has not moved). A woken task re-checks and, if it must wait again, registers again.
 * Notifier: make the change (a seq_cst read-modify-write on the ring), then evc_notify: one
 *           seq_cst load, and only if it shows waiters, the epoch CAS and a futex wake of all.
 * No lost wake-up (the Dekker pattern, all four seq_cst): a waiter registers before it re-checks,
 * a notifier changes the ring before it loads the word. Either the notifier's load sees the
 * registration (and advances the epoch, which the waiter's sleep then sees or is woken from), or
 * the registration comes later in the single order of seq_cst operations, and so does the
 * re-check, which then sees the change.
 * The epoch has EVC_EPOCH_BITS bits: a sleeper could miss a notify only if the word came back
 * to the very value it read (2^20 notifies while it was descheduled between its load and its
 * futex call); sleeps are also bounded (EVC_MAX_SLEEP) so that even that would cost only a delay.
 * Progress: evc_notify and evc_cancel are lock-free (a CAS fails only because another task
 * registered, cancelled or notified); evc_prepare is lock-free; evc_wait blocks.
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_EVCOUNT_H
#define CSPLAB_IMPLS_LOCKFREE_EVCOUNT_H

#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdint.h>

#define EVC_EPOCH_SHIFT 12
#define EVC_EPOCH_BITS (32 - EVC_EPOCH_SHIFT)
#define EVC_WAITERS_MAX ((1u << EVC_EPOCH_SHIFT) - 1) /* also the mask of `waiters` */
#define EVC_EPOCH_ONE (1u << EVC_EPOCH_SHIFT)

/* The longest single sleep: a bound on the delay if a notify were ever missed (see above). */
#define EVC_MAX_SLEEP (100 * CSP_MILLISECOND)

struct evc {
	_Atomic uint32_t word;
};

static inline void evc_init(struct evc *e)
{
	atomic_init(&e->word, 0);
}

void evc_notify_slow(struct evc *e, uint32_t w);

/* After a change that may let waiters proceed: wake them if there are any. */
static inline void evc_notify(struct evc *e)
{
	uint32_t w = atomic_load(&e->word); /* seq_cst: after the change (see the Dekker note) */
	if (w & EVC_WAITERS_MAX)
		evc_notify_slow(e, w);
}

/* Register as a waiter; false (not registered) if the count is full. *key: the word after. */
bool evc_prepare(struct evc *e, uint32_t *key);
/* Unregister (the re-check found the condition met, or we gave up), unless notified already. */
void evc_cancel(struct evc *e, uint32_t key);
/* Sleep until notified (the epoch moved on from key's), the deadline passes or EVC_MAX_SLEEP
 * elapses; may also return spuriously. Leaves the task unregistered either way. */
void evc_wait(struct evc *e, uint32_t key, int64_t deadline);

#endif /* CSPLAB_IMPLS_LOCKFREE_EVCOUNT_H */
