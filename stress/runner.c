/*
 * csplab-stress: runs one stress scenario on one implementation, in this process.
 *
 *   csplab-stress --list        one line per run: <prim> <impl> <scenario> [det]
 *   csplab-stress --prim P --impl NAME --scenario S
 *                 [--load normal|over | --tasks N] [--seconds D] [--seed X] [--chaos 0|1|2]
 *                 [--stall S] [--seeds N]
 *
 * --load normal runs 2 tasks per CPU, --load over 4 per CPU (oversubscribed); --seconds is the
 * scenario's duration (STRESS_SECONDS under ctest); --seed fixes the run's randomness (default:
 * from the clock), --chaos injects random delays (chaos.c); --stall is the watchdog's bound.
 * --seeds N runs the scenario under a deterministic scheduler for N seeds (explore.c; "det" in
 * the listing marks where that exists).
 *
 * Every failure ends with the seed and the exact command that reruns the run. A failure is: a
 * check of the scenario (exit 1), a hang caught by the watchdog (exit 3, with a dump of every
 * task), a crash or fatal error (the signal), or a sanitizer report (ThreadSanitizer: the report
 * names this scenario through __tsan_on_report; the process exits as the sanitizer decides).
 * Exit 77: the implementation lacks a property the scenario needs, or declares one that exempts
 * it (ctest: skipped).
 */
#define _GNU_SOURCE
#include "runner.h"

#include <csplab/version.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CSPLAB_STRESS_LAUNCHER
#define CSPLAB_STRESS_LAUNCHER ""
#endif

hx_suite stress_suite = { .name = "stress" };

static char run_name[256];  /* stress/<prim>/<impl>/<scenario> */
static char replay[6144];    /* the command that reruns this run */

/* ---- Options --------------------------------------------------------------------------------- */

/* why == NULL: --help, the usage on stdout and exit 0; otherwise the reason and HX_EXIT_USAGE. */
static _Noreturn void usage(const char *why)
{
	FILE *to = why ? stderr : stdout;
	if (why)
		fprintf(stderr, "csplab-stress: %s\n", why);
	fprintf(to,
		"usage: csplab-stress --list\n"
		"       csplab-stress --prim=P --impl=NAME --scenario=S [--load=normal|over | --tasks=N]\n"
		"                     [--seconds=D] [--seed=X] [--chaos=0|1|2] [--stall=S] [--seeds=N]\n"
		"Runs one stress scenario on one implementation (docs/stress.md).\n"
		"\n"
		"  -l, --list           one line per run: <prim> <impl> <scenario> [det]\n"
		"  -p, --prim=P         the primitive: chan, mutex, rwlock or waitgroup\n"
		"  -i, --impl=NAME      the implementation\n"
		"  -s, --scenario=S     the scenario (see --list)\n"
		"  -L, --load=LOAD      normal: 2 tasks per CPU; over: 4 per CPU (oversubscribed)\n"
		"  -t, --tasks=N        exactly N tasks instead of a load\n"
		"  -d, --seconds=D      the scenario's duration, D > 0 (default 2; ctest: STRESS_SECONDS)\n"
		"  -x, --seed=X         fix the run's randomness (default: from the clock)\n"
		"  -c, --chaos=0|1|2    random delays in the slow paths (ctest: STRESS_CHAOS)\n"
		"  -S, --stall=S        the watchdog's bound on a stall, in seconds\n"
		"  -n, --seeds=N        N deterministic schedules instead of a timed run (ctest:\n"
		"                       STRESS_SEEDS)\n"
		"  -P, --pct=D          with --seeds: PCT schedules of depth D instead of random walks\n"
		"  -h, --help           this help\n"
		"  -V, --version        print csplab's version\n"
		"\n"
		"Environment: read by ctest when it lists the runs (stress/discover.cmake.in), not by\n"
		"this program: STRESS_SECONDS, STRESS_SEEDS, STRESS_CHAOS; the coro family's\n"
		"CSPLAB_CORO_* settings (docs/coro.md).\n"
		"Exit: 0 passed, 1 a check failed, 2 bad usage, 3 hang, 77 absent or exempt.\n");
	exit(why ? HX_EXIT_USAGE : HX_EXIT_PASS);
}

static void parse(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "prim", required_argument, NULL, 'p' },
		{ "impl", required_argument, NULL, 'i' },
		{ "scenario", required_argument, NULL, 's' },
		{ "load", required_argument, NULL, 'L' },
		{ "tasks", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 'x' },
		{ "chaos", required_argument, NULL, 'c' },
		{ "stall", required_argument, NULL, 'S' },
		{ "seeds", required_argument, NULL, 'n' },
		{ "pct", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	for (int c; (c = getopt_long(argc, argv, "lp:i:s:L:t:d:x:c:S:n:P:hV", opts, NULL)) != -1;) {
		char *end = NULL;
		errno = 0;
		switch (c) {
		case 'l': o->list = true; break;
		case 'p': o->prim = optarg; break;
		case 'i': o->impl = optarg; break;
		case 's': o->scenario = optarg; break;
		case 'L': o->load = optarg; break;
		case 't': o->tasks = (int)strtol(optarg, &end, 10); break;
		case 'c': o->chaos = (int)strtol(optarg, &end, 10); break;
		case 'd':
			o->seconds = strtod(optarg, &end);
			if (!(o->seconds > 0))
				usage("--seconds must be a positive number");
			break;
		case 'S': o->stall = strtod(optarg, &end); break;
		case 'n': o->seeds = (int)strtol(optarg, &end, 10); break;
		case 'P': o->pct = (int)strtol(optarg, &end, 10); break;
		case 'x':
			o->seed = strtoull(optarg, &end, 0);
			o->seeded = true;
			break;
		case 'h': usage(NULL);
		case 'V': printf("csplab-stress (csplab) %s\n", CSPLAB_VERSION); exit(HX_EXIT_PASS);
		default: usage("unknown option or missing value");
		}
		if ((end && (*end || end == optarg)) || errno)
			usage("bad number");
	}
	if (optind < argc)
		usage("unexpected argument");
}

static const struct scenario *find_scenario(const char *name)
{
	for (size_t k = 0; k < stress_suite.n; k++)
		for (const struct scenario *sc = stress_suite.items[k]; sc->name; sc++)
			if (strcmp(sc->name, name) == 0)
				return sc;
	return NULL;
}

static int list(void)
{
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if (e->info->props & CSP_PROP_NULL)
			continue;
		for (size_t k = 0; k < stress_suite.n; k++)
			for (const struct scenario *sc = stress_suite.items[k]; sc->name; sc++)
				if (sc->prim == e->prim)
					printf("%s %s %s%s\n", csp_prim_name(e->prim), e->info->name,
						sc->name, !sc->timed && has_det(e->info) ? " det" : "");
	}
	return HX_EXIT_PASS;
}

/* ---- Running --------------------------------------------------------------------------------- */

struct body_run {
	sctx *s;
	_Atomic int done;
};

static void body_main(void *p)
{
	struct body_run *r = p;
	r->s->sc->body(r->s);
	s_join(r->s); /* a body that returned early still waits for its tasks */
	/* release: publishes the body's results to the main thread; pairs with watch_run */
	atomic_store_explicit(&r->done, 1, memory_order_release);
}

static bool sanitized(void)
{
#ifdef CSPLAB_SANITIZED
	return true;
#else
	return false;
#endif
}

static uint64_t fresh_seed(void)
{
	uint64_t z = (uint64_t)csp_now() ^ ((uint64_t)getpid() << 32);
	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
	return z ^ (z >> 33);
}

static void format_replay(const struct options *o, const char *self)
{
	char det[48] = "";
	if (o->det && o->pct)
		snprintf(det, sizeof det, " --seeds 1 --pct %d", o->pct);
	else if (o->det)
		snprintf(det, sizeof det, " --seeds 1");
	snprintf(replay, sizeof replay,
		"%s%s%s --prim %s --impl %s --scenario %s --tasks %d --seconds %g --seed 0x%016llx "
		"--chaos %d%s",
		CSPLAB_STRESS_LAUNCHER, *CSPLAB_STRESS_LAUNCHER ? " " : "", self, o->prim, o->impl,
		o->scenario, o->tasks, o->seconds, (unsigned long long)o->seed, o->chaos, det);
	char epitaph[6656];
	snprintf(epitaph, sizeof epitaph,
		"csplab-stress: FAIL %s (seed 0x%016llx)\ncsplab-stress: replay: %s\n", run_name,
		(unsigned long long)o->seed, replay);
	hx_result_epitaph(epitaph);
}

/* Check the options and fill in the defaults; the scenario and the implementation. */
static void settle(struct options *o, const struct scenario **scp, const csp_info **implp)
{
	const struct scenario *sc = find_scenario(o->scenario);
	if (!sc)
		usage("no such scenario (see --list)");
	if (strcmp(o->prim, csp_prim_name(sc->prim)) != 0)
		usage("the scenario is not one of that primitive");
	const csp_info *impl = csp_lookup(sc->prim, o->impl);
	if (!impl)
		usage("no such implementation of that primitive (see --list)");
	snprintf(run_name, sizeof run_name, "stress/%s/%s/%s", o->prim, o->impl, o->scenario);
	if (o->load && strcmp(o->load, "normal") != 0 && strcmp(o->load, "over") != 0)
		usage("--load must be normal or over");
	if (o->tasks <= 0)
		o->tasks = (o->load && strcmp(o->load, "over") == 0 ? 4 : 2) * csp_ncpu();
	if (o->tasks < 2 || o->tasks > 512)
		usage("--tasks must be between 2 and 512");
	if (o->seconds <= 0)
		o->seconds = 2;
	if (o->stall <= 0)
		o->stall = sanitized() ? 30 : 10;
	if (!o->seeded)
		o->seed = fresh_seed();
	if (o->seeds > 0)
		o->chaos = 0; /* chaos acts on OS threads, outside the deterministic schedule */
	if (o->pct < 0 || o->pct > 16 || (o->pct && o->seeds <= 0))
		usage("--pct takes a depth from 1 to 16, with --seeds");
	*scp = sc;
	*implp = impl;
}

const char *stress_run_name(void)
{
	return run_name;
}

int stress_run(struct options *o, const struct scenario *sc, const csp_info *impl,
	const char *self)
{
	hx_result_begin("stress");
	hx_result_running(run_name, &o->seed);
	format_replay(o, self);

	bool missing;
	unsigned bit = hx_prop_gap(sc->requires, sc->forbids, impl->props, &missing);
	if (bit) {
		char why[160];
		snprintf(why, sizeof why, "property \"%s\" %s: recorded as absent",
			hx_prop_name(bit), missing ? "missing" : "declared");
		printf("csplab-stress: %s: %s\n", run_name, why);
		hx_result_absent(why);
		return hx_result_end();
	}
	if (!o->det)
		printf("csplab-stress: %s: %d tasks on %d CPUs, %g s, seed 0x%016llx, chaos %d\n",
			run_name, o->tasks, csp_ncpu(), o->seconds, (unsigned long long)o->seed, o->chaos);
	fflush(stdout);

	sctx *s = calloc(1, sizeof *s); /* kept if the run fails: tasks may still use it */
	struct body_run *r = calloc(1, sizeof *r);
	if (!s || !r) {
		hx_result_fail(HX_WHY_CRASH, "out of memory");
		return hx_result_end();
	}
	s->sc = sc;
	s->impl = impl;
	s->ntasks = o->tasks;
	s->duration = (int64_t)(o->seconds * (double)CSP_SECOND);
	s->seed = o->seed;
	s->sanitized = sanitized();
	s->det_ops = o->det ? DET_OPS : 0;
	s_task_init(s, &s->body, "body", 0, 0);
	r->s = s;
	chaos_setup(o->chaos, o->seed);

	const csp_runtime_ops *rt = csp_runtime_for(impl->family);
	csp_runtime_set_current(rt);
	int rc = rt->spawn(body_main, r);
	if (rc != 0) {
		char why[160];
		snprintf(why, sizeof why, "cannot start the body in runtime '%s': %s", rt->name,
			strerror(rc));
		hx_result_fail(HX_WHY_CRASH, why);
		return hx_result_end();
	}
	struct watch w = {
		.stall = (int64_t)(o->stall * (double)CSP_SECOND),
		.overrun = (int64_t)((o->stall + (sanitized() ? 20 : 5)) * (double)CSP_SECOND) +
			s->duration / 2,
	};
	char why[256];
	int status = watch_run(s, &w, &r->done, why, sizeof why);
	if (status == HX_EXIT_PASS && !s_failed(s) && !hx_result_raced()) {
		if (!o->det)
			printf("csplab-stress: PASS %s%s%s\n", run_name, s->note[0] ? ": " : "", s->note);
		hx_result_pass(s->note);
		s_free_all();
		free(r);
		free(s);
		return hx_result_end();
	}
	fflush(stdout);
	const char *first = hx_first_msg(&s->first);
	enum hx_why kind = status == HX_EXIT_HANG ? HX_WHY_HANG
		: hx_result_raced()              ? HX_WHY_RACE
		: first                          ? s->first.why
						 : HX_WHY_CHECK;
	if (status == HX_EXIT_PASS)
		snprintf(why, sizeof why, "%s", hx_result_raced() ? "ThreadSanitizer report"
								  : "check failed");
	fprintf(stderr, "csplab-stress: FAIL %s: %s\n", run_name, why);
	if (first)
		fprintf(stderr, "csplab-stress: first failure: %s\n", first);
	/* acquire: pairs with the release store in body_main */
	if (status == HX_EXIT_HANG || !atomic_load_explicit(&r->done, memory_order_acquire))
		watch_dump(s);
	fprintf(stderr, "csplab-stress: FAIL %s (seed 0x%016llx)\ncsplab-stress: replay: %s\n",
		run_name, (unsigned long long)o->seed, replay);
	hx_result_fail(kind, status == HX_EXIT_HANG || !first ? why : first + s->first.at);
	_exit(hx_result_end()); /* tasks may still be blocked: no exit handlers, no leak report */
}

int main(int argc, char **argv)
{
	struct options o = { .chaos = 0 };
	parse(argc, argv, &o);
	if (o.list)
		return list();
	if (!o.prim || !o.impl || !o.scenario)
		usage("--prim, --impl and --scenario are required");
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	self[n > 0 ? n : 0] = '\0';
	const struct scenario *sc;
	const csp_info *impl;
	settle(&o, &sc, &impl);
	if (o.seeds > 0)
		return stress_explore(&o, sc, impl, n > 0 ? self : argv[0]);
	return stress_run(&o, sc, impl, n > 0 ? self : argv[0]);
}
