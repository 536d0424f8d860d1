/*
 * Conformance tests of Go's sync.WaitGroup: ports of sync/waitgroup_test.go and checks of the
 * semantics sync/waitgroup.go documents, run over every registered WaitGroup implementation.
 *
 * Counters the tests check after Wait are updated with relaxed operations before Done: the only
 * ordering between them and the check is then the WaitGroup's own (Done releases, Wait acquires),
 * which ThreadSanitizer verifies on the plain data the tasks write.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

enum {
	BARRIER_ROUNDS = 8, /* Go's TestWaitGroup runs testWaitGroup 8 times */
	SLOT_WORDS = 16,    /* plain words each task writes before Done */
	WAITER_ROUNDS = 4,  /* rounds of TestWaitGroupManyWaiters on one WaitGroup */
	ZERO_WAITS = 100,   /* Waits on a zero counter in TestWaitGroupWaitZero */
};

/* How long ZERO_WAITS waits on a zero counter may take in all. Each should return at once; the
 * bound is loose enough for a stalled machine and still catches a Wait that polls with a sleep. */
#define ZERO_BOUND (500 * CSP_MILLISECOND)

/* ---- TestWaitGroup --------------------------------------------------------------------------- */

struct barrier {
	tctx *t;
	csp_waitgroup *wg1, *wg2;
	int n;
	_Atomic int dones;  /* wg2 Done calls made so far in this round */
	_Atomic int exited; /* tasks past wg2's Wait in this round */
};

static void barrier_task(void *arg)
{
	struct barrier *b = arg;
	csp_wg_done(b->wg1);
	csp_wg_wait(b->wg2);
	int dones = atomic_load(&b->dones);
	if (dones != b->n)
		t_fail(b->t, "Wait returned after %d of %d Done calls", dones, b->n);
	atomic_fetch_add(&b->exited, 1);
}

/* Go's testWaitGroup: n tasks signal wg1, then wait on wg2, which the test counts down slowly. */
static void barrier_round(tctx *t, struct barrier *b)
{
	atomic_store(&b->dones, 0);
	atomic_store(&b->exited, 0);
	csp_wg_add(b->wg1, b->n);
	csp_wg_add(b->wg2, b->n);
	tgroup g = { 0 };
	int started = 0;
	while (started < b->n && t_go(t, &g, barrier_task, b))
		started++;
	csp_wg_add(b->wg1, started - b->n); /* tasks that did not start will not call Done */
	csp_wg_wait(b->wg1);
	for (int i = 0; i < b->n; i++) {
		int exited = atomic_load(&b->exited);
		if (exited != 0)
			t_fail(t, "WaitGroup released %d task(s) after %d of %d Done calls", exited, i,
				b->n);
		atomic_fetch_add(&b->dones, 1);
		csp_wg_done(b->wg2);
		csp_yield(); /* a chance for a released task to show itself before the next Done */
	}
	if (t_wait(t, &g, "the tasks waiting on wg2"))
		T_CHECK_EQ(t, atomic_load(&b->exited), started);
}

/* sync/waitgroup_test.go TestWaitGroup: a two-WaitGroup barrier, run 8 times on the same pair to
 * show they are reusable; 16 tasks on two CPUs. Go checks that no task leaves the barrier before
 * the last Done; each task also checks that all Done calls happened before its Wait returned. */
static void test_waitgroup(tctx *t)
{
	struct barrier b = { .t = t, .wg1 = t_wg(t), .wg2 = t_wg(t), .n = 8 * t_ncpu() };
	if (!b.wg1 || !b.wg2)
		return;
	t_progress(t, "barrier rounds");
	for (int round = 0; round < BARRIER_ROUNDS && !t_failed(t); round++)
		barrier_round(t, &b);
}

/* ---- Misuse ---------------------------------------------------------------------------------- */

struct misuse {
	const char *impl;
	const char *script; /* a Add(1), d Done, N Add(-2) */
};

/* In the forked child: play the script on a new WaitGroup; it should die before the end. */
static void misuse_child(void *arg)
{
	const struct misuse *c = arg;
	csp_waitgroup *wg = csp_wg_new(c->impl);
	if (!wg)
		return;
	for (const char *op = c->script; *op; op++)
		csp_wg_add(wg, *op == 'a' ? 1 : *op == 'd' ? -1 : -2);
	/* Say which script got through, for the harness's failure message. */
	fprintf(stderr, "waitgroup script \"%s\" completed without a fatal error\n", c->script);
	exit(3);
}

/* sync/waitgroup_test.go TestWaitGroupMisuse: Add(1), Done, Done. Go panics; csplab makes it fatal
 * with the same message. Also a negative delta straight from zero and one larger than the
 * counter. Each runs in a forked child. */
static void test_waitgroup_misuse(tctx *t)
{
	static const char *const scripts[] = { "add", "N", "aN" };
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0] && !t_failed(t); i++) {
		struct misuse c = { t->impl->name, scripts[i] };
		t_expect_fatal(t, misuse_child, &c, CSP_MSG_NEGATIVE_WG);
	}
}

/* ---- TestWaitGroupRace ----------------------------------------------------------------------- */

struct race {
	csp_waitgroup *wg;
	_Atomic int n;
};

static void race_task(void *arg)
{
	struct race *r = arg;
	atomic_fetch_add_explicit(&r->n, 1, memory_order_relaxed); /* ordered by the WaitGroup */
	csp_wg_done(r->wg);
}

/* sync/waitgroup_test.go TestWaitGroupRace: a fresh WaitGroup, two tasks, Wait; both tasks'
 * increments must be visible when Wait returns. 1000 iterations, as Go's. */
static void test_waitgroup_race(tctx *t)
{
	t_progress(t, "two tasks, then Wait, on fresh WaitGroups");
	tgroup g = { 0 };
	int64_t iters = t_iters(1000);
	struct race r;
	for (int64_t i = 0; t_more(t, i, iters) && !t_failed(t); i++) {
		r.wg = t_wg(t);
		if (!r.wg)
			break;
		atomic_store_explicit(&r.n, 0, memory_order_relaxed); /* the spawns below publish it */
		csp_wg_add(r.wg, 1);
		if (!t_go(t, &g, race_task, &r))
			csp_wg_done(r.wg);
		csp_wg_add(r.wg, 1);
		if (!t_go(t, &g, race_task, &r))
			csp_wg_done(r.wg);
		csp_wg_wait(r.wg);
		int n = atomic_load_explicit(&r.n, memory_order_relaxed);
		if (n != 2)
			t_fail(t, "spurious wakeup from Wait: %d of 2 tasks had run (iteration %lld)", n,
				(long long)i);
	}
	t_wait(t, &g, "the tasks of the last iterations");
}

/* ---- Wait on a zero counter ------------------------------------------------------------------ */

/* sync/waitgroup.go: "Wait blocks until the WaitGroup counter is zero": when it is zero already
 * (new, after Add(0), after the counter went up and back down) Wait returns at once. A Wait that
 * blocks hangs the test, which then times out at its last progress note. */
static void test_waitgroup_wait_zero(tctx *t)
{
	csp_waitgroup *wg = t_wg(t);
	if (!wg)
		return;
	twatch w;
	t_watch_start(&w);
	t_progress(t, "Wait on a new WaitGroup");
	for (int i = 0; i < ZERO_WAITS; i++)
		csp_wg_wait(wg);
	t_progress(t, "Wait after Add(0)");
	csp_wg_add(wg, 0);
	csp_wg_wait(wg);
	t_progress(t, "Wait after Add(1), Done");
	csp_wg_add(wg, 1);
	csp_wg_done(wg);
	csp_wg_wait(wg);
	t_progress(t, "Wait after Add(3), Add(-3)");
	csp_wg_add(wg, 3);
	csp_wg_add(wg, -3);
	csp_wg_wait(wg);
	int64_t took = t_watch_stop(&w, NULL);
	int64_t bound = t_sanitized() ? 10 * ZERO_BOUND : ZERO_BOUND;
	T_CHECK(t, took < bound, "%d Waits on a zero counter took %.0f ms", ZERO_WAITS + 3,
		(double)took / CSP_MILLISECOND);
}

/* ---- Rounds on one WaitGroup ----------------------------------------------------------------- */

struct rounds {
	csp_waitgroup *wg;
	int64_t round;       /* plain: written before the round's tasks start, read by them */
	_Atomic int64_t ran; /* tasks run, over all rounds */
	struct slot *slots;
};

struct slot {
	struct rounds *r;
	int64_t words[SLOT_WORDS]; /* plain: written by a task, read after Wait */
};

static int64_t slot_word(int64_t round, int word)
{
	return round * SLOT_WORDS + word + 1;
}

static void slot_task(void *arg)
{
	struct slot *s = arg;
	int64_t round = s->r->round;
	for (int w = 0; w < SLOT_WORDS; w++) {
		s->words[w] = slot_word(round, w);
		if (w == SLOT_WORDS / 2)
			csp_yield(); /* a Wait that returns early sees half a slot */
	}
	atomic_fetch_add_explicit(&s->r->ran, 1, memory_order_relaxed); /* ordered by the WaitGroup */
	csp_wg_done(s->r->wg);
}

/* Start `tasks` slot tasks, counted with one Add(tasks) or one Add(1) per task. Returns how many
 * started; the counter counts exactly those. */
static int start_round(tctx *t, tgroup *g, struct rounds *r, int tasks, bool add_at_once)
{
	if (add_at_once)
		csp_wg_add(r->wg, tasks);
	int started = 0;
	for (; started < tasks; started++) {
		if (!add_at_once)
			csp_wg_add(r->wg, 1);
		if (!t_go(t, g, slot_task, &r->slots[started])) {
			csp_wg_add(r->wg, add_at_once ? started - tasks : -1);
			break;
		}
	}
	return started;
}

/* After Wait: every started task's slot holds this round's words, and `ran` counts them all. */
static bool check_round(tctx *t, struct rounds *r, int started, int64_t expect_ran)
{
	for (int i = 0; i < started; i++) {
		for (int w = 0; w < SLOT_WORDS; w++) {
			int64_t got = r->slots[i].words[w];
			if (got != slot_word(r->round, w)) {
				t_fail(t, "round %lld: after Wait, task %d's word %d is %lld, not %lld",
					(long long)r->round, i, w, (long long)got,
					(long long)slot_word(r->round, w));
				return false;
			}
		}
	}
	int64_t ran = atomic_load_explicit(&r->ran, memory_order_relaxed);
	if (ran != expect_ran)
		t_fail(t, "round %lld: Wait returned after %lld of %lld tasks had run",
			(long long)r->round, (long long)ran, (long long)expect_ran);
	return ran == expect_ran;
}

/* Run `rounds` rounds on one WaitGroup, of max_tasks tasks each or (vary) of 1..max_tasks, adding
 * at once or one by one. The tasks of a round may still be inside Done when the next round's
 * Add comes: the WaitGroup must be reusable as soon as Wait returns. */
static void run_rounds(tctx *t, int64_t rounds, int max_tasks, bool vary)
{
	struct rounds r = { .wg = t_wg(t) };
	if (!r.wg)
		return;
	r.slots = calloc((size_t)max_tasks, sizeof *r.slots);
	if (!r.slots) {
		t_fail(t, "out of memory");
		return;
	}
	for (int i = 0; i < max_tasks; i++)
		r.slots[i].r = &r;
	tgroup g = { 0 };
	int64_t expect_ran = 0;
	for (r.round = 0; r.round < rounds; r.round++) {
		int tasks = vary ? 1 + (int)(r.round % max_tasks) : max_tasks;
		int started = start_round(t, &g, &r, tasks, !vary || r.round % 2 == 0);
		expect_ran += started;
		csp_wg_wait(r.wg);
		if (started < tasks || !check_round(t, &r, started, expect_ran))
			break;
	}
	if (t_wait(t, &g, "the tasks of the last rounds"))
		free(r.slots);
}

/* sync/waitgroup.go: Done "synchronizes before" the return of any Wait call it unblocks (Go's
 * memory model), so plain data written before Done is visible after Wait. Many tasks per round,
 * sixteen words each. */
static void test_waitgroup_publishes(tctx *t)
{
	t_progress(t, "tasks write, Done; then Wait and read");
	run_rounds(t, t_iters(40), 8 * t_ncpu(), false);
}

/* sync/waitgroup.go: a WaitGroup may be reused for a new set of events once the previous Wait has
 * returned. Many rounds on one WaitGroup, with varying task counts, Add(n) and Add(1) each. */
static void test_waitgroup_reuse(tctx *t)
{
	t_progress(t, "many rounds on one WaitGroup");
	run_rounds(t, t_iters(400), 2 * t_ncpu(), true);
}

/* ---- Many waiters ---------------------------------------------------------------------------- */

struct waiters {
	tctx *t;
	csp_waitgroup *wg;
	int n;
	_Atomic int arrived;
	_Atomic int all_arrived;
	_Atomic int done_called;
	_Atomic int released;
};

static void waiter_task(void *arg)
{
	struct waiters *w = arg;
	if (atomic_fetch_add(&w->arrived, 1) + 1 == w->n)
		atomic_store(&w->all_arrived, 1);
	csp_wg_wait(w->wg);
	if (!atomic_load(&w->done_called))
		t_fail(w->t, "Wait returned before the counter reached zero");
	atomic_fetch_add(&w->released, 1);
}

static void waiters_round(tctx *t, struct waiters *w)
{
	atomic_store(&w->arrived, 0);
	atomic_store(&w->all_arrived, 0);
	atomic_store(&w->done_called, 0);
	atomic_store(&w->released, 0);
	csp_wg_add(w->wg, 1);
	tgroup g = { 0 };
	int started = 0;
	while (started < w->n && t_go(t, &g, waiter_task, w))
		started++;
	if (started == w->n)
		t_wait_flag(t, &w->all_arrived, "every waiter to start");
	atomic_store(&w->done_called, 1);
	csp_wg_done(w->wg);
	if (t_wait(t, &g, "waiters, after the Done that zeroed the counter"))
		T_CHECK_EQ(t, atomic_load(&w->released), started);
}

/* sync/waitgroup.go: "Wait blocks until the WaitGroup counter is zero", for any number of
 * waiters: one Done that zeroes the counter releases them all, and none before it. */
static void test_waitgroup_many_waiters(tctx *t)
{
	struct waiters w = { .t = t, .wg = t_wg(t), .n = 8 * t_ncpu() };
	if (!w.wg)
		return;
	t_progress(t, "many waiters, one Done");
	for (int round = 0; round < WAITER_ROUNDS && !t_failed(t); round++)
		waiters_round(t, &w);
}

static const struct tcase waitgroup_tests[] = {
	{ .name = "TestWaitGroup", .prim = CSP_PRIM_WAITGROUP, .body = test_waitgroup },
	{ .name = "TestWaitGroupMisuse", .prim = CSP_PRIM_WAITGROUP, .body = test_waitgroup_misuse,
		.direct = true },
	{ .name = "TestWaitGroupRace", .prim = CSP_PRIM_WAITGROUP, .body = test_waitgroup_race },
	{ .name = "TestWaitGroupWaitZero", .prim = CSP_PRIM_WAITGROUP,
		.body = test_waitgroup_wait_zero },
	{ .name = "TestWaitGroupPublishes", .prim = CSP_PRIM_WAITGROUP,
		.body = test_waitgroup_publishes },
	{ .name = "TestWaitGroupReuse", .prim = CSP_PRIM_WAITGROUP, .body = test_waitgroup_reuse },
	{ .name = "TestWaitGroupManyWaiters", .prim = CSP_PRIM_WAITGROUP,
		.body = test_waitgroup_many_waiters },
	{ 0 },
};
T_REGISTER(waitgroup_tests);
