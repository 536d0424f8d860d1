/*
 * prog/Sieve and prog/Pipeline: two of Go in Practice's chapter 3 programs (examples/gip,
 * docs/programs.md) as benchmarks, on every channel implementation; bench/go/prog.go has the
 * same programs in Go under the same row names. One operation is one whole run of the
 * program, through the very function the program calls (examples/gip/sieve.c, pipeline.c).
 *
 *   prog/Sieve     primes:200 (smoke 20). Go's test/chan/sieve1.go: a filter task per prime,
 *                  unbuffered channels. Not the 2000th prime: on OS threads the chain's
 *                  hand-offs cost ~10 us each and the run grows with primes^2 (500 primes
 *                  take ~3 s; 2000 would take ~50 s a run).
 *   prog/Pipeline  items:5000 (smoke 200), workers:ncpu, cap:0: generator -> squarers ->
 *                  sink, stopped by closing `done`.
 * Both check their result and report a failed run if it is wrong.
 */
#include "bench.h"
#include "gip.h"

#include <stdlib.h>

static void sieve(bench_b *b)
{
	struct gip_impls im;
	gip_resolve_info(CSP_PRIM_CHAN, b->impl, &im);
	int n = (int)b->arg[0];
	int64_t *primes = calloc((size_t)n, sizeof *primes);
	if (!primes) {
		b_error(b, "out of memory");
		return;
	}
	for (int64_t i = 0; i < b->n && !b_failed(b); i++) {
		int found = gip_sieve_run(&im, n, primes);
		/* the primes below 2^31 have no divisor up to their square root: spot-check the last */
		int64_t last = found ? primes[found - 1] : 0;
		bool prime = last >= 2;
		for (int64_t d = 2; prime && d * d <= last; d++)
			prime = last % d != 0;
		if (found != n || !prime)
			b_error(b, "sieve found %d of %d primes, the last %lld", found, n, (long long)last);
	}
	free(primes);
}

static void pipeline(bench_b *b)
{
	struct gip_impls im;
	gip_resolve_info(CSP_PRIM_CHAN, b->impl, &im);
	for (int64_t i = 0; i < b->n && !b_failed(b); i++) {
		struct gip_pipeline_result r;
		gip_pipeline_run(&im, (int)b->arg[1], b->arg[0], (size_t)b->arg[2], &r);
		if (r.received != b->arg[0] || !r.squares_ok || !r.stopped)
			b_error(b, "pipeline: %lld of %lld values, squares %s", (long long)r.received,
				(long long)b->arg[0], r.squares_ok ? "right" : "WRONG");
	}
}

static size_t sieve_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	combos[0][0] = p == BENCH_SMOKE ? 20 : 200;
	return 1;
}

static size_t pipeline_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	combos[0][0] = p == BENCH_SMOKE ? 200 : 5000;
	combos[0][1] = csp_ncpu();
	combos[0][2] = 0;
	return 1;
}

static const struct bench_scenario s_sieve = {
	.name = "Sieve", .prim = CSP_PRIM_CHAN, .run = sieve, .group = "prog",
	.arg_names = { "primes" }, .args = sieve_args, .skip_props = CSP_PROP_NULL,
};
static const struct bench_scenario s_pipeline = {
	.name = "Pipeline", .prim = CSP_PRIM_CHAN, .run = pipeline, .group = "prog",
	.arg_names = { "items", "workers", "cap" }, .args = pipeline_args,
	.skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_sieve)
BENCH_SCENARIO(s_pipeline)
