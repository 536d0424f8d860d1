/*
 * rwlock/futex: Go's sync.RWMutex (sync/rwmutex.go, Go 1.19) on the family's futex lock and two
 * futex semaphores.
 *
 * State:
 *   readers   readers holding or waiting; MAX_READERS is subtracted while a writer is pending,
 *             so a negative value tells new readers to block (writer preference)
 *   departing readers the pending writer still waits for
 *   wlock     serialises writers (the family's three-state lock)
 *   rsem/wsem semaphores blocked readers / the pending writer sleep on
 * Invariants: at most one writer is pending (it holds wlock); readers that blocked behind it are
 * counted in `readers` and are released together by its unlock, before the next writer can
 * subtract MAX_READERS, so readers and writers alternate and neither starves.
 * Fast paths: rlock/runlock are one atomic add each when no writer is pending.
 * All atomics are seq_cst (read-modify-writes cost the same on x86-64; see waitgroup.c).
 */
#include "../shared/fxlock.h"
#include "../shared/preempt.h"

#include <limits.h>

#define MAX_READERS (1 << 30)

struct sema { /* a counting semaphore on a futex word */
	_Atomic uint32_t count;
	_Atomic uint32_t sleepers;
};

struct rwlock {
	fxlock wlock;
	_Atomic int32_t readers;
	_Atomic int32_t departing;
	struct sema rsem, wsem;
};

static void sema_acquire(struct sema *s)
{
	for (;;) {
		uint32_t c = atomic_load(&s->count);
		while (c > 0)
			if (atomic_compare_exchange_weak(&s->count, &c, c - 1))
				return;
		/* Register before re-checking, so a release either sees us or we see its count. */
		CSP_PREEMPT(); /* found no unit, not yet counted as a sleeper */
		atomic_fetch_add(&s->sleepers, 1);
		if (atomic_load(&s->count) == 0)
			futex_wait(&s->count, 0, CSP_FOREVER);
		atomic_fetch_sub(&s->sleepers, 1);
	}
}

static void sema_release(struct sema *s, uint32_t n)
{
	atomic_fetch_add(&s->count, n);
	if (atomic_load(&s->sleepers) > 0)
		futex_wake(&s->count, (int)n);
}

static int init(void *self)
{
	(void)self; /* the zero-filled state is an unlocked RW lock */
	return 0;
}

static void rlock(void *self)
{
	struct rwlock *l = self;
	if (atomic_fetch_add(&l->readers, 1) + 1 < 0) /* a writer is pending: wait for its unlock */
		sema_acquire(&l->rsem);
}

static bool tryrlock(void *self)
{
	struct rwlock *l = self;
	int32_t c = atomic_load(&l->readers);
	while (c >= 0)
		if (atomic_compare_exchange_weak(&l->readers, &c, c + 1))
			return true;
	return false;
}

static void runlock(void *self)
{
	struct rwlock *l = self;
	int32_t r = atomic_fetch_sub(&l->readers, 1) - 1;
	if (r >= 0)
		return;
	if (r + 1 == 0 || r + 1 == -MAX_READERS) {
		atomic_fetch_add(&l->readers, 1); /* undo, so the state stays sane for the report */
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	}
	CSP_PREEMPT(); /* left the count, not yet the writer's departing count */
	if (atomic_fetch_sub(&l->departing, 1) - 1 == 0) /* the last reader the writer waits for */
		sema_release(&l->wsem, 1);
}

/* With wlock held: announce the writer and wait for the readers already inside to leave. */
static void wait_readers(struct rwlock *l)
{
	int32_t r = atomic_fetch_sub(&l->readers, MAX_READERS);
	CSP_PREEMPT(); /* writer announced, readers inside not yet counted */
	if (r != 0 && atomic_fetch_add(&l->departing, r) + r != 0)
		sema_acquire(&l->wsem);
}

static void wlock(void *self)
{
	struct rwlock *l = self;
	fxlock_lock(&l->wlock);
	wait_readers(l);
}

static bool trywlock(void *self)
{
	struct rwlock *l = self;
	if (!fxlock_trylock(&l->wlock))
		return false;
	int32_t zero = 0;
	if (!atomic_compare_exchange_strong(&l->readers, &zero, -MAX_READERS)) {
		fxlock_unlock(&l->wlock);
		return false;
	}
	return true;
}

static void wunlock(void *self)
{
	struct rwlock *l = self;
	int32_t r = atomic_fetch_add(&l->readers, MAX_READERS) + MAX_READERS;
	if (r >= MAX_READERS) {
		atomic_fetch_sub(&l->readers, MAX_READERS);
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	}
	if (r > 0) /* admit the readers that blocked behind this writer */
		sema_release(&l->rsem, (uint32_t)r);
	fxlock_unlock(&l->wlock);
}

static const csp_rwlock_ops rwlock_futex = {
	.info = { "futex", "futex", "Go's RWMutex algorithm on futex semaphores", 0 },
	.size = sizeof(struct rwlock),
	.init = init,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = wlock,
	.trylock = trywlock,
	.unlock = wunlock,
};
CSP_REGISTER(rwlock, rwlock_futex);
