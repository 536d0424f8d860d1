/*
 * ChanPingPong (docs/benchmarks.md, "Beyond Go"): round-trip latency between two tasks over two
 * channels of capacity `cap` ∈ {0, 1}. One operation is one round trip: the body sends on ping,
 * an echo task receives it and sends it back on pong, the body receives it.
 *
 * Each round trip is timed with csp_now() (one clock read per trip: the end of one is the start
 * of the next). Up to MAX_SAMPLES of them are kept, one every ceil(b->n / MAX_SAMPLES) trips,
 * and reported as the percentiles p50_ns, p99_ns and p999_ns; every trip goes into a log-linear
 * histogram (hist_<bucket> counters, bench/c/hist.h), from which the report draws the latency CDF.
 */
#include "bench.h"
#include "hist.h"
#include "stats.h"

#include <stdlib.h>

#define MAX_SAMPLES 100000

struct echo {
	csp_chan *ping, *pong;
	int64_t n;
};

static void echo(void *arg)
{
	const struct echo *e = arg;
	int v;
	for (int64_t i = 0; i < e->n; i++) {
		csp_chan_recv(e->ping, &v, NULL);
		csp_chan_send(e->pong, &v);
	}
}

static void chan_pingpong(bench_b *b)
{
	size_t cap = (size_t)b->arg[0];
	struct echo e = { b_chan(b, sizeof(int), cap), b_chan(b, sizeof(int), cap), b->n };
	int64_t stride = (b->n + MAX_SAMPLES - 1) / MAX_SAMPLES;
	double *samples = malloc((size_t)(b->n / stride + 1) * sizeof *samples);
	struct bench_hist *hist = calloc(1, sizeof *hist);
	if (!e.ping || !e.pong || !samples || !hist) {
		if (!samples || !hist)
			b_error(b, "out of memory");
		free(samples);
		free(hist);
		return;
	}
	b_go(b, echo, &e);
	b_reset_timer(b); /* the echo task is started */
	size_t k = 0;
	int64_t skip = 0, prev = csp_now();
	for (int64_t i = 0; i < b->n; i++) {
		int v = (int)i;
		csp_chan_send(e.ping, &v);
		csp_chan_recv(e.pong, &v, NULL);
		int64_t now = csp_now();
		bench_hist_add(hist, now - prev);
		if (skip-- == 0) {
			samples[k++] = (double)(now - prev);
			skip = stride - 1;
		}
		prev = now;
	}
	b_stop_timer(b);
	b_wait(b);
	bench_sort(samples, k);
	b_counter(b, "p50_ns", bench_percentile(samples, k, 50), 0);
	b_counter(b, "p99_ns", bench_percentile(samples, k, 99), 0);
	b_counter(b, "p999_ns", bench_percentile(samples, k, 99.9), 0);
	bench_hist_counters(b, hist);
	free(samples);
	free(hist);
}

/* cap ∈ {0, 1}; the smoke profile keeps the first. */
static size_t caps(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	combos[0][0] = 0;
	if (p == BENCH_SMOKE)
		return 1;
	combos[1][0] = 1;
	return 2;
}

static const struct bench_scenario s_pingpong = {
	.name = "ChanPingPong", .prim = CSP_PRIM_CHAN, .run = chan_pingpong,
	.arg_names = { "cap" }, .args = caps,
};
BENCH_SCENARIO(s_pingpong)
