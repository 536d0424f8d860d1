/*
 * The lockfree channel's blocked operations: one waiter record per blocked send, receive or
 * select, whose state word decides, with one CAS, which single task completes it.
 *
 * Records are type-stable: once allocated they are never freed, only recycled (waiter.c), so a
 * task may read a record it found in a channel long after that operation ended. A record's
 * generation counts the operations it served: a reference to a blocked operation is (record,
 * generation), and a CAS on the state word fails for any generation but the current one.
 *
 * State word: generation << REC_GEN_SHIFT | status. Transitions within one generation:
 *   WAITING -> BUSY      the owner is trying to complete one of its cases itself
 *   BUSY -> WAITING      it did not manage to
 *   BUSY -> IDLE         it did: the operation is over
 *   WAITING -> CLAIMED   a partner (or close) takes the operation; it fills in idx and ok
 *   CLAIMED -> DONE      the partner finished copying; the owner may go
 *   WAITING -> IDLE      the owner gave up (deadline)
 * Only the owner moves a record out of WAITING into BUSY or IDLE; only a claimer out of CLAIMED.
 *
 * Parking: an owner whose offers are all posted may sleep while WAITING (rec_park): it sets
 * `park` to 1, re-reads the state, and futex-waits on `park` while it is still 1. A claimer,
 * after DONE, exchanges `park` to 0 and wakes the owner if it was 1. No lost wake-up (Dekker,
 * all four seq_cst): either the claimer's exchange sees the owner's 1, or it comes first in the
 * single order, and so does its DONE, which the owner's re-read then sees. A wake that reaches
 * a later generation of a recycled record is spurious; the owner re-checks.
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_WAITER_H
#define CSPLAB_IMPLS_LOCKFREE_WAITER_H

#include <csplab/impl.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

enum rec_status { REC_WAITING, REC_BUSY, REC_CLAIMED, REC_DONE, REC_IDLE };

#define REC_GEN_SHIFT 3
#define REC_STATUS_MASK ((1u << REC_GEN_SHIFT) - 1)

struct rec {
	alignas(64) _Atomic uint64_t state;
	/* Written by the owner before it publishes the record for a generation; read by its
	 * claimer only after a successful claim, while the owner waits for DONE. */
	csp_case *cases;
	/* The outcome, written by the claimer before DONE; read by the owner after DONE. */
	size_t idx;
	bool ok;
	/* 1 while the owner is parked or about to park (rec_park); the futex word. */
	_Atomic uint32_t park;
	/* Recycling (waiter.c). */
	_Atomic int in_use;
	struct rec *next_all;
};

static inline uint64_t rec_word(uint64_t gen, enum rec_status st)
{
	return gen << REC_GEN_SHIFT | st;
}

static inline enum rec_status rec_status_of(uint64_t w)
{
	return (enum rec_status)(w & REC_STATUS_MASK);
}

/* A record for one blocked operation (recycled, or new); rec_put gives it back. */
struct rec *rec_get(void);
void rec_put(struct rec *r);

/* Start the record's next generation, WAITING, for an operation over `cases`; returns it. */
uint64_t rec_begin(struct rec *r, csp_case *cases);

/* WAITING -> to (BUSY or IDLE) for the owner; false if a claimer got there first. */
static inline bool rec_owner_cas(struct rec *r, uint64_t gen, enum rec_status from,
	enum rec_status to)
{
	uint64_t w = rec_word(gen, from);
	/* acq_rel: acquire pairs with the release that last set the word (a claimer's DONE is not
	 * involved here: on failure the owner reads the outcome in rec_await); release publishes
	 * nothing new but keeps the owner's word changes in one release sequence */
	return atomic_compare_exchange_strong_explicit(&r->state, &w, rec_word(gen, to),
		memory_order_acq_rel, memory_order_acquire);
}

/* BUSY -> WAITING: the owner's own attempt failed; partners may claim it again. */
static inline void rec_owner_release(struct rec *r, uint64_t gen)
{
	/* release: pairs with the acquire CAS of the claimers that waited for BUSY to end */
	atomic_store_explicit(&r->state, rec_word(gen, REC_WAITING), memory_order_release);
}

/* BUSY -> IDLE: the owner completed a case itself (or gave up): the operation is over. */
static inline void rec_owner_end(struct rec *r, uint64_t gen)
{
	/* relaxed: publishes nothing; a claimer that reads it only learns it cannot claim */
	atomic_store_explicit(&r->state, rec_word(gen, REC_IDLE), memory_order_relaxed);
}

/* The owner, after a claimer took the record: wait for DONE; returns the case index. */
size_t rec_await(struct rec *r, uint64_t gen);

/* The owner, WAITING with every offer posted: sleep until a claimer (or close) completes the
 * operation, the deadline passes or REC_PARK_MAX elapses; may return spuriously. */
void rec_park(struct rec *r, uint64_t gen, int64_t deadline);
/* The claimer, after DONE: wake the owner if it parks. Its last touch of the record. */
void rec_unpark(struct rec *r);

/* The longest single park. No claim is missed (see Parking above) and two tasks with offers
 * for each other always meet before both park (select.c); the bound only caps the cost of a
 * wake-up lost to a bug, at a cost of one spurious wake per second per parked task. */
#define REC_PARK_MAX CSP_SECOND

#endif /* CSPLAB_IMPLS_LOCKFREE_WAITER_H */
