/* The latency histogram's out-of-line half (bench/c/hist.h has the bucket formula). */
#include "hist.h"

#include "bench.h"

#include <pthread.h>
#include <stdio.h>

int64_t bench_hist_low(int i)
{
	if (i < HIST_SUB)
		return i;
	int e = i / HIST_SUB + HIST_SUB_BITS - 1;
	return (int64_t)(HIST_SUB + i % HIST_SUB) << (e - HIST_SUB_BITS);
}

/* b_counter keeps the name's pointer: the names live here, written once. */
static char names[HIST_BUCKETS][12];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void make_names(void)
{
	for (int i = 0; i < HIST_BUCKETS; i++)
		snprintf(names[i], sizeof names[i], "hist_%d", i);
}

void bench_hist_counters(bench_b *b, const struct bench_hist *h)
{
	pthread_once(&names_once, make_names);
	for (int i = 0; i < HIST_BUCKETS; i++)
		if (h->count[i] != 0)
			b_counter(b, names[i], (double)h->count[i], 0);
}
