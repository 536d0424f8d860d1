/*
 * chanlock: tasks increment a plain counter under a lock made of a channel of capacity 1
 * (Go in Practice, ch. 3). Prints
 *   tasks=T iters=N counter=C expect=E ms=... family=... chan=...
 * and exits 1 if an update was lost (C != E).
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--tasks N] [--iters N]\n"
	       "a channel with one slot as a lock: send to lock, receive to unlock.\n"
	       "  --impl NAME   implementation or family (default $CSPLAB_IMPL, else pthread)\n"
	       "  --tasks N     tasks (default 2 per core)\n"
	       "  --iters N     increments per task (default 2000)\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	long tasks, iters;
	int64_t counter;
};

static void run_main(void *p)
{
	struct run *r = p;
	r->counter = gip_chanlock_run(&r->im, (int)r->tasks, r->iters);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' }, { "tasks", required_argument, NULL, 't' },
		{ "iters", required_argument, NULL, 'n' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gip_prog = "chanlock";
	const char *impl = NULL;
	struct run r = { .tasks = 0, .iters = 2000 };
	int c;
	while ((c = getopt_long(argc, argv, "i:t:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 't': r.tasks = gip_parse_long(optarg, 1, 10000, "--tasks"); break;
		case 'n': r.iters = gip_parse_long(optarg, 1, 1000000000, "--iters"); break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	gip_no_operands(argc, argv);
	if (!r.tasks)
		r.tasks = gip_workers(2);
	gip_impls_from_cli(impl, &r.im);
	int64_t ns = gip_run(&r.im, run_main, &r);
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_CHAN), desc, sizeof desc);
	int64_t expect = (int64_t)r.tasks * r.iters;
	printf("tasks=%ld iters=%ld counter=%lld expect=%lld ms=%.1f %s\n", r.tasks, r.iters,
	       (long long)r.counter, (long long)expect, (double)ns / 1e6, desc);
	return r.counter == expect ? 0 : 1;
}
