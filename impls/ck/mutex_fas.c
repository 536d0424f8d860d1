/*
 * mutex/ck-fas: Concurrency Kit's ck_spinlock_fas, a test-and-test-and-set lock: fetch-and-store
 * (XCHG) of 1 to take it; while that fails, spin reading the word until it looks free, then try
 * again. Unlock is a plain release store of 0. CK's own code, through ck.h (waits spin, then
 * yield; TSan annotations).
 *
 * State: CK's `value`: 0 free, 1 held. Not owned: any task may unlock.
 * Misuse: unlock reads the word first and calls csp_fatal if it is 0 — one load of a line the
 * unlocker usually has in cache, no extra atomic. It catches every unlock of an unlocked lock
 * except one that races with another unlock (two unlocks of one hold, itself misuse).
 * Progress: deadlock-free; not starvation-free (a waiter can lose every race: no FIFO, no
 * hand-off), so Go's fairness test is recorded as absent.
 */
#include "ck.h"

static int init(void *self)
{
	ck_spinlock_fas_init(self);
	return 0;
}

static void lock(void *self)
{
	ck_spinlock_fas_lock(self);
	ck_tsan_acquire(self);
}

static bool trylock(void *self)
{
	if (!ck_spinlock_fas_trylock(self))
		return false;
	ck_tsan_acquire(self);
	return true;
}

static void unlock(void *self)
{
	if (!ck_spinlock_fas_locked(self))
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_spinlock_fas_unlock(self);
}

static const csp_mutex_ops mutex_ck_fas = {
	.info = { "ck-fas", "ck", "Concurrency Kit ck_spinlock_fas: test-and-test-and-set, XCHG",
		CSP_PROP_SPINS },
	.size = sizeof(ck_spinlock_fas_t),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_ck_fas);
