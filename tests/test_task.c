/*
 * Conformance tests of the task runtimes (Go's goroutines, runtime.Gosched, time.Sleep and
 * WaitGroup.Go): csp_go, csp_yield, csp_sleep and csp_wg_go, run in the runtime of the family of
 * every registered WaitGroup implementation (OS threads for most; the coro family's scheduler).
 *
 * A task that waits for another here polls with csp_yield: in a runtime that runs its tasks on one
 * thread, that yield is what lets the awaited task run at all.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

enum {
	SPAWN_PER_CPU = 100, /* TestTaskSpawnMany: 200 tasks on two CPUs */
	SPAWN_MAX = 1000,    /* ... and no more, whatever the machine */
	CHAIN_LENGTH = 100,  /* tasks in TestTaskSpawnNested's chain */
	WG_GO_YIELDS = 3,    /* yields in a csp_wg_go task before it records that it ran */
};

#define YIELD_PROGRESS_SLEEP (10 * CSP_MILLISECOND) /* Go's TestYieldProgress */
#define SLEEP_CONCURRENT (100 * CSP_MILLISECOND)
/* How much longer than asked a sleep may take before the test calls it wrong: enough for a stalled
 * machine, far less than a unit mistake (20 ms slept as 20 s) would give. */
#define SLEEP_SLACK (2 * CSP_SECOND)

/* Yield until *flag is set; false (after recording the failure) at the test's deadline. */
static bool yield_until(tctx *t, _Atomic int *flag, const char *what)
{
	while (!atomic_load(flag)) {
		if (csp_now() > t->deadline || t_failed(t)) {
			t_fail(t, "a yielding task timed out waiting for: %s", what);
			return false;
		}
		csp_yield();
	}
	return true;
}

/* ---- Yield ----------------------------------------------------------------------------------- */

struct yield_progress {
	tctx *t;
	_Atomic int c;    /* Go's channel c: the test tells the task to stop */
	_Atomic int cack; /* Go's channel cack: the task acknowledges */
};

static void yield_progress_task(void *arg)
{
	struct yield_progress *y = arg;
	if (yield_until(y->t, &y->c, "the sleeping test to tell it to stop"))
		atomic_store(&y->cack, 1);
}

/* runtime/proc_test.go TestYieldProgress: a task that only yields must let a sleeping task wake
 * up and run, and must itself see what that task then does. */
static void test_yield_progress(tctx *t)
{
	struct yield_progress y = { .t = t };
	tgroup g = { 0 };
	t_progress(t, "a task yields in a loop while the test sleeps");
	if (!t_go(t, &g, yield_progress_task, &y))
		return;
	csp_sleep(YIELD_PROGRESS_SLEEP);
	atomic_store(&y.c, 1);
	t_wait_flag(t, &y.cack, "the yielding task to acknowledge");
	t_wait(t, &g, "the yielding task to return");
}

struct turns {
	tctx *t;
	int64_t rounds;
	_Atomic int turn;     /* whose turn it is: 0 or 1 */
	int64_t count;        /* plain: passed between the two tasks with the turn */
	_Atomic int ready[2]; /* yield_until's flags, one per task, set when it is its turn */
};

static void turns_task(void *arg, int me)
{
	struct turns *s = arg;
	for (int64_t i = 0; i < s->rounds; i++) {
		if (!yield_until(s->t, &s->ready[me], "its turn"))
			return;
		atomic_store(&s->ready[me], 0);
		if (atomic_load(&s->turn) != me) {
			t_fail(s->t, "task %d ran out of turn", me);
			return;
		}
		s->count++;
		atomic_store(&s->turn, 1 - me);
		atomic_store(&s->ready[1 - me], 1);
	}
}

static void turns_task0(void *arg)
{
	turns_task(arg, 0);
}

static void turns_task1(void *arg)
{
	turns_task(arg, 1);
}

/* Go's runtime.Gosched lets the other runnable goroutines run: two tasks take turns, each waiting
 * for its turn only by yielding, many times over. */
static void test_yield_turns(tctx *t)
{
	struct turns s = { .t = t, .rounds = t_iters(2000) };
	atomic_store(&s.ready[0], 1);
	tgroup g = { 0 };
	t_progress(t, "two tasks take turns by yielding");
	if (t_go(t, &g, turns_task0, &s))
		t_go(t, &g, turns_task1, &s);
	if (!t_wait(t, &g, "two tasks taking turns") || t_failed(t))
		return;
	T_CHECK_EQ(t, s.count, 2 * s.rounds);
}

/* ---- Spawning -------------------------------------------------------------------------------- */

struct spawn_many {
	tctx *t;
	csp_waitgroup *gate; /* holds every task until all have started */
	int n;
	_Atomic int started;
	_Atomic int all_started;
	_Atomic int passed; /* tasks past the gate */
};

struct spawned {
	struct spawn_many *s;
	_Atomic int runs; /* times a task ran with this argument */
};

static void spawned_task(void *arg)
{
	struct spawned *me = arg;
	struct spawn_many *s = me->s;
	atomic_fetch_add(&me->runs, 1);
	if (atomic_fetch_add(&s->started, 1) + 1 == s->n)
		atomic_store(&s->all_started, 1);
	csp_wg_wait(s->gate);
	atomic_fetch_add(&s->passed, 1);
}

/* Go runs any number of goroutines at once: 200 tasks (100 per CPU), all alive together, each
 * blocked until the last has started; each must run exactly once, with its own argument. */
static void test_task_spawn_many(tctx *t)
{
	int n = SPAWN_PER_CPU * t_ncpu() < SPAWN_MAX ? SPAWN_PER_CPU * t_ncpu() : SPAWN_MAX;
	struct spawn_many s = { .t = t, .gate = t_wg(t), .n = n };
	struct spawned *tasks = calloc((size_t)n, sizeof *tasks);
	if (!tasks)
		t_fail(t, "out of memory");
	if (!s.gate || !tasks) {
		free(tasks);
		return;
	}
	t_progress(t, "spawning tasks that wait for the last one");
	csp_wg_add(s.gate, 1);
	tgroup g = { 0 };
	int spawned = 0;
	for (; spawned < n; spawned++) {
		tasks[spawned].s = &s;
		if (!t_go(t, &g, spawned_task, &tasks[spawned]))
			break;
	}
	bool all = spawned == n && t_wait_flag(t, &s.all_started, "every task to start");
	int early = atomic_load(&s.passed);
	csp_wg_done(s.gate);
	t_progress(t, "tasks released");
	if (!t_wait(t, &g, "the tasks to finish"))
		return; /* tasks is leaked: they may still use it */
	for (int i = 0; all && i < n; i++)
		if (atomic_load(&tasks[i].runs) != 1)
			t_fail(t, "task %d of %d ran %d times", i, n, atomic_load(&tasks[i].runs));
	free(tasks);
	T_CHECK(t, early == 0, "%d task(s) passed the gate before it opened", early);
}

struct chain {
	tctx *t;
	_Atomic int hops;
	_Atomic int done;
};

/* One link: count itself, then start the next link from inside this task. */
static void chain_task(void *arg)
{
	struct chain *c = arg;
	if (atomic_fetch_add(&c->hops, 1) + 1 == CHAIN_LENGTH) {
		atomic_store(&c->done, 1);
		return;
	}
	int rc = csp_go(chain_task, c);
	if (rc != 0) {
		t_fail(c->t, "csp_go from a task failed: %s", strerror(rc));
		atomic_store(&c->done, 1);
	}
}

/* Go's `go` works from any goroutine: a chain of 100 tasks, each started by the previous one with
 * csp_go (not through the harness), each getting the argument it was given. */
static void test_task_spawn_nested(tctx *t)
{
	struct chain c = { .t = t };
	t_progress(t, "a chain of tasks, each started by the previous one");
	int rc = csp_go(chain_task, &c);
	T_CHECK(t, rc == 0, "csp_go failed: %s", strerror(rc));
	if (!t_wait_flag(t, &c.done, "the last task of the chain"))
		return;
	T_CHECK_EQ(t, atomic_load(&c.hops), CHAIN_LENGTH);
}

/* ---- Sleep ----------------------------------------------------------------------------------- */

/* Sleep for d and check the time it took: at least d (wall time), and not far beyond (not
 * counting the time spent waiting for a CPU: t_watch). */
static void check_sleep(tctx *t, csp_duration d)
{
	twatch w;
	t_watch_start(&w);
	csp_sleep(d);
	int64_t queued, busy_took = t_watch_stop(&w, &queued), took = busy_took + queued;
	T_CHECK(t, took >= d, "csp_sleep(%lld ns) returned after %lld ns", (long long)d,
		(long long)took);
	csp_duration want = d > 0 ? d : 0;
	T_CHECK(t, busy_took < want + SLEEP_SLACK, "csp_sleep(%lld ns) took %.3f s (%.3f s more "
		"spent waiting for a CPU, not counted)", (long long)d, (double)busy_took / CSP_SECOND,
		(double)queued / CSP_SECOND);
}

/* Go's time.Sleep "pauses the current goroutine for at least the duration d"; a duration of zero
 * or less returns at once. */
static void test_sleep_duration(tctx *t)
{
	static const csp_duration durations[] = {
		-CSP_MILLISECOND, 0, CSP_MICROSECOND, CSP_MILLISECOND, 3 * CSP_MILLISECOND,
		20 * CSP_MILLISECOND,
	};
	t_progress(t, "sleeping");
	for (size_t i = 0; i < sizeof durations / sizeof durations[0] && !t_failed(t); i++)
		check_sleep(t, durations[i]);
}

static void sleeper_task(void *arg)
{
	check_sleep(arg, SLEEP_CONCURRENT);
}

/* Go's time.Sleep parks only the calling goroutine: four tasks per CPU sleeping 100 ms each
 * together take about 100 ms, not their sum (the bound is half the sum). */
static void test_sleep_concurrent(tctx *t)
{
	int n = 4 * t_ncpu();
	tgroup g = { 0 };
	t_progress(t, "tasks sleeping at the same time");
	twatch w;
	t_watch_start(&w);
	for (int i = 0; i < n && t_go(t, &g, sleeper_task, t); i++)
		;
	bool woke = t_wait(t, &g, "the sleeping tasks");
	int64_t queued, took = t_watch_stop(&w, &queued);
	if (!woke || t_failed(t))
		return;
	T_CHECK(t, took < n * SLEEP_CONCURRENT / 2, "%d tasks sleeping %lld ms each took %lld ms "
		"together (%lld ms more spent waiting for a CPU, not counted)", n,
		(long long)(SLEEP_CONCURRENT / CSP_MILLISECOND), (long long)(took / CSP_MILLISECOND),
		(long long)(queued / CSP_MILLISECOND));
}

/* ---- csp_wg_go ------------------------------------------------------------------------------- */

struct wg_go_arg {
	csp_waitgroup *wg;
	struct wg_go_arg *child; /* NULL, or an argument to start one more task with, from this one */
	struct wg_go_arg *seen;  /* plain: the argument the task got, written when it ran */
	int rc;                  /* plain: csp_wg_go's result for the child */
};

static void wg_go_task(void *arg)
{
	struct wg_go_arg *a = arg;
	if (a->child)
		a->rc = csp_wg_go(a->wg, wg_go_task, a->child); /* the counter is >= 1: our own */
	for (int i = 0; i < WG_GO_YIELDS; i++)
		csp_yield(); /* a Done that came before fn returned would let Wait see seen unset */
	a->seen = a;
}

/* Go 1.25's WaitGroup.Go: Add(1), then run fn(arg) in a new task and call Done when it returns.
 * Half the tasks start a child with csp_wg_go from inside the group. After Wait, every task ran
 * with its argument; then Wait on the zeroed counter returns at once. */
static void test_wg_go(tctx *t)
{
	int n = 4 * t_ncpu();
	csp_waitgroup *wg = t_wg(t);
	struct wg_go_arg *args = calloc(2 * (size_t)n, sizeof *args);
	if (!args)
		t_fail(t, "out of memory");
	if (!wg || !args) {
		free(args);
		return;
	}
	t_progress(t, "tasks started with csp_wg_go, then Wait");
	int started = 0;
	for (; started < n; started++) {
		struct wg_go_arg *a = &args[started], *child = &args[n + started];
		*a = (struct wg_go_arg){ .wg = wg, .child = started % 2 ? child : NULL };
		child->wg = wg;
		int rc = csp_wg_go(wg, wg_go_task, a);
		if (rc != 0) {
			t_fail(t, "csp_wg_go failed: %s", strerror(rc));
			break;
		}
	}
	csp_wg_wait(wg);
	for (int i = 0; i < started && !t_failed(t); i++) {
		const struct wg_go_arg *a = &args[i], *child = a->child;
		T_CHECK(t, a->seen == a, "after Wait, task %d had not run with its argument", i);
		T_CHECK(t, !child || a->rc == 0, "csp_wg_go from a task failed: %s", strerror(a->rc));
		T_CHECK(t, !child || child->seen == child, "after Wait, the child of task %d had not "
			"run with its argument", i);
	}
	t_progress(t, "Wait on the zeroed counter");
	csp_wg_wait(wg);
	free(args);
}

static const struct tcase task_tests[] = {
	{ .name = "TestYieldProgress", .prim = CSP_PRIM_WAITGROUP, .body = test_yield_progress },
	{ .name = "TestYieldTurns", .prim = CSP_PRIM_WAITGROUP, .body = test_yield_turns },
	{ .name = "TestTaskSpawnMany", .prim = CSP_PRIM_WAITGROUP, .body = test_task_spawn_many },
	{ .name = "TestTaskSpawnNested", .prim = CSP_PRIM_WAITGROUP,
		.body = test_task_spawn_nested },
	{ .name = "TestSleepDuration", .prim = CSP_PRIM_WAITGROUP, .body = test_sleep_duration },
	{ .name = "TestSleepConcurrent", .prim = CSP_PRIM_WAITGROUP,
		.body = test_sleep_concurrent },
	{ .name = "TestWgGo", .prim = CSP_PRIM_WAITGROUP, .body = test_wg_go },
	{ 0 },
};
T_REGISTER(task_tests);
