/*
 * rstripes: a distributed reader indicator with a writer word, the core of the RW locks whose
 * readers do not share one count (the lockfree family's, per thread, impls/lockfree/rwlock.c;
 * the coro family's, per worker, impls/coro/rwlock.c). Readers announce themselves on their own
 * stripe (one cache line each); a writer raises a flag in the word and waits until the stripes
 * sum to zero. The families add how writers queue and how waiters wait.
 *
 * Sources: the reader indicator is the "distributed" one of Lev, Luchangco & Olszewski, "Scalable
 * reader-writer locks" (SPAA 2009) and of folly's SharedMutex (deferred reader slots), with
 * Dekker-style ordering between a reader's announce-then-check and a writer's flag-then-scan.
 * The hand-over is Go's (sync/rwmutex.go): readers that queue behind a writer are admitted by
 * that writer's unlock, which counts them in before the next writer can look, so they go before
 * it.
 *
 * State:
 *   stripes[i].in, .out   monotonic counts of read entries and exits made on stripe i (a task
 *                         uses its thread's or worker's stripe; an exit may be made by another
 *                         task, or after the task moved, so only the sums mean anything)
 *   admitted              readers admitted by a writer's unlock and not yet moved to their own
 *                         stripe (each does in++ there, then admitted--): entries too
 *   rebalanced            monotonic: entries added to a stripe to cover exits it took for
 *                         entries made elsewhere (a cross-task unlock): exits too
 *   readers inside        = sum(in) + admitted - sum(out) - rebalanced
 *   word                  the writer word, changed only by atomic read-modify-writes:
 *                           bit 0  WRITER_PENDING  a writer shuts readers out, waits for those
 *                                                  in, then holds the lock
 *                           2..31  readers queued behind this writer
 *                           32..   the epoch, bumped each time a writer leaves the word
 *   held                  a writer holds the lock (for Unlock's misuse check only); on its own
 *                         line, so marking it costs the readers of `word` nothing
 * Invariants:
 *  - a reader is inside only after its `in` increment and a later load of `word` without writer
 *    bits (or after being admitted); a writer sets WRITER_PENDING before it scans, so (all
 *    seq_cst) either the reader sees the bit and backs out, or the scan sees the reader;
 *  - a scan reads every exit count (`out`, `rebalanced`) before `admitted`, and `admitted`
 *    before every `in`; every exit is made after its entry, an admitted reader's in++ comes
 *    before its admitted--, and a rebalance's in += d before its rebalanced += d: so the scan
 *    never undercounts the readers inside;
 *  - a stripe stays balanced (its exits never exceed its entries) unless a task unlocks a read
 *    lock taken on another stripe; the exit that finds it so rebalances it, so the fast path's
 *    check `out > in` on its own stripe flags only misuse and rare cross-task unlocks;
 *  - readers queue only with a CAS on `word` that saw a writer's bits in the current epoch; the
 *    writer ends its epoch with a CAS that takes the queued count to zero, after adding that
 *    count to `admitted` (and after rstripes_leave's `admit` callback let them go): every queued
 *    reader is counted in exactly once, before the epoch ends and so before the next writer's
 *    scan; whoever takes a queued reader's place is counted by that reader's `admitted`.
 * Misuse: an exit without a reader is fatal at once when its stripe shows more exits than
 * entries, which is always so for a task that releases its own read locks. Stripes that took
 * read locks released by other tasks keep surplus entries, and can hide a later misuse from
 * that check (exact detection would need one shared count, which striping exists to avoid);
 * a writer's scan that finds fewer than zero readers inside then reports it.
 * All atomics are seq_cst unless a comment says what they pair with.
 */
#ifndef CSPLAB_IMPLS_SHARED_RSTRIPES_H
#define CSPLAB_IMPLS_SHARED_RSTRIPES_H

#include <csplab/impl.h>

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define RS_WRITER_PENDING ((uint64_t)1) /* bit 1 is unused */
#define RS_QUEUED_ONE ((uint64_t)4)
#define RS_QUEUED_MASK ((uint64_t)0xfffffffc)

struct rstripe {
	alignas(64) _Atomic uint64_t in;
	_Atomic uint64_t out;
};

/* `held` is 64 bytes past `word`, so never on its line. An alignas(64) would say it more
 * plainly, but an implementation's state is only CSP_STATE_ALIGN-aligned (impl.h): a struct that
 * asks for more is misaligned (undefined behaviour, which UBSan reports). */
struct rstripes {
	union {
		struct {
			_Atomic uint64_t word;
			_Atomic uint64_t admitted;
			_Atomic uint64_t rebalanced;
			uint32_t n;
			struct rstripe *stripes;
		};
		unsigned char line_[64];
	};
	_Atomic bool held;
};
_Static_assert(alignof(struct rstripes) <= CSP_STATE_ALIGN, "rstripes in an implementation state");

static inline uint64_t rs_epoch(uint64_t w)
{
	return w >> 32;
}

static inline int rstripes_init(struct rstripes *r, uint32_t n)
{
	r->stripes = aligned_alloc(alignof(struct rstripe), n * sizeof *r->stripes);
	if (!r->stripes)
		return ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		atomic_init(&r->stripes[i].in, 0);
		atomic_init(&r->stripes[i].out, 0);
	}
	r->n = n;
	atomic_init(&r->held, false);
	return 0;
}

static inline void rstripes_destroy(struct rstripes *r)
{
	free(r->stripes);
}

/* Add d to a stripe's count and return the new count. `owned`: only the caller's thread ever
 * writes this stripe, so a plain store does (the coro family's worker stripes: coroutines are
 * not preempted); else an atomic add. Release: a scan that sees an exit sees the read section
 * before it (scans load seq_cst). */
static inline uint64_t rstripe_add(_Atomic uint64_t *c, uint64_t d, bool owned)
{
	if (!owned)
		return atomic_fetch_add_explicit(c, d, memory_order_release) + d;
	uint64_t v = atomic_load_explicit(c, memory_order_relaxed) + d; /* we are the only writer */
	atomic_store_explicit(c, v, memory_order_release);
	return v;
}

/* Readers inside, never undercounted (exits read first). Negative only after misuse. */
static inline int64_t rstripes_inside(struct rstripes *r)
{
	uint64_t out = atomic_load(&r->rebalanced), in; /* seq_cst, all: Dekker with try_enter */
	for (uint32_t i = 0; i < r->n; i++)
		out += atomic_load(&r->stripes[i].out);
	in = atomic_load(&r->admitted);
	for (uint32_t i = 0; i < r->n; i++)
		in += atomic_load(&r->stripes[i].in);
	return (int64_t)(in - out);
}

/* Announce on st, then look for a writer; back out if there is one. Returns the word seen. */
static inline uint64_t rstripes_try_enter(struct rstripes *r, struct rstripe *st)
{
	atomic_fetch_add(&st->in, 1); /* seq_cst: Dekker with the writer's flag, then scan */
	uint64_t w = atomic_load(&r->word);
	if (w & RS_WRITER_PENDING)
		atomic_fetch_add(&st->out, 1); /* seq_cst: a scan that sees this sees the entry too */
	return w;
}

/* Queue behind the writer of w's epoch (w has writer bits); false if that epoch ended first. */
static inline bool rstripes_queue(struct rstripes *r, uint64_t w)
{
	uint64_t e = rs_epoch(w);
	/* seq_cst: the writer's admitting CAS must see every reader that queued in its epoch */
	while (rs_epoch(w) == e && !atomic_compare_exchange_weak(&r->word, &w, w + RS_QUEUED_ONE))
		;
	return rs_epoch(w) == e;
}

/* An admitted reader moves its entry from `admitted` to its own stripe. */
static inline void rstripes_admitted(struct rstripes *r, struct rstripe *st, bool owned)
{
	rstripe_add(&st->in, 1, owned);   /* before the decrement (see the invariants) */
	atomic_fetch_sub(&r->admitted, 1); /* seq_cst: read by scans before the stripes' `in` */
}

/* A reader leaves on st: the exit, and the misuse check and rebalance when st shows more exits
 * than entries. */
static inline void rstripes_exit(struct rstripes *r, struct rstripe *st, bool owned)
{
	uint64_t out = rstripe_add(&st->out, 1, owned);
	/* relaxed: a task that read-locks and unlocks itself has its entry on this stripe already;
	 * more exits than entries here means a cross-task unlock, a task that moved, or misuse */
	uint64_t in = atomic_load_explicit(&st->in, memory_order_relaxed);
	if (out <= in)
		return;
	if (rstripes_inside(r) < 0)
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	/* Cover the deficit so the fast path's check works again here. The sums do not change; the
	 * order keeps scans from undercounting (see the invariants). */
	rstripe_add(&st->in, out - in, owned);
	atomic_fetch_add(&r->rebalanced, out - in); /* seq_cst: after the `in` above */
}

/* The writer leaves the word: count the readers queued behind it in, let them go with
 * admit(arg, n) (NULL: they watch the epoch), then end the epoch. */
static inline void rstripes_leave(struct rstripes *r, void (*admit)(void *arg, uint64_t n),
	void *arg)
{
	uint64_t added = 0;
	/* relaxed: read only by a later unlock's check, ordered after the next lock's mark */
	atomic_store_explicit(&r->held, false, memory_order_relaxed);
	uint64_t w = atomic_load(&r->word); /* seq_cst: a first guess for the CAS */
	for (;;) {
		uint64_t queued = (w & RS_QUEUED_MASK) / RS_QUEUED_ONE;
		if (queued > added) { /* count them in before they can see the epoch end */
			atomic_fetch_add(&r->admitted, queued - added); /* seq_cst: before the CAS */
			if (admit)
				admit(arg, queued - added);
			added = queued;
		}
		/* seq_cst: ends the epoch; fails only if another reader queued meanwhile */
		if (atomic_compare_exchange_weak(&r->word, &w, (rs_epoch(w) + 1) << 32))
			return;
	}
}

/* Raise the writer flag (the caller owns the writers' turn); Dekker with try_enter. */
static inline void rstripes_pending(struct rstripes *r)
{
	atomic_fetch_or(&r->word, RS_WRITER_PENDING); /* seq_cst: Dekker with try_enter */
}

/* After the scan found no reader inside: the writer holds the lock. */
static inline void rstripes_held(struct rstripes *r)
{
	/* relaxed: read only by the unlock, which follows this lock in happens-before */
	atomic_store_explicit(&r->held, true, memory_order_relaxed);
}

/* Unlock's check: fatal unless a writer holds the lock. */
static inline void rstripes_check_held(struct rstripes *r)
{
	/* relaxed: only a check; the holder's own mark, or one ordered before this call by whoever
	 * handed the lock to this task, is visible */
	if (!atomic_load_explicit(&r->held, memory_order_relaxed))
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
}

#endif /* CSPLAB_IMPLS_SHARED_RSTRIPES_H */
