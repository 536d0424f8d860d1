/*
 * mutex/MutexThroughput (beyond Go; docs/benchmarks.md): throughput and fairness of one mutex
 * over a sweep of thread counts × critical-section lengths.
 *
 * `threads` tasks share one mutex. One operation: lock, ~cs_ns of local work, unlock, then
 * ~100 ns of local work outside (so a releasing task does not always win the lock straight
 * back just by being first in line). The run stops when b->n acquisitions have been made in all;
 * the total is kept inside the critical section, where it costs nothing extra.
 *
 * Counters:
 *   jain    Jain's fairness index of the tasks' acquisition counts x_i:
 *           (sum x_i)^2 / (threads * sum x_i^2); 1 when every task got the same share, 1/threads
 *           when one task got them all.
 *   minmax  max x_i / min x_i. A task that never got the lock counts as 1 acquisition, so the
 *           ratio stays finite (it then equals the largest count).
 *
 * Fair start: every task waits at a gate until all have started, and the timer is reset there,
 * so early-spawned tasks get no head start (thread creation takes ~30 us here); then they wait
 * once more until every one of them has seen the gate open, so none starts while another is
 * still waiting for a CPU to notice (on a busy machine that took milliseconds).
 *
 * Honest nanoseconds: b_work(units) costs ~0.5-1 ns per unit depending on the machine, so the
 * first run measures it (the fastest of CAL_TRIALS timed runs of CAL_UNITS units: the unloaded
 * cost) and converts cs_ns and the 100 ns outside into units with that figure.
 */
#include "bench.h"

#include <stdlib.h>

#define OUTSIDE_NS 100
#define CAL_UNITS (1 << 18) /* ~0.2 ms: short enough that most trials see no preemption */
#define CAL_TRIALS 16
#define GATE_TIMEOUT_NS (2 * CSP_SECOND)

/* Picoseconds per b_work unit; 0 until measured. */
static _Atomic int64_t work_ps_per_unit;

static int64_t ps_per_unit(void)
{
	/* relaxed: the value is complete by itself, and two tasks measuring it at once is harmless */
	int64_t ps = atomic_load_explicit(&work_ps_per_unit, memory_order_relaxed);
	if (ps > 0)
		return ps;
	int64_t best = INT64_MAX;
	for (int i = 0; i < CAL_TRIALS; i++) {
		int64_t t0 = csp_now();
		b_work(CAL_UNITS);
		int64_t t = csp_now() - t0;
		best = t < best ? t : best;
	}
	ps = best * 1000 / CAL_UNITS;
	ps = ps < 1 ? 1 : ps;
	atomic_store_explicit(&work_ps_per_unit, ps, memory_order_relaxed); /* see the load above */
	return ps;
}

static int units_for_ns(int64_t ns)
{
	int64_t ps = ps_per_unit();
	return (int)((ns * 1000 + ps / 2) / ps);
}

struct matrix {
	csp_mutex *m;
	int64_t n;
	int cs_units, outside_units;
	_Atomic int64_t total;  /* acquisitions so far, updated in the critical section */
	_Atomic int next_index; /* hands out task indexes */
	_Atomic int started;    /* the gate: tasks that arrived */
	_Atomic bool open;      /* the gate: set by the body once all arrived */
	_Atomic int running;    /* tasks that saw the gate open */
	int threads;
	int64_t *count;         /* per task, written by its task before it finishes */
};

static void matrix_task(void *arg)
{
	struct matrix *x = arg;
	/* relaxed: the index only has to be unique */
	int me = atomic_fetch_add_explicit(&x->next_index, 1, memory_order_relaxed);
	atomic_fetch_add(&x->started, 1);
	/* Bounded: if b_go() failed, it ran a task inline in the body, which then never opens the
	 * gate; the run is reported failed, and must not hang. */
	for (int64_t t0 = csp_now(); !atomic_load(&x->open);) {
		if (csp_now() - t0 > GATE_TIMEOUT_NS)
			atomic_store(&x->open, true);
		csp_yield();
	}
	atomic_fetch_add(&x->running, 1);
	for (int64_t t0 = csp_now(); atomic_load(&x->running) < x->threads;) {
		if (csp_now() - t0 > GATE_TIMEOUT_NS)
			break;
		csp_yield();
	}
	int64_t mine = 0;
	for (;;) {
		csp_mutex_lock(x->m);
		/* relaxed: the mutex orders `total` between tasks (its acquire/release pair); an atomic
		 * only so the null mutex, which orders nothing, is not a data race. */
		int64_t t = atomic_load_explicit(&x->total, memory_order_relaxed);
		if (t >= x->n) {
			csp_mutex_unlock(x->m);
			break;
		}
		atomic_store_explicit(&x->total, t + 1, memory_order_relaxed);
		b_work(x->cs_units);
		csp_mutex_unlock(x->m);
		mine++;
		b_work(x->outside_units);
	}
	x->count[me] = mine; /* read by the body after b_wait(), which orders it */
}

static void mutex_throughput(bench_b *b)
{
	int threads = (int)b->arg[0];
	struct matrix x = {
		.m = b_mutex(b),
		.n = b->n,
		.cs_units = units_for_ns(b->arg[1]),
		.outside_units = units_for_ns(OUTSIDE_NS),
		.count = calloc((size_t)threads, sizeof *x.count),
		.threads = threads,
	};
	atomic_init(&x.total, 0);
	atomic_init(&x.next_index, 0);
	atomic_init(&x.started, 0);
	atomic_init(&x.open, false);
	atomic_init(&x.running, 0);
	if (!x.count)
		b_error(b, "out of memory");
	if (!x.m || !x.count) {
		free(x.count);
		return;
	}
	for (int i = 0; i < threads; i++)
		b_go(b, matrix_task, &x);
	while (atomic_load(&x.started) < threads)
		csp_yield();
	b_reset_timer(b);
	atomic_store(&x.open, true);
	b_wait(b);
	b_stop_timer(b);

	double sum = 0, sum_sq = 0, min = (double)INT64_MAX, max = 0;
	for (int i = 0; i < threads; i++) {
		double c = (double)x.count[i];
		sum += c;
		sum_sq += c * c;
		min = c < min ? c : min;
		max = c > max ? c : max;
	}
	b_counter(b, "jain", sum_sq > 0 ? sum * sum / (threads * sum_sq) : 1, 0);
	b_counter(b, "minmax", max / (min < 1 ? 1 : min), 0);
	free(x.count);
}

static const int64_t cs_ns[] = { 0, 50, 200, 2000 };

/* threads × cs_ns. Smoke: {1, ncpu} × {200}. Quick and full: every pair. */
static size_t matrix_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	int64_t threads[8];
	size_t nt = bench_thread_counts(p, threads, 8), n = 0;
	for (size_t t = 0; t < nt; t++) {
		for (size_t c = 0; c < sizeof cs_ns / sizeof cs_ns[0]; c++) {
			if (p == BENCH_SMOKE && cs_ns[c] != 200)
				continue;
			combos[n][0] = threads[t];
			combos[n][1] = cs_ns[c];
			n++;
		}
	}
	return n;
}

static const struct bench_scenario s_throughput = {
	.name = "MutexThroughput", .prim = CSP_PRIM_MUTEX, .run = mutex_throughput,
	.arg_names = { "threads", "cs_ns" }, .args = matrix_args,
};
BENCH_SCENARIO(s_throughput)
