/*
 * closures [--yield | --wait]: one task started from main with its arguments in a per-task
 * struct, and what it takes for it to run before main returns (Go in Practice, ch. 3,
 * closures and Gosched; examples/gip/closures.c explains OS threads against coroutines).
 *   CSPLAB_CORO_WORKERS=1 closures --impl coro          -> ran=no (always)
 *   CSPLAB_CORO_WORKERS=1 closures --impl coro --yield  -> ran=yes (always)
 *   closures --impl pthread [--yield]                   -> either: a race between threads
 *   closures --wait (any implementation)                -> ran=yes (always)
 * Last line: mode=nothing|yield|wait ran=yes|no family=...
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--yield | --wait]\n"
	       "start one task from main and return: does the task get to run?\n"
	       "  --impl NAME   implementation or family (default $CSPLAB_IMPL, else pthread)\n"
	       "  --yield       main calls csp_yield() (runtime.Gosched) once before returning\n"
	       "  --wait        main waits for the task on a WaitGroup\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	enum gip_closure_mode mode;
	bool ran;
};

static void run_main(void *p)
{
	struct run *r = p;
	r->ran = gip_closures_run(&r->im, r->mode);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' }, { "yield", no_argument, NULL, 'y' },
		{ "wait", no_argument, NULL, 'w' },       { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gip_prog = "closures";
	const char *impl = NULL;
	struct run r = { .mode = GIP_CLOSURE_NOTHING };
	int c;
	while ((c = getopt_long(argc, argv, "i:ywh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 'y':
		case 'w':
			if (r.mode != GIP_CLOSURE_NOTHING)
				gip_usage_error("--yield and --wait exclude each other");
			r.mode = c == 'y' ? GIP_CLOSURE_YIELD : GIP_CLOSURE_WAIT;
			break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	gip_no_operands(argc, argv);
	gip_impls_from_cli(impl, &r.im);
	gip_run(&r.im, run_main, &r);
	static const char *const names[] = { "nothing", "yield", "wait" };
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_WAITGROUP), desc, sizeof desc);
	printf("mode=%s ran=%s %s\n", names[r.mode], r.ran ? "yes" : "no", desc);
	fflush(stdout);
	return 0;
}
