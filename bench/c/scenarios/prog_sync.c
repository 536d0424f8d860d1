/*
 * prog/WordCount and prog/Cache: Go in Practice's word counter (a table under a Mutex) and
 * read-mostly cache (an RWMutex) from examples/gip (docs/programs.md) as benchmarks, on every
 * mutex and RW lock implementation; bench/go/prog.go has the Go twins under the same names.
 * One operation is one whole run of the program's core (examples/gip/wordcount.c, cache.c).
 *
 *   prog/WordCount  files:ncpu, kib:4096/ncpu (smoke 64): 4 MiB of the programs' generated text
 *                   (gip_text) in memory, one task per file, the mutex taken once per word
 *                   (about 1M acquisitions a run). One file per core, not more: with more
 *                   threads than cores a FIFO spin lock (ticket, MCS) hands the lock to a
 *                   descheduled thread and a run takes minutes.
 *   prog/Cache      readers:ncpu, reads:50000 (smoke 1000) per reader, write_every:100.
 * Each checks its result: the word total and every count against one single-task count made
 * once; no torn cache read.
 */
#include "bench.h"
#include "gip.h"

#include <stdlib.h>
#include <string.h>

enum { WC_TOTAL_KIB = 4096, WC_SMOKE_KIB = 64 };

/* The reference count of one input: made once per input size, outside any timed window. */
static struct {
	char *text;
	size_t len;
	int64_t total;
	size_t distinct;
} wc_input;

/* The input, files * each bytes, and its count by one task without a lock, file by file (a
 * word cut in two at a file boundary counts as two there too). */
static bool wc_prepare(bench_b *b, int files, size_t each)
{
	size_t len = each * (size_t)files;
	if (wc_input.len == len)
		return true;
	free(wc_input.text);
	wc_input.text = malloc(len);
	wc_input.len = 0;
	if (!wc_input.text) {
		b_error(b, "out of memory");
		return false;
	}
	gip_text(wc_input.text, len, 1);
	struct gip_wc_table *ref = gip_wc_new();
	for (int f = 0; f < files; f++)
		gip_wc_count_buf(ref, NULL, wc_input.text + (size_t)f * each, each);
	free(gip_wc_sorted(ref, &wc_input.distinct));
	wc_input.total = gip_wc_total(ref);
	gip_wc_free(ref);
	wc_input.len = len;
	return true;
}

static void wordcount(bench_b *b)
{
	int files = (int)b->arg[0];
	size_t each = (size_t)b->arg[1] * 1024;
	b_stop_timer(b);
	if (!wc_prepare(b, files, each))
		return;
	const char **bufs = calloc((size_t)files, sizeof *bufs);
	size_t *lens = calloc((size_t)files, sizeof *lens);
	if (!bufs || !lens) {
		b_error(b, "out of memory");
		return;
	}
	for (int f = 0; f < files; f++) {
		bufs[f] = wc_input.text + (size_t)f * each;
		lens[f] = each;
	}
	struct gip_impls im;
	gip_resolve_info(CSP_PRIM_MUTEX, b->impl, &im);
	b_start_timer(b);
	for (int64_t i = 0; i < b->n && !b_failed(b); i++) {
		b_stop_timer(b);
		struct gip_wc_table *t = gip_wc_new();
		b_start_timer(b);
		gip_wc_count_all(&im, t, NULL, bufs, lens, files);
		b_stop_timer(b);
		size_t distinct;
		free(gip_wc_sorted(t, &distinct));
		if (gip_wc_total(t) != wc_input.total || distinct != wc_input.distinct)
			b_error(b, "wrong count: %lld words, %zu distinct; one task counts %lld, %zu",
				(long long)gip_wc_total(t), distinct, (long long)wc_input.total,
				wc_input.distinct);
		gip_wc_free(t);
		b_start_timer(b);
	}
	free(bufs);
	free(lens);
}

static void cache(bench_b *b)
{
	struct gip_impls im;
	gip_resolve_info(CSP_PRIM_RWLOCK, b->impl, &im);
	for (int64_t i = 0; i < b->n && !b_failed(b); i++) {
		struct gip_cache_stats st;
		gip_cache_run(&im, (int)b->arg[0], b->arg[1], 1024, b->arg[2], &st);
		if (st.torn)
			b_error(b, "%lld torn reads", (long long)st.torn);
	}
}

static size_t wordcount_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	combos[0][0] = csp_ncpu();
	combos[0][1] = (p == BENCH_SMOKE ? WC_SMOKE_KIB : WC_TOTAL_KIB) / csp_ncpu();
	return 1;
}

static size_t cache_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	combos[0][0] = csp_ncpu();
	combos[0][1] = p == BENCH_SMOKE ? 1000 : 50000;
	combos[0][2] = 100;
	return 1;
}

static const struct bench_scenario s_wordcount = {
	.name = "WordCount", .prim = CSP_PRIM_MUTEX, .run = wordcount, .group = "prog",
	.arg_names = { "files", "kib" }, .args = wordcount_args, .skip_props = CSP_PROP_NULL,
};
static const struct bench_scenario s_cache = {
	.name = "Cache", .prim = CSP_PRIM_RWLOCK, .run = cache, .group = "prog",
	.arg_names = { "readers", "reads", "write_every" }, .args = cache_args,
	.skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_wordcount)
BENCH_SCENARIO(s_cache)
