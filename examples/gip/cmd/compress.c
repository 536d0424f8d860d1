/*
 * compress FILE...: gzip each FILE to FILE.gz, one task per file, and wait for them on a
 * WaitGroup (Go in Practice, ch. 3). Prints one line per file and a summary:
 *   files=N failed=F bytes_in=I bytes_out=O ms=T impl=...
 * Exit status: 0, 1 if a file failed, 2 on bad usage.
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--level 1-9] [--quiet] FILE...\n"
	       "gzip each FILE to FILE.gz, one task per file, waiting on a WaitGroup.\n"
	       "  --impl NAME   implementation or family of every object (default $CSPLAB_IMPL,\n"
	       "                else pthread); `csplab-list` prints the names\n"
	       "  --level N     zlib compression level (default 6, gzip's)\n"
	       "  --quiet       only the summary line\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	char **files;
	int n, level, failed;
	struct gip_compress_result *res;
};

static void run_main(void *p)
{
	struct run *r = p;
	r->failed = gip_compress_all(&r->im, r->files, r->n, r->level, r->res);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' }, { "level", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },      { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gip_prog = "compress";
	const char *impl = NULL;
	struct run r = { .level = 6 };
	bool quiet = false;
	int c;
	while ((c = getopt_long(argc, argv, "i:l:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 'l': r.level = (int)gip_parse_long(optarg, 1, 9, "--level"); break;
		case 'q': quiet = true; break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	if (optind == argc)
		gip_usage_error("no FILE given");
	gip_impls_from_cli(impl, &r.im);
	r.files = argv + optind;
	r.n = argc - optind;
	r.res = calloc((size_t)r.n, sizeof *r.res);
	if (!r.res) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		return 1;
	}
	int64_t ns = gip_run(&r.im, run_main, &r);
	int64_t in = 0, out = 0;
	for (int i = 0; i < r.n; i++) {
		if (r.res[i].error[0])
			fprintf(stderr, "%s: %s: %s\n", gip_prog, r.files[i], r.res[i].error);
		else if (!quiet)
			printf("%s: %lld -> %lld bytes\n", r.files[i], (long long)r.res[i].bytes_in,
			       (long long)r.res[i].bytes_out);
		in += r.res[i].bytes_in;
		out += r.res[i].bytes_out;
	}
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_WAITGROUP), desc, sizeof desc);
	printf("files=%d failed=%d bytes_in=%lld bytes_out=%lld ms=%.1f %s\n", r.n, r.failed,
	       (long long)in, (long long)out, (double)ns / 1e6, desc);
	free(r.res);
	return r.failed ? 1 : 0;
}
