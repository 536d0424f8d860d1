/*
 * Blocking, timeouts and select for the lockfree channel, on top of the lock-free try-operations
 * of ring.c and rendezvous.c. No lock anywhere: the only arbiter is the claim CAS on a blocked
 * operation's waiter record (waiter.h).
 *
 * One path for everything that may wait (a send or receive that could not complete at once is a
 * select of one case):
 *  1. Try every case once, in a uniformly random order (Go's pollorder): the first that can
 *     proceed is performed, so among ready cases the choice is uniform.
 *  2. If the deadline has passed, answer "not ready" only from a double collect: versions of
 *     every channel are read before and after the tries, and the tries are repeated until no
 *     channel changed in between. Then there was one instant at which no case was ready, as
 *     Go's select (which locks every channel) guarantees: no "default" while some case was ready
 *     throughout.
 *  3. Otherwise wait. A send or receive on a buffered channel (one case) polls with short
 *     back-off, then sleeps on the ring's event count (evcount.h), which every send, receive and
 *     close on the ring checks with one load. With several buffered cases there is no one word
 *     to sleep on: poll with back-off (spin.h), yielding. With unbuffered channels, first post
 *     an offer on each (rendezvous.c), so partners can find us, then poll rounds as the BUSY
 *     owner of the record: a partner's claim, our own round, or close — the record's state
 *     word lets exactly one of them complete the operation. When every case is unbuffered and
 *     posted, the owner parks on the record after a short spin and a few yields, and the
 *     partner or close that claims it wakes it (waiter.h).
 * Progress: steps 1 and 2 are lock-free (a retry of the double collect means another operation
 * took effect); waiting is blocking by nature: one case on a buffered channel, and any number
 * of cases all on unbuffered channels, spin briefly, yield, then park in the kernel (OS
 * threads); a select that mixes buffered cases with others, or waits on several buffered
 * channels, spins then yields and never parks. Timeouts are checked between rounds, and bound
 * every sleep.
 */
#include "chan.h"

#include "spin.h"

#include <stdlib.h>

#define SELECT_STACK_CASES 8

struct sel {
	csp_case *cases;
	struct lfchan **chans;
	size_t *order; /* the m cases with a channel, in a uniformly random order */
	size_t m;
	uint64_t *ver; /* 2 per entry of order: versions for the double collect */
	int *slot;     /* per entry of order: the offer posted for it, or -1 */
};

static bool expired(int64_t deadline)
{
	return deadline == CSP_POLL || (deadline != CSP_FOREVER && csp_now() >= deadline);
}

/* One pass over the cases, from a random rotation of the order (itself uniformly random). The
 * case performed, or -1. */
static long try_round(struct sel *s, struct rec *self)
{
	size_t start = csp_fastrandn((uint32_t)s->m);
	for (size_t k = 0; k < s->m; k++) {
		size_t i = s->order[(start + k) % s->m];
		int st = lf_try(s->chans[i], &s->cases[i], self);
		if (st != LF_NOT_READY) {
			s->cases[i].ok = st == CSP_OK;
			return (long)i;
		}
	}
	return -1;
}

/* A case performed, or -1 if at one instant none was ready (the double collect). */
static long poll_all(struct sel *s, struct rec *self)
{
	for (;;) {
		for (size_t k = 0; k < s->m; k++)
			lf_version(s->chans[s->order[k]], &s->ver[2 * k]);
		long r = try_round(s, self);
		if (r >= 0)
			return r;
		bool same = true;
		for (size_t k = 0; k < s->m && same; k++) {
			uint64_t v[2];
			lf_version(s->chans[s->order[k]], v);
			same = v[0] == s->ver[2 * k] && v[1] == s->ver[2 * k + 1];
		}
		if (same)
			return -1;
	}
}

/* Wait on buffered channels only: poll with back-off. */
static long wait_polling(struct sel *s, int64_t deadline)
{
	struct spin sp = SPIN_INIT;
	for (;;) {
		spin_wait(&sp);
		if (expired(deadline))
			return poll_all(s, NULL);
		long r = try_round(s, NULL);
		if (r >= 0)
			return r;
	}
}

/* Waiting on one buffered channel: PAUSE bursts of 1, 2, 4 and 8 (some 0.4 µs here), then up to
 * WAIT_YIELDS yields (some 20-100 µs: a yield costs 0.3 µs alone, a few µs when it runs another
 * thread), then sleep. Measured with ChanProdCons (4 threads on 2 cores): the waits are either
 * very short (the partner runs on the other core) or last until the partner gets this core, and a
 * yield hands it over for far less than a futex sleep and wake. Spinning longer instead, as the
 * mutexes' 256-PAUSE bursts do, only keeps the partner off the CPU. With 2 yields before sleeping,
 * ChanProdCons10 took 65-125 ns/op and a context switch every 50-75 operations; with 50, 30-40 ns
 * and one every 5000 (`csplab-bench --impl lockfree --benchmark_filter=chan/`). The price: a
 * receive that waits long burns that much CPU once before it sleeps. */
#define WAIT_SPIN_MAX 8u
#define WAIT_YIELDS 50u

/* Wait on one buffered channel: poll with short back-off, then sleep on the ring's event count
 * (evcount.h), re-checking after registering. Only OS threads sleep in the kernel; tasks of any
 * other runtime keep polling and yielding, as with several cases. */
static long wait_one(struct sel *s, int64_t deadline)
{
	size_t i = s->order[0];
	struct evc *ev = ring_evc(&s->chans[i]->ring, s->cases[i].dir);
	bool may_sleep = csp_runtime_current() == csp_runtime_for("lockfree");
	struct spin sp = SPIN_INIT_MAX(WAIT_SPIN_MAX);
	unsigned yields = 0;
	uint32_t key;
	for (;;) {
		if (!may_sleep || !spin_spun(&sp) || yields < WAIT_YIELDS) {
			yields += spin_spun(&sp);
			spin_wait(&sp);
		} else if (evc_prepare(ev, &key)) {
			long r = try_round(s, NULL); /* the re-check, after registering */
			if (r >= 0 || expired(deadline)) {
				evc_cancel(ev, key);
				return r >= 0 ? r : poll_all(s, NULL);
			}
			evc_wait(ev, key, deadline);
		} else {
			spin_wait(&sp); /* as many sleepers as the count holds: poll (and yield) */
		}
		if (expired(deadline))
			return poll_all(s, NULL);
		long r = try_round(s, NULL);
		if (r >= 0)
			return r;
	}
}

/* Yields before an owner with posted offers parks: fewer than WAIT_YIELDS, as the partner of an
 * unbuffered operation is usually either running on the other core (it answers within the
 * spin) or must be scheduled anyway, and thousands of blocked tasks yielding in turn cost more
 * than their futex sleeps. Measured with chan-chain (tests/programs/chan_chain.c, 10 000
 * tasks, 2 cores, pthread's time in the same run): 50 yields, 1.1-1.2x pthread's; 8, 0.9-1.1x. */
#define POSTED_YIELDS 8u

/* Wait with offers posted on the unbuffered channels. When every case is unbuffered and every
 * offer found a slot, a partner or close can only complete the operation through the record's
 * claim, so after the spin and WAIT_YIELDS yields the owner parks on the record (rec_park) and
 * the claimer wakes it. Two tasks with offers for each other never both park unmatched: each
 * runs rounds after its own post, so the later of the two to post sees the other's offer in
 * every round, and finds it WAITING or, if both are BUSY at once, the one at the higher address
 * waits for the lower (rendezvous.c). Otherwise (a buffered case, an arena without a free slot,
 * a task not of this family's runtime) it polls and yields as before. */
static long wait_posted(struct sel *s, int64_t deadline)
{
	struct rec *rec = rec_get();
	uint64_t gen = rec_begin(rec, s->cases);
	bool may_park = csp_runtime_current() == csp_runtime_for("lockfree");
	for (size_t k = 0; k < s->m; k++) {
		size_t i = s->order[k];
		struct lfchan *c = s->chans[i];
		s->slot[k] = c->cap == 0 ? rv_post(lf_rv(c), rec, gen, i, s->cases[i].dir) : -1;
		may_park &= s->slot[k] >= 0;
	}
	struct spin sp = SPIN_INIT;
	unsigned yields = 0;
	long r;
	for (;;) {
		if (!rec_owner_cas(rec, gen, REC_WAITING, REC_BUSY)) { /* a partner or close has us */
			r = (long)rec_await(rec, gen);
			s->cases[r].ok = rec->ok;
			break;
		}
		/* The first round runs right after posting: of two tasks that posted offers for each
		 * other at once, at least one then sees the other's (both posts are seq_cst). */
		bool late = expired(deadline);
		r = late ? poll_all(s, rec) : try_round(s, rec);
		if (r >= 0 || late) {
			rec_owner_end(rec, gen);
			break;
		}
		rec_owner_release(rec, gen);
		if (may_park && spin_spun(&sp) && yields >= POSTED_YIELDS) {
			rec_park(rec, gen, deadline);
		} else {
			yields += spin_spun(&sp);
			spin_wait(&sp);
		}
	}
	for (size_t k = 0; k < s->m; k++)
		if (s->slot[k] >= 0)
			rv_unpost(lf_rv(s->chans[s->order[k]]), s->slot[k]);
	rec_put(rec);
	return r;
}

int lf_select(struct lfchan **chans, csp_case *cases, size_t n, int64_t deadline)
{
	size_t small_order[SELECT_STACK_CASES];
	uint64_t small_ver[2 * SELECT_STACK_CASES];
	int small_slot[SELECT_STACK_CASES];
	struct sel s = { .cases = cases, .chans = chans, .order = small_order, .ver = small_ver,
		.slot = small_slot };
	if (n > SELECT_STACK_CASES) {
		s.order = malloc(n * sizeof *s.order);
		s.ver = malloc(2 * n * sizeof *s.ver);
		s.slot = malloc(n * sizeof *s.slot);
		if (!s.order || !s.ver || !s.slot)
			csp_fatal("csplab: out of memory in select");
	}
	/* The poll order: an inside-out Fisher-Yates shuffle of the cases with a channel. */
	bool unbuffered = false;
	for (size_t i = 0; i < n; i++) {
		if (!chans[i])
			continue;
		size_t j = csp_fastrandn((uint32_t)s.m + 1);
		s.order[s.m] = s.order[j];
		s.order[j] = i;
		s.m++;
		unbuffered |= chans[i]->cap == 0;
	}
	long r = -1;
	if (s.m > 0) {
		r = expired(deadline) ? poll_all(&s, NULL) : try_round(&s, NULL);
		if (r < 0 && !expired(deadline))
			r = unbuffered ? wait_posted(&s, deadline)
				: s.m == 1 ? wait_one(&s, deadline)
				: wait_polling(&s, deadline);
	}
	if (s.order != small_order) {
		free(s.order);
		free(s.ver);
		free(s.slot);
	}
	return r < 0 ? CSP_SELECT_TIMEOUT : (int)r;
}
