/*
 * rwlock/RWLockMix (beyond Go; docs/benchmarks.md): one RW lock shared by `threads` tasks, with
 * a given share of writers.
 *
 * One operation: a task draws a number and, with probability write_pct %, takes the lock as a
 * writer (Lock, increment a shared word, Unlock), else as a reader (RLock, load the word,
 * RUnlock), so the lock guards something but the figure is still mostly the lock's own cost.
 * The tasks share b->n operations as RunParallel does. Go's RWMutexWrite100/Write10 are alike
 * with a fixed one-in-N pattern at GOMAXPROCS tasks; this sweeps both the thread count and the
 * ratio, where writer preference (a waiting writer stops new readers) shows from 1 % up.
 * The draw is the Go twin's (bench/go/rwlock.go): each task's own xorshift64 stream, seeded
 * from its index, `% 100`, inline. (It was csp_fastrandn: a call and a thread-local, about a
 * nanosecond more per operation than the Go side paid, on every implementation.)
 */
#include "bench.h"

struct mix {
	csp_rwlock *l;
	uint32_t write_pct;
	_Atomic int64_t shared; /* guarded by l */
	_Atomic int64_t sink;   /* the readers' sums, so their loads are kept */
};

static void mix_body(bench_pb *pb, void *arg)
{
	struct mix *x = arg;
	int64_t sum = 0;
	uint64_t rng = 0x9E3779B97F4A7C15u * (uint64_t)(pb->index + 1); /* never 0: odd times 1..procs */
	/* relaxed, all of them: the RW lock orders `shared` (its acquire/release pairs); atomics
	 * only so the null RW lock, which orders nothing, is not a data race. They compile to plain
	 * loads and stores. */
	while (b_next(pb)) {
		rng ^= rng << 13; /* xorshift64 (Marsaglia 2003), as bench/go/util.go's */
		rng ^= rng >> 7;
		rng ^= rng << 17;
		if (rng % 100 < x->write_pct) {
			csp_rwlock_lock(x->l);
			atomic_store_explicit(&x->shared,
				atomic_load_explicit(&x->shared, memory_order_relaxed) + 1,
				memory_order_relaxed);
			csp_rwlock_unlock(x->l);
		} else {
			csp_rwlock_rlock(x->l);
			sum += atomic_load_explicit(&x->shared, memory_order_relaxed);
			csp_rwlock_runlock(x->l);
		}
	}
	atomic_fetch_add_explicit(&x->sink, sum, memory_order_relaxed); /* read by nobody */
}

static void rwlock_mix(bench_b *b)
{
	struct mix x = { .l = b_rwlock(b), .write_pct = (uint32_t)b->arg[1] };
	if (!x.l)
		return;
	atomic_init(&x.shared, 0);
	atomic_init(&x.sink, 0);
	b->procs = (int)b->arg[0];
	b_run_parallel(b, mix_body, &x);
}

static const int64_t write_pct[] = { 0, 1, 10, 50, 100 };

/* threads × write_pct. Smoke: {1, ncpu} × {10}. Quick and full: every pair. */
static size_t mix_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	int64_t threads[8];
	size_t nt = bench_thread_counts(p, threads, 8), n = 0;
	for (size_t t = 0; t < nt; t++) {
		for (size_t w = 0; w < sizeof write_pct / sizeof write_pct[0]; w++) {
			if (p == BENCH_SMOKE && write_pct[w] != 10)
				continue;
			combos[n][0] = threads[t];
			combos[n][1] = write_pct[w];
			n++;
		}
	}
	return n;
}

static const struct bench_scenario s_mix = {
	.name = "RWLockMix", .prim = CSP_PRIM_RWLOCK, .run = rwlock_mix,
	.arg_names = { "threads", "write_pct" }, .args = mix_args,
};
BENCH_SCENARIO(s_mix)
