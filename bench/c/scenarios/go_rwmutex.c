/*
 * Go's sync.RWMutex benchmarks (sync/rwmutex_test.go, Go 1.19), one-to-one: the same loop bodies
 * and the same parallelism (RunParallel over GOMAXPROCS tasks), under Go's names.
 *
 *   RWMutexUncontended   each task its own lock: RLock, RLock, RUnlock, RUnlock, Lock, Unlock
 *   RWMutexWrite100      one shared lock; every 100th iteration a writer, else an empty reader
 *   RWMutexWrite10       the same, every 10th
 *   RWMutexWorkWrite100  readers do Go's 100-step local work loop while holding the read lock
 *   RWMutexWorkWrite10
 *
 * Go's `foo` is an int (64 bits) that picks the writers and is then read, so its work loop keeps
 * the arithmetic: b_work_live (bench.h), and `foo % writeRatio` a 64-bit division, as in Go.
 */
#include "bench.h"

/* BenchmarkRWMutexUncontended: Go pads each task's lock; ours start on their own cache line. */
static void uncontended_body(bench_pb *pb, void *arg)
{
	csp_rwlock *l = b_rwlock(arg);
	if (!l)
		return;
	while (b_next(pb)) {
		csp_rwlock_rlock(l);
		csp_rwlock_rlock(l);
		csp_rwlock_runlock(l);
		csp_rwlock_runlock(l);
		csp_rwlock_lock(l);
		csp_rwlock_unlock(l);
	}
}

static void rwmutex_uncontended(bench_b *b)
{
	b_run_parallel(b, uncontended_body, b);
}

struct mixed {
	csp_rwlock *l;
	int64_t local_work;
	int64_t write_ratio;
};

/* benchmarkRWMutex(b, localWork, writeRatio). Go's `foo` (an int: 64 bits) both picks the writer
 * iterations, one 64-bit division (IDIVQ) an iteration, and is the work loop's variable, which is
 * therefore live: the loop keeps its arithmetic (b_work_live), and leaves foo unchanged. */
static void mixed_body(bench_pb *pb, void *arg)
{
	const struct mixed *c = arg;
	int64_t foo = 0;
	while (b_next(pb)) {
		foo++;
		if (foo % c->write_ratio == 0) {
			csp_rwlock_lock(c->l);
			csp_rwlock_unlock(c->l);
		} else {
			csp_rwlock_rlock(c->l);
			foo = b_work_live(foo, c->local_work);
			csp_rwlock_runlock(c->l);
		}
	}
}

static void run_mixed(bench_b *b, int local_work, int write_ratio)
{
	struct mixed c = { b_rwlock(b), local_work, write_ratio };
	if (c.l)
		b_run_parallel(b, mixed_body, &c);
}

static void rwmutex_write100(bench_b *b) { run_mixed(b, 0, 100); }
static void rwmutex_write10(bench_b *b) { run_mixed(b, 0, 10); }
static void rwmutex_work_write100(bench_b *b) { run_mixed(b, 100, 100); }
static void rwmutex_work_write10(bench_b *b) { run_mixed(b, 100, 10); }

static const struct bench_scenario s_uncontended = {
	.name = "RWMutexUncontended", .prim = CSP_PRIM_RWLOCK, .go_origin = true,
	.run = rwmutex_uncontended,
};
static const struct bench_scenario s_write100 = {
	.name = "RWMutexWrite100", .prim = CSP_PRIM_RWLOCK, .go_origin = true,
	.run = rwmutex_write100,
};
static const struct bench_scenario s_write10 = {
	.name = "RWMutexWrite10", .prim = CSP_PRIM_RWLOCK, .go_origin = true,
	.run = rwmutex_write10,
};
static const struct bench_scenario s_work_write100 = {
	.name = "RWMutexWorkWrite100", .prim = CSP_PRIM_RWLOCK, .go_origin = true,
	.run = rwmutex_work_write100,
};
static const struct bench_scenario s_work_write10 = {
	.name = "RWMutexWorkWrite10", .prim = CSP_PRIM_RWLOCK, .go_origin = true,
	.run = rwmutex_work_write10,
};
BENCH_SCENARIO(s_uncontended)
BENCH_SCENARIO(s_write100)
BENCH_SCENARIO(s_write10)
BENCH_SCENARIO(s_work_write100)
BENCH_SCENARIO(s_work_write10)
