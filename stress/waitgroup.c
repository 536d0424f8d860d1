/*
 * Stress scenarios of WaitGroup: one WaitGroup reused over as many rounds as the duration
 * allows, each round with worker tasks that Done and many tasks that Wait.
 *
 * A round: the body Adds the workers' count (at once, or one by one), publishes the round
 * number, and Waits too. Each worker writes the round number into its own plain slot and calls
 * Done; each waiter Waits (some before the last Done, some after) and then checks every slot
 * holds this round. The body starts the next round only once every waiter has returned (Go's rule
 * for reuse: new Adds after all Waits of the previous round returned).
 *
 * wg-rounds: that, with many concurrent waiters released each round.
 * wg-add-wait: workers also Add and Done extra counts while their own is outstanding, so Adds
 * race with Waits (Go allows an Add while the counter is positive); a Wait must not return while
 * one of those is outstanding.
 *
 * Ordering. The plain slots are published to the waiters only by Done -> Wait. The harness's
 * own edges go the other way (body -> tasks: the round number; waiters -> body: the count of
 * released waiters), so a WaitGroup that lacks the edge shows up under ThreadSanitizer.
 */
#include "stress.h"

#include <inttypes.h>

#define PAUSE_US 20
#define STOP INT64_MAX /* the round number that tells tasks to return */

struct rounds {
	csp_waitgroup *wg;
	int workers, waiters;
	bool nested;                 /* wg-add-wait */
	_Atomic int64_t round;       /* published by the body (release) */
	int64_t *slot;               /* slot[i] = round, by worker i before its Done */
	_Atomic int64_t released;    /* waiter returns, all rounds (release, to the body) */
	_Atomic int64_t outstanding; /* nested Adds not yet Done (relaxed: see check_round) */
};

/* The next round after `last`, or STOP (also when the run failed). */
static int64_t next_round(stask *t, struct rounds *x, int64_t last)
{
	if (!s_await_at_least(t, &x->round, last + 1))
		return STOP;
	return atomic_load_explicit(&x->round, memory_order_acquire); /* body -> task only */
}

/* After a Wait of round r returned: every Done of the round happened before it. */
static bool check_round(stask *t, struct rounds *x, int64_t r)
{
	for (int i = 0; i < x->workers; i++) {
		if (x->slot[i] != r) {
			s_fail(t->s, "Wait returned in round %" PRId64 " before worker %d's Done "
				     "(its slot holds %" PRId64 ")",
				r, i, x->slot[i]);
			return false;
		}
	}
	/* relaxed: each decrement precedes its Done, which happens before this Wait returned */
	int64_t out = atomic_load_explicit(&x->outstanding, memory_order_relaxed);
	if (out != 0) {
		s_fail(t->s, "Wait returned in round %" PRId64 " with %" PRId64 " Add(s) not yet Done",
			r, out);
		return false;
	}
	return true;
}

static void worker_task(stask *t)
{
	struct rounds *x = t->arg;
	for (int64_t r = 0; (r = next_round(t, x, r)) != STOP;) {
		if (x->nested) {
			for (uint32_t k = s_randn(t, 4); k > 0; k--) {
				sx_wg_add(t, x->wg, 1);
				/* relaxed, both: ordered by Add/Done themselves (see check_round) */
				atomic_fetch_add_explicit(&x->outstanding, 1, memory_order_relaxed);
				s_pause(t, PAUSE_US);
				atomic_fetch_sub_explicit(&x->outstanding, 1, memory_order_relaxed);
				sx_wg_done(t, x->wg);
			}
		}
		s_pause(t, PAUSE_US);
		x->slot[t->index] = r;
		sx_wg_done(t, x->wg);
		s_progress(t);
	}
}

static void waiter_task(stask *t)
{
	struct rounds *x = t->arg;
	for (int64_t r = 0; (r = next_round(t, x, r)) != STOP;) {
		s_pause(t, PAUSE_US);
		sx_wg_wait(t, x->wg);
		if (!check_round(t, x, r))
			return;
		/* release: this waiter is done with round r; pairs with the body's acquire */
		atomic_fetch_add_explicit(&x->released, 1, memory_order_release);
		s_progress(t);
	}
}

static void run_rounds(sctx *s, bool nested)
{
	struct rounds *x = s_alloc(s, sizeof *x);
	csp_waitgroup *wg = s_wg(s);
	int workers = s->ntasks / 2, waiters = s->ntasks - workers;
	int64_t *slot = s_alloc(s, sizeof(int64_t) * (size_t)workers);
	if (!x || !wg || !slot)
		return;
	*x = (struct rounds){ .wg = wg, .workers = workers, .waiters = waiters, .nested = nested,
		.slot = slot };
	stask *me = &s->body;
	int64_t r = 0;
	s_phase(s, nested ? "nested adds" : "rounds", 1.0);
	for (int i = 0; i < workers; i++)
		if (!s_go(s, "worker", i, worker_task, x))
			goto stop;
	for (int i = 0; i < waiters; i++)
		if (!s_go(s, "waiter", i, waiter_task, x))
			goto stop;
	while (s_running(me)) {
		r++;
		if (s_randn(me, 2)) {
			sx_wg_add(me, wg, workers);
		} else {
			for (int i = 0; i < workers; i++)
				sx_wg_add(me, wg, 1);
		}
		atomic_store_explicit(&x->round, r, memory_order_release); /* body -> tasks */
		sx_wg_wait(me, wg);
		if (!check_round(me, x, r))
			break;
		s_doing(me, "awaiting the waiters");
		/* acquire: pairs with the waiters' release increments */
		if (!s_await_at_least(me, &x->released, r * waiters))
			break;
		s_progress(me);
	}
stop:
	atomic_store_explicit(&x->round, STOP, memory_order_release); /* pairs: next_round */
	s_join(s);
	if (!s_failed(s))
		s_note(s, "%" PRId64 " rounds, %d workers, %d waiters", r, workers, waiters);
}

static void wg_rounds(sctx *s) { run_rounds(s, false); }
static void wg_add_wait(sctx *s) { run_rounds(s, true); }

static const struct scenario waitgroup_scenarios[] = {
	{ .name = "wg-rounds", .prim = CSP_PRIM_WAITGROUP, .body = wg_rounds,
		.what = "Done publishes to every Wait; reuse over rounds; many waiters released" },
	{ .name = "wg-add-wait", .prim = CSP_PRIM_WAITGROUP, .body = wg_add_wait,
		.what = "Adds racing Waits while the counter is positive; Wait never returns early" },
	{ .name = NULL },
};
S_REGISTER(waitgroup_scenarios);
