/*
 * An unbuffered lockfree channel: an exchanger arena of offers, in the style of Scherer, Lea &
 * Scott, "A scalable elimination-based exchange channel" (SCOOL 2005) and the same authors'
 * synchronous queues (PPoPP 2006): a blocked operation posts an offer in a slot of the arena;
 * a partner of the other direction claims it with one CAS on the offer's waiter record and
 * moves the value directly between the two tasks' buffers. No lock: the claim CAS alone decides.
 *
 * Slots. An offer names a waiter record, its generation, and the select case it stands for.
 * It is written under a sequence tag (a seqlock: Boehm, "Can seqlocks get along with
 * programming language memory models?", MSPC 2012): version << 2 | state, where FREE -> WRITING
 * (the poster reserved it) -> POSTED -> FREE with the version bumped. A reader that sees the
 * same POSTED tag before and after reading the fields has a consistent offer; a stale one (its
 * record moved on to another generation) is harmless, as its claim CAS fails.
 *
 * Invariants:
 *  - a value moves only after a claim CAS WAITING -> CLAIMED on the partner's record for the
 *    offer's generation, so each blocked operation completes at most once; its owner waits for
 *    DONE before its buffers go away;
 *  - a task never claims an offer of its own record (a select never meets itself);
 *  - an offer is posted (seq_cst) before its owner next checks `closed`, and close sets `closed`
 *    (seq_cst) before it scans: every offer is either completed by close or sees it. A claimer
 *    re-checks `closed` after its claim and turns the rendezvous into "closed" if it was set, so
 *    no value moves once any task could have observed the close;
 *  - `live` counts offers posted or being posted: rv_post raises it before its slot can become
 *    POSTED and lowers it if it finds no slot; rv_unpost lowers it after the slot leaves POSTED.
 *    So `live` == 0 means that no offer is posted, except dead ones whose records have already
 *    left WAITING (rv_unpost's tag store may become visible after its decrement), which no
 *    claim can take anyway;
 *  - BUSY: a record whose owner is trying to complete a case itself cannot be claimed. A claimer
 *    that has no offers of its own (a try-operation, close) waits for BUSY to end; a BUSY
 *    claimer waits only for BUSY records at lower addresses, so waits never form a cycle.
 * Progress: rv_post and rv_unpost are wait-free (a bounded scan; one store). rv_match and
 * rv_close are lock-free but for their waits on BUSY records, which the owners end in a few
 * steps (blocking only if an owner is preempted there). An owner claimed by a partner waits in
 * rec_await for the partner's copy, likewise a few steps.
 */
#include "rendezvous.h"

#include "spin.h"

#include <string.h>

enum { SLOT_FREE = 0, SLOT_WRITING = 1, SLOT_POSTED = 2, SLOT_STATE = 3, SLOT_VERSION = 4 };

/* Slots per channel: room for twice as many blocked operations as CPUs, at least 8 (a task
 * that finds no free slot still meets partners by claiming theirs). */
static uint32_t nslots(void)
{
	int n = 2 * csp_ncpu();
	return n < 8 ? 8 : n > 64 ? 64 : (uint32_t)n;
}

size_t rv_size(void)
{
	return sizeof(struct rendezvous) + nslots() * sizeof(struct rv_slot);
}

void rv_init(struct rendezvous *rv, size_t elem_size)
{
	atomic_init(&rv->posts, 0);
	atomic_init(&rv->live, 0);
	atomic_init(&rv->closed, 0);
	rv->nslots = nslots();
	rv->elem_size = elem_size;
	for (uint32_t i = 0; i < rv->nslots; i++) {
		atomic_init(&rv->slots[i].tag, SLOT_FREE);
		atomic_init(&rv->slots[i].rec, NULL);
		atomic_init(&rv->slots[i].gen, 0);
		atomic_init(&rv->slots[i].idx_dir, 0);
	}
}

struct offer {
	struct rec *rec;
	uint64_t gen;
	size_t idx;
	int dir;
};

/* Read slot sl's offer; false if it holds none, or changed while we read. */
static bool read_offer(struct rv_slot *sl, struct offer *o)
{
	/* seq_cst: pairs with the poster's store of POSTED (its fields, and the record's `cases`
	 * set before posting, are visible), and is ordered after our own post or close: the
	 * Dekker pairs of the invariants */
	uint64_t t = atomic_load(&sl->tag);
	if ((t & SLOT_STATE) != SLOT_POSTED)
		return false;
	/* relaxed, all three: validated by the tag re-read after the fence */
	o->rec = atomic_load_explicit(&sl->rec, memory_order_relaxed);
	o->gen = atomic_load_explicit(&sl->gen, memory_order_relaxed);
	uint64_t id = atomic_load_explicit(&sl->idx_dir, memory_order_relaxed);
	/* acquire fence: orders the field loads before the re-read (seqlock reader) */
	atomic_thread_fence(memory_order_acquire);
	o->idx = (size_t)(id >> 1);
	o->dir = id & 1 ? CSP_SEND : CSP_RECV;
	/* relaxed: the fence above orders it */
	return atomic_load_explicit(&sl->tag, memory_order_relaxed) == t;
}

/*
 * Claim o's record for its generation: WAITING -> CLAIMED. `wait_busy`: wait while its owner
 * is BUSY (else give up on a BUSY record). False if the offer is stale or taken.
 */
static bool claim(const struct offer *o, bool wait_busy)
{
	struct spin s = SPIN_INIT;
	for (;;) {
		uint64_t w = rec_word(o->gen, REC_WAITING);
		/* acq_rel: acquire pairs with the owner's release of WAITING (rec_begin or the end of
		 * a BUSY attempt); release orders nothing we wrote, but is free on a CAS */
		if (atomic_compare_exchange_strong_explicit(&o->rec->state, &w,
			    rec_word(o->gen, REC_CLAIMED), memory_order_acq_rel, memory_order_acquire))
			return true;
		if (w != rec_word(o->gen, REC_BUSY) || !wait_busy)
			return false;
		spin_wait(&s);
	}
}

/* Complete a claimed offer: set its outcome, then DONE, then wake its owner if it parks. */
static void finish(const struct offer *o, bool ok)
{
	o->rec->idx = o->idx;
	o->rec->ok = ok;
	/* seq_cst, not only release (which publishes the copy and the outcome to the owner's
	 * acquire in rec_await): DONE must precede the exchange in rec_unpark (waiter.h) */
	atomic_store(&o->rec->state, rec_word(o->gen, REC_DONE));
	rec_unpark(o->rec);
}

/* A claimed offer meets a closed channel: its receive (if any) gets a zeroed value. */
static void finish_closed(struct rendezvous *rv, const struct offer *o)
{
	void *buf = o->rec->cases[o->idx].buf;
	if (o->dir == CSP_RECV && buf)
		memset(buf, 0, rv->elem_size);
	finish(o, false);
}

static enum rv_result closed_result(struct rendezvous *rv, int dir, void *buf)
{
	if (dir == CSP_RECV && buf)
		memset(buf, 0, rv->elem_size);
	return RV_CLOSED;
}

enum rv_result rv_match(struct rendezvous *rv, int dir, void *buf, struct rec *self)
{
	if (atomic_load(&rv->closed)) /* seq_cst: see the invariants */
		return closed_result(rv, dir, buf);
	uint32_t n = rv->nslots, start = csp_fastrandn(n);
	for (uint32_t i = 0; i < n; i++) {
		struct offer o;
		if (!read_offer(&rv->slots[(start + i) % n], &o) || o.rec == self || o.dir == dir)
			continue;
		/* A BUSY claimer waits only for lower records (see the invariants). */
		if (!claim(&o, !self || (uintptr_t)o.rec < (uintptr_t)self))
			continue;
		if (atomic_load(&rv->closed)) { /* seq_cst: closed since our first check */
			finish_closed(rv, &o);
			return closed_result(rv, dir, buf);
		}
		void *peer = o.rec->cases[o.idx].buf;
		if (dir == CSP_SEND) {
			if (peer)
				memcpy(peer, buf, rv->elem_size);
		} else if (buf) {
			memcpy(buf, peer, rv->elem_size);
		}
		finish(&o, true);
		return RV_OK;
	}
	return RV_NONE;
}

enum rv_result rv_poll_slow(struct rendezvous *rv, int dir, void *buf)
{
	/* Meet a posted offer, or find from a double collect an instant with none (select.c's
	 * step 2 for one case). */
	for (;;) {
		uint64_t v[2], w[2];
		rv_version(rv, v);
		enum rv_result r = rv_match(rv, dir, buf, NULL);
		if (r != RV_NONE)
			return r;
		rv_version(rv, w);
		if (v[0] == w[0] && v[1] == w[1])
			return RV_NONE;
	}
}

size_t rv_waiting(struct rendezvous *rv, int dir)
{
	size_t n = 0;
	for (uint32_t i = 0; i < rv->nslots; i++) {
		struct offer o;
		if (read_offer(&rv->slots[i], &o) && o.dir == dir &&
		    /* relaxed: a snapshot for diagnostics, like len */
		    atomic_load_explicit(&o.rec->state, memory_order_relaxed) ==
			    rec_word(o.gen, REC_WAITING))
			n++;
	}
	return n;
}

int rv_post(struct rendezvous *rv, struct rec *r, uint64_t gen, size_t idx, int dir)
{
	atomic_fetch_add(&rv->live, 1); /* seq_cst: before the slot can become POSTED (rv_poll) */
	atomic_fetch_add(&rv->posts, 1); /* seq_cst: a new version before the offer appears */
	uint32_t n = rv->nslots, start = csp_fastrandn(n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = (start + i) % n;
		struct rv_slot *sl = &rv->slots[k];
		/* relaxed: a guess for the CAS */
		uint64_t t = atomic_load_explicit(&sl->tag, memory_order_relaxed);
		if ((t & SLOT_STATE) != SLOT_FREE)
			continue;
		/* relaxed: the slot holds nothing yet; the release fence below orders the fields */
		if (!atomic_compare_exchange_strong_explicit(&sl->tag, &t, t | SLOT_WRITING,
			    memory_order_relaxed, memory_order_relaxed))
			continue;
		/* release fence: a reader that sees any field below also sees WRITING on its re-read
		 * (seqlock writer) */
		atomic_thread_fence(memory_order_release);
		/* relaxed, all three: published by the POSTED store */
		atomic_store_explicit(&sl->rec, r, memory_order_relaxed);
		atomic_store_explicit(&sl->gen, gen, memory_order_relaxed);
		atomic_store_explicit(&sl->idx_dir, (uint64_t)idx << 1 | (dir == CSP_SEND),
			memory_order_relaxed);
		atomic_store(&sl->tag, t | SLOT_POSTED); /* seq_cst: before our next check of closed */
		return (int)k;
	}
	atomic_fetch_sub(&rv->live, 1); /* seq_cst: nothing was posted after all */
	return -1;
}

void rv_unpost(struct rendezvous *rv, int slot)
{
	struct rv_slot *sl = &rv->slots[slot];
	/* relaxed: only the poster changes a POSTED tag */
	uint64_t t = atomic_load_explicit(&sl->tag, memory_order_relaxed);
	/* release: pairs with the acquire of the next poster's readers; a reader of the old offer
	 * sees the version change on its re-read */
	atomic_store_explicit(&sl->tag, (t & ~(uint64_t)SLOT_STATE) + SLOT_VERSION,
		memory_order_release);
	atomic_fetch_sub(&rv->live, 1); /* seq_cst: after the offer is gone (the invariants) */
}

bool rv_close(struct rendezvous *rv)
{
	if (atomic_exchange(&rv->closed, 1)) /* seq_cst: before the scan (see the invariants) */
		return false;
	for (uint32_t i = 0; i < rv->nslots; i++) {
		struct offer o;
		if (read_offer(&rv->slots[i], &o) && claim(&o, true))
			finish_closed(rv, &o);
	}
	return true;
}
