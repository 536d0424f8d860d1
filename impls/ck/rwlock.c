/*
 * rwlock/ck-rwlock: Concurrency Kit's ck_rwlock, a writer-preferring spinning reader-writer lock.
 * A writer sets `writer` (fetch-and-store, retried until it was 0) and then waits for `n_readers`
 * to drain; a reader waits while `writer` is set, then counts itself in and re-checks `writer`,
 * backing out if a writer came in between. CK's own code, through ck.h (waits spin, then yield;
 * TSan annotations).
 *
 * State: CK's `writer` (1 while a writer holds the lock or waits for readers to leave) and
 * `n_readers` (readers holding, plus readers for a moment while they check `writer`).
 * Not owned: unlocks only clear the flag or decrement the count, so any task may do them.
 * Misuse: runlock with n_readers == 0 and unlock with writer == 0 call csp_fatal — one load
 * each, no extra atomic. Like Go's own check, a runlock is caught only when no reader at all is
 * counted, and an unlock only when no writer holds or waits.
 * Policy and progress: a waiting writer keeps new readers out, as Go's RWMutex does (tryrlock
 * fails while one waits). But there is no order beyond that: writers compete by test-and-set,
 * and when a writer unlocks, the readers that queued behind it race with the next writer — Go
 * lets those readers in first, ck_rwlock does not promise it, and a stream of writers can starve
 * readers. Deadlock-free only.
 */
#include "ck.h"

static int init(void *self)
{
	ck_rwlock_init(self);
	return 0;
}

static void rlock(void *self)
{
	ck_rwlock_read_lock(self);
	ck_tsan_acquire(self);
}

static bool tryrlock(void *self)
{
	if (!ck_rwlock_read_trylock(self))
		return false;
	ck_tsan_acquire(self);
	return true;
}

static void runlock(void *self)
{
	if (!ck_rwlock_locked_reader(self))
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_rwlock_read_unlock(self);
}

static void lock(void *self)
{
	ck_rwlock_write_lock(self);
	ck_tsan_acquire(self);
}

static bool trylock(void *self)
{
	if (!ck_rwlock_write_trylock(self))
		return false;
	ck_tsan_acquire(self);
	return true;
}

static void unlock(void *self)
{
	if (!ck_rwlock_locked_writer(self))
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_rwlock_write_unlock(self);
}

static const csp_rwlock_ops rwlock_ck = {
	.info = { "ck-rwlock", "ck", "Concurrency Kit ck_rwlock: writer-preferring spin RW lock",
		CSP_PROP_SPINS | CSP_PROP_READERS_MAY_STARVE },
	.size = sizeof(ck_rwlock_t),
	.init = init,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(rwlock, rwlock_ck);
