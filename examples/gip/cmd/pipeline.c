/*
 * pipeline: generator -> squarers -> sink, stopped by closing a `done` channel (Go in
 * Practice, ch. 3). Prints
 *   items=N generated=G workers=W squares=ok|WRONG stopped=yes ms=... family=... chan=...
 * and exits 1 if a value arrived wrong or twice.
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--items N] [--workers N] [--cap N]\n"
	       "a generator, squaring workers and a sink; the sink closes `done` to stop them.\n"
	       "  --impl NAME   implementation or family (default $CSPLAB_IMPL, else pthread)\n"
	       "  --items N     values the sink takes (default 10000)\n"
	       "  --workers N   squaring tasks (default 2 per core)\n"
	       "  --cap N       the data channels' buffer (default 0: unbuffered)\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	long items, workers, cap;
	struct gip_pipeline_result res;
};

static void run_main(void *p)
{
	struct run *r = p;
	gip_pipeline_run(&r->im, (int)r->workers, r->items, (size_t)r->cap, &r->res);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' }, { "items", required_argument, NULL, 'n' },
		{ "workers", required_argument, NULL, 'w' }, { "cap", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
	};
	gip_prog = "pipeline";
	const char *impl = NULL;
	struct run r = { .items = 10000, .workers = 0, .cap = 0 };
	int c;
	while ((c = getopt_long(argc, argv, "i:n:w:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 'n': r.items = gip_parse_long(optarg, 1, 1000000000, "--items"); break;
		case 'w': r.workers = gip_parse_long(optarg, 1, 100000, "--workers"); break;
		case 'c': r.cap = gip_parse_long(optarg, 0, 1 << 20, "--cap"); break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	gip_no_operands(argc, argv);
	if (!r.workers)
		r.workers = gip_workers(2);
	gip_impls_from_cli(impl, &r.im);
	int64_t ns = gip_run(&r.im, run_main, &r);
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_CHAN), desc, sizeof desc);
	bool ok = r.res.squares_ok && r.res.received == r.items;
	printf("items=%lld generated=%lld workers=%ld squares=%s stopped=%s ms=%.1f %s\n",
	       (long long)r.res.received, (long long)r.res.generated, r.workers,
	       ok ? "ok" : "WRONG", r.res.stopped ? "yes" : "no", (double)ns / 1e6, desc);
	return ok ? 0 : 1;
}
