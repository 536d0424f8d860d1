/*
 * rwlock/lockfree: a scalable-read RW lock. Readers announce themselves on per-thread stripes
 * (one cache line each) instead of one shared counter; a writer raises a flag and waits until the
 * stripes sum to zero. Writer-preferring, with Go's hand-over to queued readers.
 *
 * The reader indicator, the writer word and their invariants are impls/shared/rstripes.h (shared
 * with the coro family's lock). This family adds: a thread's stripe (threads are numbered as they
 * first read-lock, modulo the stripes), writers queued on a ticket lock (Mellor-Crummey & Scott
 * 1991), and waits that spin and yield: a queued reader watches the epoch, a pending writer the
 * readers inside.
 * Progress: rlock is wait-free (two atomics) when no writer is present, blocking otherwise;
 * runlock and tryrlock are wait-free (runlock scans all stripes only when its own stripe shows
 * more exits than entries: a cross-task unlock, or misuse); unlock and trylock are lock-free
 * (their CAS fails only when a reader queued meanwhile); lock is blocking, FIFO among writers.
 * Spins and yields; never parks.
 */
#include "spin.h"

#include "../shared/rstripes.h"

#define MAX_STRIPES 64

struct rwlock {
	struct rstripes r;
	_Atomic uint32_t wnext;
	_Atomic uint32_t wserve;
};

/* The calling thread's stripe: threads are numbered as they first read-lock any lock. Shared by
 * the threads whose numbers agree modulo the stripes, so changed only by atomic adds. */
static struct rstripe *my_stripe(struct rwlock *l)
{
	static _Atomic uint32_t threads;
	static _Thread_local uint32_t id; /* 0: not numbered yet */
	if (id == 0) /* relaxed: only needs distinct numbers */
		id = atomic_fetch_add_explicit(&threads, 1, memory_order_relaxed) + 1;
	return &l->r.stripes[id & (l->r.n - 1)];
}

static int init(void *self)
{
	uint32_t n = 1;
	while (n < 2u * (uint32_t)csp_ncpu() && n < MAX_STRIPES)
		n <<= 1;
	return rstripes_init(&((struct rwlock *)self)->r, n);
}

static void destroy(void *self)
{
	rstripes_destroy(&((struct rwlock *)self)->r);
}

/* Queue behind the writer of w's epoch; false if that epoch ended first. */
static bool queue_behind(struct rwlock *l, struct rstripe *st, uint64_t w)
{
	if (!rstripes_queue(&l->r, w))
		return false;
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the CAS that ended the epoch, after which we are counted inside */
	while (rs_epoch(atomic_load_explicit(&l->r.word, memory_order_acquire)) == rs_epoch(w))
		spin_wait(&s);
	rstripes_admitted(&l->r, st, false);
	return true;
}

static void rlock(void *self)
{
	struct rwlock *l = self;
	struct rstripe *st = my_stripe(l);
	for (;;) {
		uint64_t w = rstripes_try_enter(&l->r, st);
		if ((w & RS_WRITER_PENDING) == 0 || queue_behind(l, st, w))
			return;
	}
}

static bool tryrlock(void *self)
{
	struct rwlock *l = self;
	return (rstripes_try_enter(&l->r, my_stripe(l)) & RS_WRITER_PENDING) == 0;
}

static void runlock(void *self)
{
	struct rwlock *l = self;
	rstripes_exit(&l->r, my_stripe(l), false);
}

/* Holding the writers' turn: shut readers out and wait for those inside. If `wait` is false,
 * give up at once instead (and leave the word as unlock does). */
static bool writer_enter(struct rwlock *l, bool wait)
{
	rstripes_pending(&l->r);
	struct spin s = SPIN_INIT;
	int64_t inside;
	while ((inside = rstripes_inside(&l->r)) != 0) {
		if (inside < 0) /* scans never undercount: an RUnlock without a reader happened */
			csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
		if (!wait) {
			rstripes_leave(&l->r, NULL, NULL);
			return false;
		}
		spin_wait(&s);
	}
	rstripes_held(&l->r);
	return true;
}

static void wlock(void *self)
{
	struct rwlock *l = self;
	/* relaxed: a ticket orders nothing; the acquire load of wserve does */
	uint32_t t = atomic_fetch_add_explicit(&l->wnext, 1, memory_order_relaxed);
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the release add in wunlock (or a failed trylock) passing the turn */
	while (atomic_load_explicit(&l->wserve, memory_order_acquire) != t)
		spin_wait(&s);
	writer_enter(l, true);
}

static bool trywlock(void *self)
{
	struct rwlock *l = self;
	/* acquire: as in wlock */
	uint32_t t = atomic_load_explicit(&l->wserve, memory_order_acquire);
	/* relaxed: succeeds only if every ticket handed out was served: the turn is ours */
	if (!atomic_compare_exchange_strong_explicit(&l->wnext, &t, t + 1, memory_order_relaxed,
		    memory_order_relaxed))
		return false;
	if (writer_enter(l, false))
		return true;
	/* release: passes the turn on, as wunlock does */
	atomic_fetch_add_explicit(&l->wserve, 1, memory_order_release);
	return false;
}

static void wunlock(void *self)
{
	struct rwlock *l = self;
	rstripes_check_held(&l->r);
	rstripes_leave(&l->r, NULL, NULL);
	/* release: pairs with the next writer's acquire load of wserve */
	atomic_fetch_add_explicit(&l->wserve, 1, memory_order_release);
}

static const csp_rwlock_ops rwlock_lockfree = {
	.info = { "lockfree", "lockfree",
		"striped reader indicators + writer flag, Go's writer preference (SPAA 2009, folly)",
		CSP_PROP_SPINS },
	.size = sizeof(struct rwlock),
	.init = init,
	.destroy = destroy,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = wlock,
	.trylock = trywlock,
	.unlock = wunlock,
};
CSP_REGISTER(rwlock, rwlock_lockfree);
