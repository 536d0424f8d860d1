/*
 * Go's sync.WaitGroup benchmarks (sync/waitgroup_test.go, Go 1.19), one-to-one: the same loop
 * bodies and the same parallelism (RunParallel over GOMAXPROCS tasks), under Go's names.
 *
 *   WaitGroupUncontended   each task its own group: Add(1), Done, Wait
 *   WaitGroupAddDone       one shared group: Add(1), Done
 *   WaitGroupAddDoneWork   the same with Go's 100-step local work loop between them
 *   WaitGroupWait          one shared group at zero: Wait
 *   WaitGroupWaitWork      the same with the work loop after each Wait
 *   WaitGroupActuallyWait  Add(1), spawn a task that calls Done, Wait
 *
 * The work loop's `foo` is never read (`_ = foo`), so Go compiles the loop to a bare counting
 * loop, INCQ/CMPQ/JL, without the arithmetic: b_work_dead, the same loop.
 *
 * One difference, in WaitGroupActuallyWait: Go declares a fresh WaitGroup per iteration and its
 * garbage collector keeps it alive while the spawned goroutine may still be inside Done. Here
 * each task reuses one group (a group is reusable once its Wait returned), so the port does not
 * depend on an implementation tolerating its group being freed the moment Wait returns. The
 * allocation Go counts is tiny beside the spawn either way.
 *
 * The null waitgroup does not run WaitGroupActuallyWait: its Wait does not wait, so spawned
 * tasks would outlive the run that owns their group.
 */
#include "bench.h"

#include <string.h>

/* BenchmarkWaitGroupUncontended: Go pads each task's group; ours start on their own line. */
static void uncontended_body(bench_pb *pb, void *arg)
{
	csp_waitgroup *wg = b_wg(arg);
	if (!wg)
		return;
	while (b_next(pb)) {
		csp_wg_add(wg, 1);
		csp_wg_done(wg);
		csp_wg_wait(wg);
	}
}

static void wg_uncontended(bench_b *b)
{
	b_run_parallel(b, uncontended_body, b);
}

struct shared {
	csp_waitgroup *wg;
	int local_work;
};

/* benchmarkWaitGroupAddDone(b, localWork) */
static void add_done_body(bench_pb *pb, void *arg)
{
	const struct shared *s = arg;
	while (b_next(pb)) {
		csp_wg_add(s->wg, 1);
		b_work_dead(s->local_work);
		csp_wg_done(s->wg);
	}
}

/* benchmarkWaitGroupWait(b, localWork) */
static void wait_body(bench_pb *pb, void *arg)
{
	const struct shared *s = arg;
	while (b_next(pb)) {
		csp_wg_wait(s->wg);
		b_work_dead(s->local_work);
	}
}

static void run_shared(bench_b *b, void (*body)(bench_pb *, void *), int local_work)
{
	struct shared s = { b_wg(b), local_work };
	if (s.wg)
		b_run_parallel(b, body, &s);
}

static void wg_add_done(bench_b *b) { run_shared(b, add_done_body, 0); }
static void wg_add_done_work(bench_b *b) { run_shared(b, add_done_body, 100); }
static void wg_wait(bench_b *b) { run_shared(b, wait_body, 0); }
static void wg_wait_work(bench_b *b) { run_shared(b, wait_body, 100); }

/* BenchmarkWaitGroupActuallyWait */
struct actually {
	bench_b *b;
	_Atomic int spawn_error; /* the first errno of a failed spawn, reported by the body */
};

static void done_task(void *wg)
{
	csp_wg_done(wg);
}

static void actually_wait_body(bench_pb *pb, void *arg)
{
	struct actually *a = arg;
	csp_waitgroup *wg = b_wg(a->b);
	if (!wg)
		return;
	while (b_next(pb)) {
		csp_wg_add(wg, 1);
		int rc = csp_go(done_task, wg);
		if (rc != 0) {
			int none = 0;
			atomic_compare_exchange_strong(&a->spawn_error, &none, rc);
			csp_wg_done(wg);
			break;
		}
		csp_wg_wait(wg);
	}
}

static void wg_actually_wait(bench_b *b)
{
	struct actually a = { .b = b };
	atomic_init(&a.spawn_error, 0);
	b_run_parallel(b, actually_wait_body, &a);
	int rc = atomic_load(&a.spawn_error);
	if (rc != 0)
		b_error(b, "cannot spawn a task: %s", strerror(rc));
}

static const struct bench_scenario s_uncontended = {
	.name = "WaitGroupUncontended", .prim = CSP_PRIM_WAITGROUP, .go_origin = true,
	.run = wg_uncontended,
};
static const struct bench_scenario s_add_done = {
	.name = "WaitGroupAddDone", .prim = CSP_PRIM_WAITGROUP, .go_origin = true,
	.run = wg_add_done,
};
static const struct bench_scenario s_add_done_work = {
	.name = "WaitGroupAddDoneWork", .prim = CSP_PRIM_WAITGROUP, .go_origin = true,
	.run = wg_add_done_work,
};
static const struct bench_scenario s_wait = {
	.name = "WaitGroupWait", .prim = CSP_PRIM_WAITGROUP, .go_origin = true, .run = wg_wait,
};
static const struct bench_scenario s_wait_work = {
	.name = "WaitGroupWaitWork", .prim = CSP_PRIM_WAITGROUP, .go_origin = true,
	.run = wg_wait_work,
};
static const struct bench_scenario s_actually_wait = {
	.name = "WaitGroupActuallyWait", .prim = CSP_PRIM_WAITGROUP, .go_origin = true,
	.run = wg_actually_wait, .skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_uncontended)
BENCH_SCENARIO(s_add_done)
BENCH_SCENARIO(s_add_done_work)
BENCH_SCENARIO(s_wait)
BENCH_SCENARIO(s_wait_work)
BENCH_SCENARIO(s_actually_wait)
