/*
 * A latency histogram of every sample, HdrHistogram-style: log-linear buckets, HIST_SUB of them
 * per power of two, so a bucket is at most 1/HIST_SUB (6.25 %) of its values wide at any
 * magnitude, and recording is an index computation and an increment.
 *
 * Bucket index of a value v in ns (v < 0 counts as 0):
 *   v < HIST_SUB:  v itself (one bucket per nanosecond);
 *   otherwise:     e = floor(log2 v), m = the HIST_SUB_BITS bits below the leading one,
 *                  index = (e - HIST_SUB_BITS + 1) * HIST_SUB + m.
 * Bucket i covers [bench_hist_low(i), bench_hist_low(i + 1)). The Go side (bench/go/hist.go) and
 * the report (bench/py/csplab_bench/report/latency.py) use the same formula.
 *
 * bench_hist_counters() writes the non-empty buckets as counters hist_<index> = count (Google
 * Benchmark counters, so they travel in the rows of results.json); docs/benchmarks.md names them.
 */
#ifndef CSPLAB_BENCH_HIST_H
#define CSPLAB_BENCH_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 4
#define HIST_SUB (1 << HIST_SUB_BITS)
/* Values up to 2^40 ns (18 minutes): more than any wait the harness allows. */
#define HIST_MAX_LOG2 40
#define HIST_BUCKETS ((HIST_MAX_LOG2 - HIST_SUB_BITS + 2) * HIST_SUB)

struct bench_hist {
	int64_t count[HIST_BUCKETS];
};

static inline int bench_hist_index(int64_t v)
{
	if (v < HIST_SUB)
		return v < 0 ? 0 : (int)v;
	int e = 63 - __builtin_clzll((unsigned long long)v);
	if (e > HIST_MAX_LOG2)
		return HIST_BUCKETS - 1;
	int m = (int)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
	return (e - HIST_SUB_BITS + 1) * HIST_SUB + m;
}

static inline void bench_hist_add(struct bench_hist *h, int64_t ns)
{
	h->count[bench_hist_index(ns)]++;
}

/* The lowest value of bucket i. */
int64_t bench_hist_low(int i);

struct bench_b;
/* Every non-empty bucket as the counter hist_<index> (its count). */
void bench_hist_counters(struct bench_b *b, const struct bench_hist *h);

#endif /* CSPLAB_BENCH_HIST_H */
