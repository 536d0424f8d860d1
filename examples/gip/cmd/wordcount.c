/*
 * wordcount FILE...: count the words of every FILE, one task per file, into one shared table
 * under a Mutex, and print the N most frequent (Go in Practice, ch. 3).
 * A word is a run of ASCII letters, lower-cased. Then a summary line:
 *   files=F words=W distinct=D verify=ok|skipped ms=T family=... mutex=... waitgroup=...
 * --verify counts again on one task without a lock and compares every word's count.
 * Exit status: 0, 1 if a file could not be read or the verification failed, 2 on bad usage.
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--top N] [--verify] FILE...\n"
	       "count words over all FILEs, one task per file, one table under a mutex.\n"
	       "  --impl NAME   implementation or family of every object (default $CSPLAB_IMPL,\n"
	       "                else pthread); `csplab-list` prints the names\n"
	       "  --top N       print the N most frequent words (default 10)\n"
	       "  --verify      recount on one task and compare every count\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	char **files;
	int n, failed;
	struct gip_wc_table *t;
};

static void run_main(void *p)
{
	struct run *r = p;
	r->failed = gip_wc_count_all(&r->im, r->t, r->files, NULL, NULL, r->n);
}

/* The single-task count, without a mutex: the reference the concurrent count must equal. */
static bool verify(const struct run *r)
{
	struct gip_wc_table *ref = gip_wc_new();
	for (int i = 0; i < r->n; i++) {
		size_t len;
		int err;
		char *buf = gip_read_file(r->files[i], &len, &err);
		if (buf)
			gip_wc_count_buf(ref, NULL, buf, len);
		free(buf);
	}
	size_t na, nb;
	struct gip_wc_entry *a = gip_wc_sorted(r->t, &na), *b = gip_wc_sorted(ref, &nb);
	bool same = na == nb && gip_wc_total(r->t) == gip_wc_total(ref);
	for (size_t i = 0; same && i < na; i++)
		same = a[i].count == b[i].count && strcmp(a[i].word, b[i].word) == 0;
	if (!same)
		fprintf(stderr, "%s: verification failed: %lld words in %zu distinct, but one task "
			"counts %lld in %zu\n", gip_prog, (long long)gip_wc_total(r->t), na,
			(long long)gip_wc_total(ref), nb);
	free(a);
	free(b);
	gip_wc_free(ref);
	return same;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' }, { "top", required_argument, NULL, 't' },
		{ "verify", no_argument, NULL, 'v' },     { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gip_prog = "wordcount";
	const char *impl = NULL;
	long top = 10;
	bool check = false;
	struct run r = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "i:t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 't': top = gip_parse_long(optarg, 0, 1000000, "--top"); break;
		case 'v': check = true; break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	if (optind == argc)
		gip_usage_error("no FILE given");
	gip_impls_from_cli(impl, &r.im);
	r.files = argv + optind;
	r.n = argc - optind;
	r.t = gip_wc_new();
	int64_t ns = gip_run(&r.im, run_main, &r);
	size_t n;
	struct gip_wc_entry *e = gip_wc_sorted(r.t, &n);
	for (size_t i = 0; i < n && i < (size_t)top; i++)
		printf("%8lld %s\n", (long long)e[i].count, e[i].word);
	bool ok = !check || verify(&r);
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_MUTEX) | GIP_PRIM(CSP_PRIM_WAITGROUP), desc,
		     sizeof desc);
	printf("files=%d words=%lld distinct=%zu verify=%s ms=%.1f %s\n", r.n,
	       (long long)gip_wc_total(r.t), n, !check ? "skipped" : ok ? "ok" : "FAILED",
	       (double)ns / 1e6, desc);
	free(e);
	gip_wc_free(r.t);
	return r.failed || !ok ? 1 : 0;
}
