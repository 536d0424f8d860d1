/*
 * gorwmutex: Go's sync.RWMutex (sync/rwmutex.go, Go 1.19).
 *
 * State:
 *   readers   readers holding or waiting; MAX_READERS is subtracted while a writer is pending,
 *             so a negative value tells new readers to block (writer preference)
 *   departing readers the pending writer still waits for
 *   w         serialises writers (gomutex)
 *   rsem/wsem semaphores blocked readers / the pending writer sleep on
 * Invariants: at most one writer is pending (it holds w); readers that blocked behind it are
 * counted in `readers` and released together by its unlock, before the next writer can subtract
 * MAX_READERS, so readers and writers alternate and neither starves.
 * Fast paths: rlock/runlock are one atomic add each when no writer is pending, inline in
 * gorwmutex.h (as Go inlines RLock and RUnlock).
 * All atomics are seq_cst, as Go's.
 */
#include "gorwmutex.h"
#include "preempt.h"

#define MAX_READERS (1 << 30)

/* rlock found a writer pending (gorwmutex.h has the fast path): wait for its unlock. */
void gorwmutex_rlock_slow(struct gorwmutex *l, const struct parker_ops *p)
{
	CSP_PREEMPT(); /* counted behind a writer, not yet queued */
	gosema_acquire(&l->rsem, p, false, "sync.RWMutex.RLock");
}

bool gorwmutex_tryrlock(struct gorwmutex *l)
{
	int32_t c = atomic_load(&l->readers);
	while (c >= 0)
		if (atomic_compare_exchange_weak(&l->readers, &c, c + 1))
			return true;
	return false;
}

/* runlock left the count at r < 0 (gorwmutex.h has the fast path): misuse, or a writer waits. */
void gorwmutex_runlock_slow(struct gorwmutex *l, int32_t r, const struct parker_ops *p)
{
	if (r + 1 == 0 || r + 1 == -MAX_READERS) {
		atomic_fetch_add(&l->readers, 1); /* undo, so the state stays sane for the report */
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	}
	CSP_PREEMPT(); /* left the count, not yet the writer's departing count */
	if (atomic_fetch_sub(&l->departing, 1) - 1 == 0) /* the last reader the writer waits for */
		gosema_release(&l->wsem, p);
}

/* With w held: announce the writer and wait for the readers already inside to leave. */
static void wait_readers(struct gorwmutex *l, const struct parker_ops *p)
{
	int32_t r = atomic_fetch_sub(&l->readers, MAX_READERS);
	CSP_PREEMPT(); /* writer announced, readers inside not yet counted */
	if (r != 0 && atomic_fetch_add(&l->departing, r) + r != 0)
		gosema_acquire(&l->wsem, p, false, "sync.RWMutex.Lock");
}

void gorwmutex_lock(struct gorwmutex *l, const struct parker_ops *p)
{
	gomutex_lock(&l->w, p);
	wait_readers(l, p);
}

bool gorwmutex_trylock(struct gorwmutex *l, const struct parker_ops *p)
{
	if (!gomutex_trylock(&l->w))
		return false;
	int32_t zero = 0;
	if (!atomic_compare_exchange_strong(&l->readers, &zero, -MAX_READERS)) {
		gomutex_unlock(&l->w, p);
		return false;
	}
	return true;
}

void gorwmutex_unlock(struct gorwmutex *l, const struct parker_ops *p)
{
	int32_t r = atomic_fetch_add(&l->readers, MAX_READERS) + MAX_READERS;
	if (r >= MAX_READERS) {
		atomic_fetch_sub(&l->readers, MAX_READERS);
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	}
	CSP_PREEMPT(); /* writer gone from the count, blocked readers not yet admitted */
	for (int32_t i = 0; i < r; i++) /* admit the readers that blocked behind this writer */
		gosema_release(&l->rsem, p);
	gomutex_unlock(&l->w, p);
}
