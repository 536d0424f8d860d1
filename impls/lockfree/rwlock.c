/*
 * rwlock/lockfree: a scalable-read RW lock. Readers announce themselves on per-thread stripes
 * (one cache line each) instead of one shared counter; a writer raises a flag and waits until
 * the stripes sum to zero. Writer-preferring, with Go's hand-over to queued readers.
 *
 * Sources: the reader indicator is the "distributed" one of Lev, Luchangco & Olszewski, "Scalable
 * reader-writer locks" (SPAA 2009) and of folly's SharedMutex (deferred reader slots), with
 * Dekker-style ordering between a reader's announce-then-check and a writer's flag-then-scan;
 * writers queue on a ticket lock (Mellor-Crummey & Scott 1991). The hand-over is Go's
 * (sync/rwmutex.go): readers that queue behind a writer are admitted by that writer's unlock,
 * which counts them in before the next writer can look, so they go before it.
 *
 * State:
 *   stripes[i].in, .out   monotonic counts of read entries and exits made on stripe i (a task
 *                         uses the stripe of its thread; an exit may be made by another task, so
 *                         only the sums mean anything)
 *   admitted              readers admitted by a writer's unlock and not yet moved to their own
 *                         stripe (each does in++ there, then admitted--): entries too
 *   rebalanced            monotonic: entries added to a stripe to cover exits it took for
 *                         entries made elsewhere (a cross-task unlock): exits too
 *   readers inside        = sum(in) + admitted - sum(out) - rebalanced
 *   word                  the writer word, changed only by atomic read-modify-writes:
 *                           bit 0  WRITER_PENDING  a writer shuts readers out, waits for those in
 *                           bit 1  WRITER_HELD     it holds the lock
 *                           2..31  readers queued behind this writer
 *                           32..   the epoch, bumped each time a writer leaves the word
 *   wnext, wserve         the writers' ticket lock: one writer at a time owns the writer bits
 * Invariants:
 *  - a reader is inside only after its `in` increment and a later load of `word` without writer
 *    bits (or after being admitted); a writer sets WRITER_PENDING before it scans, so (all
 *    seq_cst) either the reader sees the bit and backs out, or the scan sees the reader;
 *  - a scan reads every exit count (`out`, `rebalanced`) before `admitted`, and `admitted`
 *    before every `in`; every exit is made after its entry, an admitted reader's in++ comes
 *    before its admitted--, and a rebalance's in += d before its rebalanced += d: so the scan
 *    never undercounts the readers inside;
 *  - a stripe stays balanced (its exits never exceed its entries) unless a task unlocks a read
 *    lock taken on another stripe; the runlock that finds it so rebalances it, so the fast
 *    path's check `out > in` on its own stripe flags only misuse and rare cross-task unlocks;
 *  - readers queue only with a CAS on `word` that saw a writer's bits in the current epoch; the
 *    writer ends its epoch with a CAS that takes the queued count to zero, after adding that
 *    count to `admitted`: every queued reader is counted in exactly once, before the epoch ends
 *    and so before the next writer's scan.
 * Misuse: runlock without a reader is fatal at once when its stripe shows more exits than
 * entries, which is always so for a task that releases its own read locks. Stripes that took
 * read locks released by other tasks keep surplus entries, and can hide a later misuse from
 * that check (exact detection would need one shared count, which striping exists to avoid);
 * a writer's scan that finds fewer than zero readers inside then reports it.
 * Progress: rlock is wait-free (two atomics) when no writer is present, blocking otherwise;
 * runlock and tryrlock are wait-free (runlock scans all stripes only when its own stripe shows
 * more exits than entries: a cross-task unlock, or misuse); unlock and trylock are lock-free
 * (their CAS fails only when a reader queued meanwhile); lock is blocking, FIFO among writers.
 * Spins and yields; never parks.
 */
#include "spin.h"

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#define WRITER_PENDING ((uint64_t)1)
#define WRITER_HELD ((uint64_t)2)
#define WRITER_BITS (WRITER_PENDING | WRITER_HELD)
#define QUEUED_ONE ((uint64_t)4)
#define QUEUED_MASK ((uint64_t)0xfffffffc)
#define EPOCH_ONE ((uint64_t)1 << 32)
#define MAX_STRIPES 64

struct stripe {
	alignas(64) _Atomic uint64_t in;
	_Atomic uint64_t out;
};

struct rwlock {
	_Atomic uint64_t word;
	_Atomic uint64_t admitted;
	_Atomic uint64_t rebalanced;
	_Atomic uint32_t wnext;
	_Atomic uint32_t wserve;
	uint32_t mask; /* stripes - 1 */
	struct stripe *stripes;
};

static uint64_t epoch_of(uint64_t w)
{
	return w >> 32;
}

/* The calling thread's stripe: threads are numbered as they first read-lock any lock. */
static struct stripe *my_stripe(struct rwlock *l)
{
	static _Atomic uint32_t threads;
	static _Thread_local uint32_t id; /* 0: not numbered yet */
	if (id == 0) /* relaxed: only needs distinct numbers */
		id = atomic_fetch_add_explicit(&threads, 1, memory_order_relaxed) + 1;
	return &l->stripes[id & l->mask];
}

static int init(void *self)
{
	struct rwlock *l = self;
	uint32_t n = 1;
	while (n < 2u * (uint32_t)csp_ncpu() && n < MAX_STRIPES)
		n <<= 1;
	l->stripes = aligned_alloc(alignof(struct stripe), n * sizeof *l->stripes);
	if (!l->stripes)
		return ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		atomic_init(&l->stripes[i].in, 0);
		atomic_init(&l->stripes[i].out, 0);
	}
	l->mask = n - 1;
	return 0;
}

static void destroy(void *self)
{
	free(((struct rwlock *)self)->stripes);
}

/* Readers inside, never undercounted (outs read first). Negative only after misuse. */
static int64_t readers_inside(struct rwlock *l)
{
	uint64_t out = atomic_load(&l->rebalanced), in; /* seq_cst, all: Dekker with try_enter */
	for (uint32_t i = 0; i <= l->mask; i++)
		out += atomic_load(&l->stripes[i].out);
	in = atomic_load(&l->admitted);
	for (uint32_t i = 0; i <= l->mask; i++)
		in += atomic_load(&l->stripes[i].in);
	return (int64_t)(in - out);
}

/* Announce on st, then look for a writer; back out if there is one. Returns the word seen. */
static uint64_t try_enter(struct rwlock *l, struct stripe *st)
{
	atomic_fetch_add(&st->in, 1); /* seq_cst: Dekker with the writer's flag, then scan */
	uint64_t w = atomic_load(&l->word);
	if (w & WRITER_BITS)
		atomic_fetch_add(&st->out, 1); /* seq_cst: a scan that sees this sees the entry too */
	return w;
}

/* Queue behind the writer of w's epoch; false if that epoch ended first. Once admitted, move
 * our entry from `admitted` to our stripe, which keeps the stripe balanced. */
static bool queue_behind(struct rwlock *l, struct stripe *st, uint64_t w)
{
	uint64_t e = epoch_of(w);
	/* seq_cst: the writer's admitting CAS must see every reader that queued in its epoch */
	while (epoch_of(w) == e && !atomic_compare_exchange_weak(&l->word, &w, w + QUEUED_ONE))
		;
	if (epoch_of(w) != e)
		return false;
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the CAS that ended the epoch, after which we are counted inside */
	while (epoch_of(atomic_load_explicit(&l->word, memory_order_acquire)) == e)
		spin_wait(&s);
	atomic_fetch_add(&st->in, 1);     /* seq_cst: before the decrement (see the invariants) */
	atomic_fetch_sub(&l->admitted, 1); /* seq_cst: read by scans before the stripes' `in` */
	return true;
}

static void rlock(void *self)
{
	struct rwlock *l = self;
	struct stripe *st = my_stripe(l);
	for (;;) {
		uint64_t w = try_enter(l, st);
		if ((w & WRITER_BITS) == 0 || queue_behind(l, st, w))
			return;
	}
}

static bool tryrlock(void *self)
{
	struct rwlock *l = self;
	return (try_enter(l, my_stripe(l)) & WRITER_BITS) == 0;
}

static void runlock(void *self)
{
	struct rwlock *l = self;
	struct stripe *st = my_stripe(l);
	/* release: publishes the read section to the writer's scan (seq_cst loads) */
	uint64_t out = atomic_fetch_add_explicit(&st->out, 1, memory_order_release) + 1;
	/* relaxed: a task that read-locks and unlocks itself has its entry on this stripe already;
	 * more exits than entries here means a cross-task unlock or misuse: the scan decides */
	uint64_t in = atomic_load_explicit(&st->in, memory_order_relaxed);
	if (out <= in)
		return;
	if (readers_inside(l) < 0)
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	/* A cross-task unlock: cover the deficit so the fast path's check works again here. The
	 * sums do not change; the order keeps scans from undercounting (see the invariants). */
	atomic_fetch_add(&st->in, out - in);
	atomic_fetch_add(&l->rebalanced, out - in);
}

/* The writer leaves the word: admit the readers queued behind it, then end the epoch. */
static void writer_leave(struct rwlock *l)
{
	uint64_t added = 0;
	uint64_t w = atomic_load(&l->word); /* seq_cst: a first guess for the CAS */
	for (;;) {
		uint64_t queued = (w & QUEUED_MASK) / QUEUED_ONE;
		if (queued > added) { /* count them in before they can see the epoch end */
			atomic_fetch_add(&l->admitted, queued - added); /* seq_cst: before the CAS */
			added = queued;
		}
		/* seq_cst: ends the epoch; fails only if another reader queued meanwhile */
		if (atomic_compare_exchange_weak(&l->word, &w, (epoch_of(w) + 1) << 32))
			return;
	}
}

/* Holding the writers' turn: shut readers out and wait for those inside. If `wait` is false,
 * give up at once instead (and leave the word as unlock does). */
static bool writer_enter(struct rwlock *l, bool wait)
{
	atomic_fetch_or(&l->word, WRITER_PENDING); /* seq_cst: Dekker with try_enter */
	struct spin s = SPIN_INIT;
	int64_t inside;
	while ((inside = readers_inside(l)) != 0) {
		if (inside < 0) /* scans never undercount: an RUnlock without a reader happened */
			csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
		if (!wait) {
			writer_leave(l);
			return false;
		}
		spin_wait(&s);
	}
	/* relaxed: HELD is read only by unlock, which follows this lock in happens-before */
	atomic_fetch_or_explicit(&l->word, WRITER_HELD, memory_order_relaxed);
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
	/* relaxed: only a check; the holder's own fetch_or of HELD, or one ordered before this call
	 * by whoever handed the lock to this task, is visible */
	if ((atomic_load_explicit(&l->word, memory_order_relaxed) & WRITER_HELD) == 0)
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	writer_leave(l);
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
