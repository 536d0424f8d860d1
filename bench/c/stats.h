/*
 * Small statistics helpers for scenario bodies: sorting a sample and reading percentiles from it
 * (latency counters such as p50_ns / p99_ns / p999_ns).
 *
 *     bench_sort(v, n);
 *     double p99 = bench_percentile(v, n, 99.0);
 */
#ifndef CSPLAB_BENCH_STATS_H
#define CSPLAB_BENCH_STATS_H

#include <stddef.h>

/* Sort v[0..n) ascending. */
void bench_sort(double *v, size_t n);

/*
 * The p-th percentile (p in [0, 100], e.g. 99.9) of sorted[0..n), already sorted ascending:
 * linear interpolation between the two nearest ranks (rank p/100 * (n-1), as numpy's default).
 * p outside [0, 100] is clamped. Returns 0 when n is 0.
 */
double bench_percentile(double *sorted, size_t n, double p);

#endif /* CSPLAB_BENCH_STATS_H */
