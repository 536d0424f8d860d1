/*
 * rwlock/coro: a read-mostly RW lock for coroutines. Readers announce themselves on their
 * worker's own stripe (one cache line per worker) instead of one shared count, so readers on
 * different workers never write the same line; a writer raises a flag and waits until the
 * stripes sum to zero. Go's semantics: writer preference, readers that queued behind a writer go
 * before the next one, and either kind parks as a coroutine.
 *
 * Why not Go's sync.RWMutex (impls/shared/gorwmutex.c, which the futex family uses): there every
 * RLock and RUnlock is an atomic add on one word, which the readers of every worker pull back and
 * forth; two cores reading at once then run slower than one alone (RWLockMix, docs/coro.md).
 *
 * The reader indicator, the writer word and their invariants are impls/shared/rstripes.h (the
 * lockfree family's lock uses them per thread). This lock adds:
 *  - stripes per worker. Coroutines are never preempted, so a worker's stripe is written only by
 *    the task running on that worker, and a read exit is a plain store, as in Linux's per-CPU
 *    rw-semaphore (kernel/locking/percpu-rwsem.c); the last stripe is shared by threads outside
 *    the workers and changed by atomic adds;
 *  - writers queue on Go's Mutex (gomutex); a pending writer spins briefly, then parks with its
 *    parker published in `writer`. A reader that leaves or backs out while a writer is pending
 *    wakes it (exchange `writer` to NULL, unpark), and the writer scans again, woken or not, as
 *    the per-CPU rw-semaphore's writer does. An exit that is a plain store may still sit in the
 *    reader's store buffer when it looks for a writer and the writer scans: so a parked writer
 *    also scans again after DRAIN_RECHECK_NS without a wake. A late exit costs a delay, never a
 *    hang;
 *  - readers that queued behind a writer sleep on Go's semaphore (gosema) `rsem`. The leaving
 *    writer releases one unit for each reader it counts in, before the compare-and-swap that
 *    ends its epoch: every unit released has a reader counted in `admitted` already, so the next
 *    writer's scan cannot pass until whoever took the unit has left.
 * Misuse: as rstripes.h; Unlock without the write lock is fatal.
 */
#include "parker.h"
#include "sched_internal.h"

#include "../shared/gomutex.h"
#include "../shared/rstripes.h"

#define DRAIN_SPINS 64          /* scans a writer makes, a PAUSE apart, before it parks */
#define DRAIN_RECHECK_NS 200000 /* a parked writer scans again after this without a wake */

struct rwlock {
	struct rstripes r; /* a stripe per worker, then one for threads outside the workers */
	_Atomic(void *) writer;
	struct gomutex w;
	struct gosema rsem;
};

/* Strict TSan (coroutine switches carry no happens-before) cannot see that two coroutines'
 * exits on one worker are ordered by that worker's thread, which is what lets a plain store
 * stand for an atomic add: there, an exit is an atomic add, which continues the release sequence
 * of the exits before it. */
#if defined(CSPLAB_TSAN) && defined(CSPLAB_CORO_STRICT)
#define OWNED_STORES false
#else
#define OWNED_STORES true
#endif

/* The calling worker's stripe, or the shared last one. *owned: only this worker writes it. */
static struct rstripe *my_stripe(struct rwlock *l, bool *owned)
{
	struct worker *w = coro_current_worker();
	bool mine = w && (uint32_t)w->id < l->r.n - 1;
	*owned = OWNED_STORES && mine;
	return &l->r.stripes[mine ? (uint32_t)w->id : l->r.n - 1];
}

static int init(void *self)
{
	int n = coro_nworkers();
	return rstripes_init(&((struct rwlock *)self)->r, (uint32_t)(n > 0 ? n : csp_ncpu()) + 1);
}

static void destroy(void *self)
{
	rstripes_destroy(&((struct rwlock *)self)->r);
}

/* A reader left, or backed out, while a writer may wait for it: wake the writer to scan again. */
static void wake_writer(struct rwlock *l)
{
	void *p = atomic_exchange(&l->writer, NULL); /* seq_cst: Dekker with drain()'s publish */
	if (p)
		coro_parker.unpark(p);
}

static uint64_t try_enter(struct rwlock *l)
{
	bool owned;
	uint64_t w = rstripes_try_enter(&l->r, my_stripe(l, &owned));
	if (w & RS_WRITER_PENDING)
		wake_writer(l); /* we backed out; the writer may have counted us */
	return w;
}

static void rlock(void *self)
{
	struct rwlock *l = self;
	for (;;) {
		uint64_t w = try_enter(l);
		if ((w & RS_WRITER_PENDING) == 0)
			return;
		if (rstripes_queue(&l->r, w)) {
			gosema_acquire(&l->rsem, &coro_parker, false, "sync.RWMutex.RLock");
			bool owned;
			struct rstripe *st = my_stripe(l, &owned); /* we may have moved while asleep */
			rstripes_admitted(&l->r, st, owned);
			return;
		}
	}
}

static bool tryrlock(void *self)
{
	return (try_enter(self) & RS_WRITER_PENDING) == 0;
}

static void runlock(void *self)
{
	struct rwlock *l = self;
	bool owned;
	struct rstripe *st = my_stripe(l, &owned);
	rstripes_exit(&l->r, st, owned);
	/* relaxed: a writer whose scan missed our exit and whom this load misses scans again
	 * after DRAIN_RECHECK_NS (an owned exit is a plain store, which this load may pass) */
	if (atomic_load_explicit(&l->r.word, memory_order_relaxed) & RS_WRITER_PENDING)
		wake_writer(l);
}

/* With the writer flag raised: wait until no reader is inside. */
static void drain(struct rwlock *l)
{
	for (unsigned spins = 0;; spins++) {
		int64_t inside = rstripes_inside(&l->r);
		if (inside == 0)
			return;
		if (inside < 0) /* scans never undercount: an RUnlock without a reader happened */
			csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
		if (spins < DRAIN_SPINS && parker_may_spin(&coro_parker)) {
			cpu_relax();
			continue;
		}
		alignas(16) unsigned char p[PARKER_MAX];
		coro_parker.init(p, "sync.RWMutex.Lock", l);
		atomic_store(&l->writer, (void *)p); /* seq_cst: Dekker with wake_writer's exchange */
		if (rstripes_inside(&l->r) != 0 && coro_parker.park(p, csp_now() + DRAIN_RECHECK_NS)) {
			/* woken: the waker took p out of `writer` */
		} else if (atomic_exchange(&l->writer, NULL) != (void *)p) {
			coro_parker.park(p, CSP_FOREVER); /* a reader took p: its unpark is coming */
		}
		parker_destroy(&coro_parker, p);
		spins = 0;
	}
}

/* rstripes_leave's callback: give each admitted reader its unit, within the writer's epoch. */
static void admit(void *arg, uint64_t n)
{
	while (n--)
		gosema_release(arg, &coro_parker);
}

static void wlock(void *self)
{
	struct rwlock *l = self;
	gomutex_lock(&l->w, &coro_parker);
	rstripes_pending(&l->r);
	drain(l);
	rstripes_held(&l->r);
}

static bool trywlock(void *self)
{
	struct rwlock *l = self;
	if (!gomutex_trylock(&l->w))
		return false;
	rstripes_pending(&l->r);
	int64_t inside = rstripes_inside(&l->r);
	if (inside < 0)
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	if (inside > 0) {
		rstripes_leave(&l->r, admit, &l->rsem);
		gomutex_unlock(&l->w, &coro_parker);
		return false;
	}
	rstripes_held(&l->r);
	return true;
}

static void wunlock(void *self)
{
	struct rwlock *l = self;
	rstripes_check_held(&l->r);
	rstripes_leave(&l->r, admit, &l->rsem);
	gomutex_unlock(&l->w, &coro_parker);
}

static const csp_rwlock_ops rwlock_coro = {
	.info = { "coro", "coro",
		"per-worker reader stripes + writer flag, Go's writer preference, parking coroutines",
		0 },
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
CSP_REGISTER(rwlock, rwlock_coro);
