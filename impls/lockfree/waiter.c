/*
 * Recycling the lockfree channel's waiter records (waiter.h).
 *
 * Every record ever made stays on one list (`all`), pushed once with a CAS and never unlinked,
 * so records are never freed and the list has no ABA problem. A record is taken by CAS-ing its
 * `in_use` flag from 0 to 1 and given back by storing 0. A task first tries the record it used
 * last (a thread-local hint), so a steady task takes one CAS; the list is walked only when that
 * record is busy, and not when the last walk found every record in use and none was given back
 * since (`all_busy`). It grows when no record is free: about one record per operation blocked
 * at the same time, ever (a walker that sets all_busy just after a record was given back makes
 * the next tasks allocate until the next rec_put clears it).
 * Progress: rec_get is lock-free (it may allocate); rec_put is wait-free. rec_park blocks (the
 * owner sleeps on the record's futex word, waiter.h); rec_unpark is wait-free.
 */
#include "waiter.h"

#include "spin.h"

#include "../shared/futex.h"

#include <stdlib.h>

static _Atomic(struct rec *) all;
/* 1: the last walk of `all` found every record in use, and no record was given back since. A
 * hint (see rec_get); rec_put clears it. */
static _Atomic int all_busy;
static _Thread_local struct rec *hint;

static bool take(struct rec *r)
{
	/* relaxed: a look before the CAS, so a walk past records in use reads their lines instead
	 * of writing them (with 10 000 tasks blocked, each new one walked 10 000 CASes: chan-chain's
	 * start took 4 s instead of 1.5); the CAS below decides */
	if (atomic_load_explicit(&r->in_use, memory_order_relaxed))
		return false;
	int free_flag = 0;
	/* acquire: pairs with the release store in rec_put, so the last user's writes (its last
	 * generation) happen before ours */
	return atomic_compare_exchange_strong_explicit(&r->in_use, &free_flag, 1,
		memory_order_acquire, memory_order_relaxed);
}

struct rec *rec_get(void)
{
	if (hint && take(hint))
		return hint;
	/* Walk unless the last walk found every record in use and none was given back since: with
	 * thousands of tasks blocked at once, each new one would read them all for nothing
	 * (chan-chain's 10 000 tasks took 3.2 s to start instead of 1.6). relaxed, both: a hint;
	 * a stale 1 costs a new record, a stale 0 a walk. */
	if (!atomic_load_explicit(&all_busy, memory_order_relaxed)) {
		/* acquire: pairs with the release CAS that pushed each record, so its fields are set */
		for (struct rec *r = atomic_load_explicit(&all, memory_order_acquire); r;
			r = r->next_all)
			if (take(r))
				return hint = r;
		atomic_store_explicit(&all_busy, 1, memory_order_relaxed);
	}
	struct rec *r = aligned_alloc(alignof(struct rec), sizeof *r);
	if (!r)
		csp_fatal("csplab: out of memory for a lockfree channel waiter");
	atomic_init(&r->state, rec_word(0, REC_IDLE));
	atomic_init(&r->in_use, 1);
	atomic_init(&r->park, 0);
	r->cases = NULL;
	/* relaxed: a guess for the CAS below, which re-reads it on failure */
	r->next_all = atomic_load_explicit(&all, memory_order_relaxed);
	/* release: publishes the record's initial fields to list walkers (acquire above) */
	while (!atomic_compare_exchange_weak_explicit(&all, &r->next_all, r, memory_order_release,
		memory_order_relaxed))
		;
	return hint = r;
}

void rec_put(struct rec *r)
{
	/* relaxed, both: a hint for rec_get; loaded first so that the usual case (no walk failed)
	 * only reads a line every task keeps shared */
	if (atomic_load_explicit(&all_busy, memory_order_relaxed))
		atomic_store_explicit(&all_busy, 0, memory_order_relaxed);
	/* release: pairs with the acquire CAS in take */
	atomic_store_explicit(&r->in_use, 0, memory_order_release);
}

uint64_t rec_begin(struct rec *r, csp_case *cases)
{
	/* relaxed: only the owner changes the generation, and this owner took the record with an
	 * acquire that follows the last owner's final write */
	uint64_t gen = (atomic_load_explicit(&r->state, memory_order_relaxed) >> REC_GEN_SHIFT) + 1;
	r->cases = cases;
	/* release: with the slot publication in rendezvous.c, makes `cases` visible to claimers */
	atomic_store_explicit(&r->state, rec_word(gen, REC_WAITING), memory_order_release);
	return gen;
}

size_t rec_await(struct rec *r, uint64_t gen)
{
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the claimer's release store of DONE: its copy and idx/ok are ours */
	while (atomic_load_explicit(&r->state, memory_order_acquire) != rec_word(gen, REC_DONE))
		spin_wait(&s);
	return r->idx;
}

void rec_park(struct rec *r, uint64_t gen, int64_t deadline)
{
	int64_t bound = csp_now() + REC_PARK_MAX;
	atomic_store(&r->park, 1); /* seq_cst: before the re-read (the Dekker pair in waiter.h) */
	if (atomic_load(&r->state) == rec_word(gen, REC_WAITING)) /* seq_cst: as above */
		futex_wait(&r->park, 1, deadline < bound ? deadline : bound);
	atomic_store(&r->park, 0); /* seq_cst: slow path, no reason to weaken */
}

void rec_unpark(struct rec *r)
{
	if (atomic_exchange(&r->park, 0)) /* seq_cst: after DONE (the Dekker pair in waiter.h) */
		futex_wake(&r->park, 1);
}
