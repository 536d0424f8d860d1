/*
 * mutex/ck-cas: Concurrency Kit's ck_spinlock_cas, a test-and-test-and-set lock like ck-fas but
 * taken with compare-and-swap (LOCK CMPXCHG 0 -> 1): while that fails, spin reading the word until
 * it looks free, then try again. trylock is CK's fetch-and-store; unlock a plain release store of
 * 0. CK's own code, through ck.h (waits spin, then yield; TSan annotations).
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
	ck_spinlock_cas_init(self);
	return 0;
}

static void lock(void *self)
{
	ck_spinlock_cas_lock(self);
	ck_tsan_acquire(self);
}

static bool trylock(void *self)
{
	if (!ck_spinlock_cas_trylock(self))
		return false;
	ck_tsan_acquire(self);
	return true;
}

static void unlock(void *self)
{
	if (!ck_spinlock_cas_locked(self))
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_spinlock_cas_unlock(self);
}

static const csp_mutex_ops mutex_ck_cas = {
	.info = { "ck-cas", "ck", "Concurrency Kit ck_spinlock_cas: test-and-test-and-set, CMPXCHG",
		CSP_PROP_SPINS },
	.size = sizeof(ck_spinlock_cas_t),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_ck_cas);
