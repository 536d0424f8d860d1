/*
 * timeout: a select that gives up at a deadline (Go in Practice, ch. 3). A fast
 * server's reply arrives; a slow server's does not before --timeout, and the select returns
 * CSP_SELECT_TIMEOUT. Prints
 *   fast=replied slow=timed-out waited_ms=W timeout_ms=T stopped=yes family=... chan=...
 * and exits 1 if the fast reply did not come, the slow select did not time out, or it returned
 * before its timeout.
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--timeout-ms N] [--slow-ms N]\n"
	       "a select with a timeout gives up on a server slower than the deadline.\n"
	       "  --impl NAME      implementation or family (default $CSPLAB_IMPL, else pthread)\n"
	       "  --timeout-ms N   the select's timeout (default 50)\n"
	       "  --slow-ms N      how long the slow server would take (default 60000; it is\n"
	       "                   told to stop once the select has given up)\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	long timeout_ms, slow_ms;
	struct gip_timeout_result res;
};

static void run_main(void *p)
{
	struct run *r = p;
	gip_timeout_run(&r->im, r->timeout_ms * CSP_MILLISECOND, r->slow_ms * CSP_MILLISECOND,
			&r->res);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' },    { "timeout-ms", required_argument, NULL, 't' },
		{ "slow-ms", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gip_prog = "timeout";
	const char *impl = NULL;
	struct run r = { .timeout_ms = 50, .slow_ms = 60000 };
	int c;
	while ((c = getopt_long(argc, argv, "i:t:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 't': r.timeout_ms = gip_parse_long(optarg, 1, 3600000, "--timeout-ms"); break;
		case 's': r.slow_ms = gip_parse_long(optarg, 1, 3600000, "--slow-ms"); break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	gip_no_operands(argc, argv);
	if (r.slow_ms <= r.timeout_ms)
		gip_usage_error("--slow-ms (%ld) must exceed --timeout-ms (%ld)", r.slow_ms,
				r.timeout_ms);
	gip_impls_from_cli(impl, &r.im);
	gip_run(&r.im, run_main, &r);
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_CHAN), desc, sizeof desc);
	bool early = r.res.waited_ns < r.timeout_ms * CSP_MILLISECOND;
	printf("fast=%s slow=%s waited_ms=%.1f timeout_ms=%ld stopped=%s %s\n",
	       r.res.got_fast ? "replied" : "NO-REPLY", r.res.timed_out_slow ? "timed-out" : "REPLIED",
	       (double)r.res.waited_ns / 1e6, r.timeout_ms, r.res.slow_stopped ? "yes" : "no", desc);
	if (early)
		fprintf(stderr, "%s: the select returned before its timeout\n", gip_prog);
	return r.res.got_fast && r.res.timed_out_slow && !early ? 0 : 1;
}
