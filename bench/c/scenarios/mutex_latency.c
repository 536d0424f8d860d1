/*
 * mutex/MutexHandoff (beyond Go; docs/benchmarks.md): how long a contended mutex takes to pass
 * from the task that unlocks it to a task already waiting for it.
 *
 * `threads` tasks share one mutex; one operation is one hand-off. The protocol makes every
 * sample a real hand-off to a waiter that is blocked in lock(), not a barging re-lock:
 *
 *   1. A task announces that it is about to lock (waiting_since[me] = now), then locks.
 *   2. Holding the lock, it reads the slot and puts its own index in it: if the previous holder
 *      was another task, the sample is now - (that holder's csp_now() just before its unlock).
 *   3. It keeps the lock until some other task has been waiting for GRACE_NS. Spinning phases
 *      of the locks here are a few microseconds at most, so by then the waiter has parked if it
 *      ever parks: the sample is the cost of waking it (a pure spinner's is a cache-line
 *      transfer). Then it writes csp_now() to the slot and unlocks.
 *   4. It steps back: it does not lock again until another task holds the lock, so it cannot
 *      take the lock straight back.
 *
 * The slot is written and read only under the mutex, so it also checks that the mutex's
 * unlock/lock pair orders memory (ThreadSanitizer sees it). `owner` is read outside the lock in
 * step 4, hence atomic.
 *
 * Counters: p50_ns, p99_ns, p999_ns of the samples, and every sample in a log-linear histogram
 * (hist_<bucket> counters, bench/c/hist.h) from which the report draws the latency CDF. The time
 * per operation includes the grace period and says little; the latencies are the result.
 *
 * Nothing can hang: every wait on another task (3 and 4) gives up after GIVE_UP_NS, so a lock
 * that starves some task or spins while oversubscribed makes the run slow, not stuck; and a run
 * with no hand-off at all for STALL_NS stops and is reported failed. A null mutex excludes
 * nothing and has no hand-off to measure: it is not run.
 */
#include "bench.h"
#include "hist.h"
#include "stats.h"

#include <stdlib.h>

#define GRACE_NS (20 * CSP_MICROSECOND)
#define GIVE_UP_NS (10 * CSP_MILLISECOND)
#define STALL_NS (5 * CSP_SECOND)

struct handoff {
	csp_mutex *m;
	int threads;
	int64_t n;
	/* Protected by m. */
	int64_t t_unlock;  /* the last holder's csp_now() just before its unlock */
	int64_t taken;     /* samples taken */
	double *sample;    /* n of them */
	/* Read outside m. */
	_Atomic int owner; /* index of the last holder, -1 before the first */
	_Atomic bool stop;
	_Atomic bool stalled;
	_Atomic int64_t last_sample; /* csp_now() of the last sample (or of the start) */
	_Atomic int next_index;
	_Atomic int64_t *waiting_since; /* per task: when it announced its lock(); 0 when not */
};

/* Step 3: true once another task has been waiting for GRACE_NS (or waiting became pointless). */
static bool may_release(struct handoff *h, int me, int64_t held_since)
{
	int64_t now = csp_now();
	if (atomic_load(&h->stop) || now - held_since > GIVE_UP_NS)
		return true;
	for (int j = 0; j < h->threads; j++) {
		int64_t since = atomic_load(&h->waiting_since[j]);
		if (j != me && since != 0 && now - since >= GRACE_NS)
			return true;
	}
	return false;
}

static void handoff_task(void *arg)
{
	struct handoff *h = arg;
	/* relaxed: the index only has to be unique */
	int me = atomic_fetch_add_explicit(&h->next_index, 1, memory_order_relaxed);
	while (!atomic_load(&h->stop)) {
		if (csp_now() - atomic_load(&h->last_sample) > STALL_NS) {
			atomic_store(&h->stalled, true);
			atomic_store(&h->stop, true);
			break;
		}
		atomic_store(&h->waiting_since[me], csp_now());
		csp_mutex_lock(h->m);
		int64_t now = csp_now();
		atomic_store(&h->waiting_since[me], 0);
		/* relaxed: written only under m, which orders it for us */
		int prev = atomic_load_explicit(&h->owner, memory_order_relaxed);
		atomic_store(&h->owner, me); /* lets the previous holder step forward again (4) */
		if (prev >= 0 && prev != me && h->taken < h->n) {
			h->sample[h->taken++] = (double)(now - h->t_unlock);
			atomic_store(&h->last_sample, now);
			if (h->taken == h->n)
				atomic_store(&h->stop, true);
		}
		while (!may_release(h, me, now))
			csp_yield();
		h->t_unlock = csp_now();
		csp_mutex_unlock(h->m);
		for (int64_t t0 = csp_now(); atomic_load(&h->owner) == me && !atomic_load(&h->stop) &&
			csp_now() - t0 < GIVE_UP_NS;)
			csp_yield();
	}
}

static void mutex_handoff(bench_b *b)
{
	int threads = (int)b->arg[0];
	struct handoff h = {
		.m = b_mutex(b),
		.threads = threads,
		.n = b->n,
		.sample = malloc((size_t)b->n * sizeof(double)),
		.waiting_since = calloc((size_t)threads, sizeof *h.waiting_since),
	};
	atomic_init(&h.owner, -1);
	atomic_init(&h.stop, false);
	atomic_init(&h.stalled, false);
	atomic_init(&h.next_index, 0);
	if (!h.sample || !h.waiting_since)
		b_error(b, "out of memory");
	if (!h.m || b_failed(b))
		goto out;
	for (int i = 0; i < threads; i++)
		atomic_init(&h.waiting_since[i], 0);
	for (int64_t i = 0; i < b->n; i++)
		h.sample[i] = -1; /* touch every page now, not while timing */
	atomic_init(&h.last_sample, csp_now());
	b_reset_timer(b);
	for (int i = 0; i < threads; i++)
		b_go(b, handoff_task, &h);
	b_wait(b);
	b_stop_timer(b);
	if (atomic_load(&h.stalled))
		b_error(b, "no hand-off for %d s (%lld of %lld taken)", (int)(STALL_NS / CSP_SECOND),
			(long long)h.taken, (long long)h.n);
	struct bench_hist *hist = calloc(1, sizeof *hist);
	if (hist) {
		for (int64_t i = 0; i < h.taken; i++)
			bench_hist_add(hist, (int64_t)h.sample[i]);
		bench_hist_counters(b, hist);
		free(hist);
	}
	bench_sort(h.sample, (size_t)h.taken);
	b_counter(b, "p50_ns", bench_percentile(h.sample, (size_t)h.taken, 50), 0);
	b_counter(b, "p99_ns", bench_percentile(h.sample, (size_t)h.taken, 99), 0);
	b_counter(b, "p999_ns", bench_percentile(h.sample, (size_t)h.taken, 99.9), 0);
out:
	free(h.sample);
	free(h.waiting_since);
}

/* threads ∈ {2, 2·ncpu}; smoke: {2}. */
static size_t handoff_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	int64_t more = 2 * (int64_t)csp_ncpu();
	combos[0][0] = 2;
	combos[1][0] = more;
	return p == BENCH_SMOKE || more == 2 ? 1 : 2;
}

static const struct bench_scenario s_handoff = {
	.name = "MutexHandoff", .prim = CSP_PRIM_MUTEX, .run = mutex_handoff,
	.arg_names = { "threads" }, .args = handoff_args, .skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_handoff)
