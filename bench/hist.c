/* The latency histogram's out-of-line half (bench/hist.h has the bucket formula). */
#include "hist.h"

#include "bench.h"

#include <stdio.h>

int64_t bench_hist_low(int i)
{
	if (i < HIST_SUB)
		return i;
	int e = i / HIST_SUB + HIST_SUB_BITS - 1;
	return (int64_t)(HIST_SUB + i % HIST_SUB) << (e - HIST_SUB_BITS);
}

void bench_hist_counters(bench_b *b, const struct bench_hist *h)
{
	for (int i = 0; i < HIST_BUCKETS; i++) {
		if (h->count[i] == 0)
			continue;
		char name[24];
		snprintf(name, sizeof name, "hist_%d", i);
		b_counter(b, name, (double)h->count[i], 0);
	}
}
