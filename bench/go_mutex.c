/*
 * Go's sync.Mutex benchmarks (sync/mutex_test.go, Go 1.19), one-to-one: the same loop bodies and
 * the same parallelism (RunParallel over GOMAXPROCS tasks; SetParallelism(10) for the Slack
 * variants), under Go's names.
 */
#include "bench.h"

/* BenchmarkMutexUncontended: each task locks its own mutex. */
static void uncontended_body(bench_pb *pb, void *arg)
{
	bench_b *b = arg;
	csp_mutex *m = b_mutex(b); /* per task, as Go's per-goroutine PaddedMutex */
	if (!m)
		return;
	while (b_next(pb)) {
		csp_mutex_lock(m);
		csp_mutex_unlock(m);
	}
}

static void mutex_uncontended(bench_b *b)
{
	b_run_parallel(b, uncontended_body, b);
}

struct contended {
	csp_mutex *m;
	bool work;
};

/* benchmarkMutex(b, slack, work): all tasks share one mutex; `work` adds Go's 100-step loop. */
static void contended_body(bench_pb *pb, void *arg)
{
	struct contended *c = arg;
	while (b_next(pb)) {
		csp_mutex_lock(c->m);
		csp_mutex_unlock(c->m);
		if (c->work)
			b_work(100);
	}
}

static void run_contended(bench_b *b, bool slack, bool work)
{
	struct contended c = { b_mutex(b), work };
	if (!c.m)
		return;
	if (slack)
		b->procs *= 10; /* b.SetParallelism(10) */
	b_run_parallel(b, contended_body, &c);
}

static void mutex(bench_b *b) { run_contended(b, false, false); }
static void mutex_slack(bench_b *b) { run_contended(b, true, false); }
static void mutex_work(bench_b *b) { run_contended(b, false, true); }
static void mutex_work_slack(bench_b *b) { run_contended(b, true, true); }

static const struct bench_scenario s_uncontended = {
	.name = "MutexUncontended", .prim = CSP_PRIM_MUTEX, .go_origin = true,
	.run = mutex_uncontended,
};
static const struct bench_scenario s_mutex = {
	.name = "Mutex", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex,
};
static const struct bench_scenario s_slack = {
	.name = "MutexSlack", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex_slack,
};
static const struct bench_scenario s_work = {
	.name = "MutexWork", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex_work,
};
static const struct bench_scenario s_work_slack = {
	.name = "MutexWorkSlack", .prim = CSP_PRIM_MUTEX, .go_origin = true,
	.run = mutex_work_slack,
};
BENCH_SCENARIO(s_uncontended)
BENCH_SCENARIO(s_mutex)
BENCH_SCENARIO(s_slack)
BENCH_SCENARIO(s_work)
BENCH_SCENARIO(s_work_slack)
