/*
 * sieve: the first N primes by the concurrent prime sieve (Go's test/chan/sieve1.go): a
 * generator and one filter task per prime, chained by unbuffered channels. Prints the primes,
 * one per line, then
 *   primes=N last=P ms=... family=... chan=...
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--n N] [--quiet]\n"
	       "the first N primes by a chain of filter tasks.\n"
	       "  --impl NAME   implementation or family (default $CSPLAB_IMPL, else pthread)\n"
	       "  --n N         how many primes (default 100; each is a task)\n"
	       "  --quiet       only the summary line\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	long n;
	int found;
	int64_t *primes;
};

static void run_main(void *p)
{
	struct run *r = p;
	r->found = gip_sieve_run(&r->im, (int)r->n, r->primes);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' }, { "n", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },      { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gip_prog = "sieve";
	const char *impl = NULL;
	struct run r = { .n = 100 };
	bool quiet = false;
	int c;
	while ((c = getopt_long(argc, argv, "i:n:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 'n': r.n = gip_parse_long(optarg, 1, 100000, "--n"); break;
		case 'q': quiet = true; break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	gip_no_operands(argc, argv);
	gip_impls_from_cli(impl, &r.im);
	r.primes = calloc((size_t)r.n, sizeof *r.primes);
	if (!r.primes) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		return 1;
	}
	int64_t ns = gip_run(&r.im, run_main, &r);
	for (int i = 0; !quiet && i < r.found; i++)
		printf("%lld\n", (long long)r.primes[i]);
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_CHAN), desc, sizeof desc);
	printf("primes=%d last=%lld ms=%.1f %s\n", r.found,
	       (long long)(r.found ? r.primes[r.found - 1] : 0), (double)ns / 1e6, desc);
	free(r.primes);
	return r.found == r.n ? 0 : 1;
}
