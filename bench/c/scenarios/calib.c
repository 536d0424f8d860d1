/*
 * Calibration (docs/benchmarks.md, "Calibration"): Go's 100-step local work loop alone, so a run
 * can check that the C ports of Go's benchmarks do the same local work as Go's compiled code and
 * that the harness's RunParallel costs no more than Go's. csplab's Go program has the same three
 * scenarios (bench/go/calib.go); the rows share a comparison, `calib/<Scenario>`.
 *
 *   calib/LocalWork          one task; one operation is b_work_dead(100), the loop of MutexWork
 *                            and WaitGroup*Work as Go compiles it (foo dead: a counting loop)
 *   calib/LocalWorkLive      one task; one operation is b_work_live(foo, 100), the loop of
 *                            RWMutexWork* and ChanProdConsWork* (foo live: the arithmetic stays)
 *   calib/LocalWorkParallel  b_run_parallel over b->procs tasks, each iteration b_work_dead(100):
 *                            what MutexWork costs without its mutex
 *
 * They synchronise nothing, so they run once, on the null implementation ("null"); the mutex
 * primitive only gives them a place in the registry.
 */
#include "bench.h"

enum { GO_WORK_STEPS = 100 }; /* the loop count in Go's sync tests */

static void local_work(bench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		b_work_dead(GO_WORK_STEPS);
}

static void local_work_live(bench_b *b)
{
	int64_t foo = 0;
	for (int64_t i = 0; i < b->n; i++)
		foo = b_work_live(foo, GO_WORK_STEPS);
	if (foo != 0) /* keeps foo read after the loop, as Go's `c <- foo == 42` does */
		b_error(b, "the work loop changed its value (%lld)", (long long)foo);
}

static void parallel_body(bench_pb *pb, void *arg)
{
	(void)arg;
	while (b_next(pb))
		b_work_dead(GO_WORK_STEPS);
}

static void local_work_parallel(bench_b *b)
{
	b_run_parallel(b, parallel_body, NULL);
}

static const struct bench_scenario s_local_work = {
	.name = "LocalWork", .prim = CSP_PRIM_MUTEX, .run = local_work,
	.only_props = CSP_PROP_NULL, .group = "calib",
};
static const struct bench_scenario s_local_work_live = {
	.name = "LocalWorkLive", .prim = CSP_PRIM_MUTEX, .run = local_work_live,
	.only_props = CSP_PROP_NULL, .group = "calib",
};
static const struct bench_scenario s_local_work_parallel = {
	.name = "LocalWorkParallel", .prim = CSP_PRIM_MUTEX, .run = local_work_parallel,
	.only_props = CSP_PROP_NULL, .group = "calib",
};
BENCH_SCENARIO(s_local_work)
BENCH_SCENARIO(s_local_work_live)
BENCH_SCENARIO(s_local_work_parallel)
