/*
 * mutex/ck-ticket: Concurrency Kit's ck_spinlock_ticket, the ticket lock (Mellor-Crummey and
 * Scott, "Algorithms for scalable synchronization on shared-memory multiprocessors", ACM TOCS
 * 9(1), 1991): lock takes a ticket with one fetch-and-add and waits until the "now serving"
 * counter reaches it; unlock advances that counter. CK's own code, through ck.h (waits spin,
 * then yield; TSan annotations).
 *
 * State: CK's x86 layout, one 32-bit word: next ticket in the high half, now serving in the low
 * half (so trylock is one compare-and-swap of the whole word). Free iff the halves are equal;
 * held otherwise (the holder is the task whose ticket is served). At most 65535 waiters.
 * Not owned: unlock only advances the counter, so any task may do it.
 * Misuse: unlock calls csp_fatal when ck_spinlock_ticket_locked() says the halves are equal —
 * one load, no extra atomic; missed only when it races with another unlock (itself misuse).
 * Progress: FIFO, so starvation-free (stronger than Go's starvation mode: nobody ever overtakes
 * a waiter, and trylock succeeds only when nobody waits). The price is oversubscription: the
 * lock is handed to the next ticket even when that task is not running, and everyone behind it
 * waits until it is scheduled again (the yield in ck.h's wait hook is what lets it run).
 *
 * Needs CK's ticket trylock (CK_F_SPINLOCK_TICKET_TRYLOCK: x86 and x86-64, where the word is
 * packed); without it Go's TryLock cannot be had and the implementation is not registered.
 */
#include "ck.h"

#ifdef CK_F_SPINLOCK_TICKET_TRYLOCK

static int init(void *self)
{
	ck_spinlock_ticket_init(self);
	return 0;
}

static void lock(void *self)
{
	ck_spinlock_ticket_lock(self);
	ck_tsan_acquire(self);
}

static bool trylock(void *self)
{
	if (!ck_spinlock_ticket_trylock(self))
		return false;
	ck_tsan_acquire(self);
	return true;
}

static void unlock(void *self)
{
	if (!ck_spinlock_ticket_locked(self))
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_spinlock_ticket_unlock(self);
}

static const csp_mutex_ops mutex_ck_ticket = {
	.info = { "ck-ticket", "ck",
		"Concurrency Kit ck_spinlock_ticket: FIFO ticket lock (MCS 1991)",
		CSP_PROP_SPINS | CSP_PROP_STARVATION_FREE },
	.size = sizeof(ck_spinlock_ticket_t),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_ck_ticket);

#endif /* CK_F_SPINLOCK_TICKET_TRYLOCK */
