/*
 * Channel throughput beyond Go's own benchmarks (docs/benchmarks.md, "Beyond Go"): producers and
 * consumers over one channel of capacity `cap` ∈ {0, 1, 64}, one operation being one int message
 * sent and received, with the rate as the counter msgs_per_s.
 *
 *   ChanSPSC    1 producer, 1 consumer
 *   ChanMPSC    ncpu producers, 1 consumer
 *   ChanMPMC    ncpu producers, ncpu consumers
 *   ChanSelect2 2 producers, each on a channel of its own; 1 consumer selecting over both
 *
 * The b->n messages are split as evenly as possible among the producers, and the receives among
 * the consumers; the totals match, so every task finishes (no close, no sentinel values). Every
 * task is started with b_go, so the window includes starting them, which b->n amortises.
 */
#include "bench.h"
#include "shim/gbench.h"

#include <stdlib.h>

struct part {
	csp_chan *c[2]; /* c[1]: Select2's second channel */
	int64_t count;  /* messages this task sends or receives */
};

static void produce(void *arg)
{
	const struct part *p = arg;
	for (int64_t i = 0; i < p->count; i++)
		csp_chan_send(p->c[0], &(int){ (int)i });
}

static void consume(void *arg)
{
	const struct part *p = arg;
	int v;
	for (int64_t i = 0; i < p->count; i++)
		csp_chan_recv(p->c[0], &v, NULL);
}

static void select_consume(void *arg)
{
	const struct part *p = arg;
	int v;
	csp_case cases[2] = {
		{ .ch = p->c[0], .dir = CSP_RECV, .buf = &v },
		{ .ch = p->c[1], .dir = CSP_RECV, .buf = &v },
	};
	for (int64_t i = 0; i < p->count; i++)
		csp_select(cases, 2, false);
}

/* Share i of n split into k: n/k, one more for the first n%k. */
static int64_t share(int64_t n, int k, int i)
{
	return n / k + (i < n % k);
}

/* Run `producers` producers and `consumers` consumers of b->n messages; select2: two channels,
 * producer i sending on channel i, and consumers selecting over both. */
static void run_matrix(bench_b *b, int producers, int consumers, bool select2)
{
	size_t cap = (size_t)b->arg[0];
	csp_chan *c0 = b_chan(b, sizeof(int), cap);
	csp_chan *c1 = select2 ? b_chan(b, sizeof(int), cap) : NULL;
	struct part *parts = malloc((size_t)(producers + consumers) * sizeof *parts);
	if (!c0 || (select2 && !c1) || !parts) {
		if (!parts)
			b_error(b, "out of memory");
		free(parts);
		return;
	}
	for (int i = 0; i < consumers; i++) {
		parts[i] = (struct part){ { c0, c1 }, share(b->n, consumers, i) };
		b_go(b, select2 ? select_consume : consume, &parts[i]);
	}
	for (int i = 0; i < producers; i++) {
		struct part *p = &parts[consumers + i];
		*p = (struct part){ { select2 && i % 2 ? c1 : c0, NULL }, share(b->n, producers, i) };
		b_go(b, produce, p);
	}
	b_wait(b);
	b_stop_timer(b);
	free(parts);
	b_counter(b, "msgs_per_s", (double)b->n, GB_COUNTER_RATE); /* over the measured window */
}

static void chan_spsc(bench_b *b) { run_matrix(b, 1, 1, false); }
static void chan_mpsc(bench_b *b) { run_matrix(b, csp_ncpu(), 1, false); }
static void chan_mpmc(bench_b *b) { run_matrix(b, csp_ncpu(), csp_ncpu(), false); }
static void chan_select2(bench_b *b) { run_matrix(b, 2, 1, true); }

/* cap ∈ {0, 1, 64}; the smoke profile keeps the first. */
static size_t caps(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	static const int64_t values[] = { 0, 1, 64 };
	size_t n = p == BENCH_SMOKE ? 1 : sizeof values / sizeof values[0];
	for (size_t i = 0; i < n; i++)
		combos[i][0] = values[i];
	return n;
}

static const struct bench_scenario s_spsc = {
	.name = "ChanSPSC", .prim = CSP_PRIM_CHAN, .run = chan_spsc,
	.arg_names = { "cap" }, .args = caps,
};
static const struct bench_scenario s_mpsc = {
	.name = "ChanMPSC", .prim = CSP_PRIM_CHAN, .run = chan_mpsc,
	.arg_names = { "cap" }, .args = caps,
};
static const struct bench_scenario s_mpmc = {
	.name = "ChanMPMC", .prim = CSP_PRIM_CHAN, .run = chan_mpmc,
	.arg_names = { "cap" }, .args = caps,
};
static const struct bench_scenario s_select2 = {
	.name = "ChanSelect2", .prim = CSP_PRIM_CHAN, .run = chan_select2,
	.arg_names = { "cap" }, .args = caps,
};
BENCH_SCENARIO(s_spsc)
BENCH_SCENARIO(s_mpsc)
BENCH_SCENARIO(s_mpmc)
BENCH_SCENARIO(s_select2)
