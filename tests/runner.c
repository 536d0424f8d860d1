/*
 * csplab-conformance: runs the conformance suite (CMocka) over every registered implementation.
 *
 *   csplab-conformance --list            one line per test: <prim> <impl> <test> <workers-env>
 *   csplab-conformance [--prim=P] [--impl=NAME] [--test=NAME] [--timeout=SECONDS]
 *   csplab-conformance --help | --version
 *
 * <workers-env> is the variable that sets how many OS threads the implementation's runtime
 * runs its tasks on (csp_runtime_ops.workers_env), or "-": ctest runs those tests again on one
 * worker (and the outside-caller tests on four; tests/discover.cmake.in).
 *
 * ctest runs one process per (implementation, test), so a test that hangs or crashes takes no
 * other test with it and ctest names the implementation and the test that failed.
 * The last line on stderr is the run's result (harness/hx.h): the first failing test, why
 * (check, hang, race, crash), the counts.
 * Exit status: 0 all passed, 1 a test failed, 2 bad usage, 3 the first failure was a hang,
 * 66 a ThreadSanitizer report, 77 everything selected was recorded as absent (the
 * implementation lacks a property the test needs).
 */
#define _GNU_SOURCE
#include "harness.h"
#include "hx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <csplab/version.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

hx_suite conformance_suite = { .name = "conformance" };

struct selected {
	const struct tcase *tc;
	const csp_info *impl;
	const char *name; /* <prim>/<impl>/<test> */
};

static int64_t test_timeout; /* ns a body may run */

struct body_run {
	tctx *t;
	_Atomic int done;
};

static void body_task(void *p)
{
	struct body_run *r = p;
	r->t->tc->body(r->t);
	/* release: publishes the body's writes (failure message included) to the CMocka thread */
	atomic_store_explicit(&r->done, 1, memory_order_release);
}

/* A body that keeps making steps (t_tick) may run this many times its timeout in all. */
enum { PROGRESS_STRETCH = 10 };

/* Wait on the CMocka thread (an OS thread outside any runtime) until the body is done, or
 * `grace` past the test's deadline. The deadline moves later in two ways, checked each
 * HX_BUSY_PERIOD: by the time the process waited for a CPU (hx_busy_sample; *discounted says
 * how much in all), and, while the body's step count keeps rising, to a full timeout from the
 * last step seen, up to PROGRESS_STRETCH timeouts from the start. So the deadline bounds a
 * stall; a slow machine only lengthens a run. */
static bool wait_body(struct body_run *r, int64_t grace, int64_t *discounted, bool *stepping)
{
	struct timespec tick = { 0, 200 * 1000 };
	hx_busy busy;
	hx_busy_start(&busy);
	int64_t last_cap = busy.at + PROGRESS_STRETCH * test_timeout;
	uint64_t ticks = atomic_load_explicit(&r->t->ticks, memory_order_relaxed);
	int64_t stepped = busy.at; /* when a step was last seen */
	bool done;
	/* acquire: pairs with the release store in body_task */
	while (!(done = atomic_load_explicit(&r->done, memory_order_acquire))) {
		int64_t now = csp_now();
		if (now - busy.at >= HX_BUSY_PERIOD_NS) {
			atomic_fetch_add(&r->t->deadline, hx_busy_sample(&busy));
			/* relaxed: only whether the count changed matters (t_tick) */
			uint64_t seen = atomic_load_explicit(&r->t->ticks, memory_order_relaxed);
			int64_t by = now + test_timeout < last_cap ? now + test_timeout : last_cap;
			if (seen != ticks) {
				stepped = now;
				if (atomic_load(&r->t->deadline) < by)
					atomic_store(&r->t->deadline, by);
			}
			ticks = seen;
		}
		if (now > atomic_load(&r->t->deadline) + grace) {
			*stepping = now - stepped < test_timeout;
			break;
		}
		nanosleep(&tick, NULL);
		if (tick.tv_nsec < 5 * 1000 * 1000)
			tick.tv_nsec *= 2;
	}
	*discounted = busy.discounted;
	hx_busy_stop(&busy);
	return done;
}

/* The test failed: the result line hears of `detail` and CMocka of the test, the
 * implementation and `detail`. */
static _Noreturn void failed(const struct selected *s, enum hx_why why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static _Noreturn void failed(const struct selected *s, enum hx_why why, const char *fmt, ...)
{
	char detail[1536];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	hx_result_fail(why, detail);
	fail_msg("%s on '%s': %s", s->tc->name, s->impl->name, detail);
	abort(); /* not reached: fail_msg does not return */
}

static _Noreturn void absent(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void absent(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	print_message("csplab: %s\n", msg);
	hx_result_absent(msg);
	skip();
	abort(); /* not reached: skip does not return */
}

static void run_one(void **state)
{
	const struct selected *s = *state;
	hx_result_running(s->name, NULL);
	bool missing;
	unsigned bit = hx_prop_gap(s->tc->requires, s->tc->forbids, s->impl->props, &missing);
	if (bit)
		absent("%s/%s: property %s \"%s\": %s recorded as absent",
			csp_prim_name(s->tc->prim), s->impl->name, missing ? "missing" : "declared",
			hx_prop_name(bit), s->tc->name);

	tctx *t = calloc(1, sizeof *t); /* leaked if the body hangs: its tasks may still use it */
	assert_non_null(t);
	t->tc = s->tc;
	t->impl = s->impl;
	t->rt = csp_runtime_for(s->impl->family);
	t->deadline = csp_now() + test_timeout;
	t->soft_end = csp_now() + test_timeout / 3;
	if (s->tc->direct) {
		s->tc->body(t);
	} else {
		struct body_run *r = calloc(1, sizeof *r);
		assert_non_null(r);
		r->t = t;
		csp_runtime_set_current(t->rt);
		int rc = t->rt->spawn(body_task, r);
		if (rc != 0)
			failed(s, HX_WHY_CRASH, "cannot start the test body in runtime '%s': %s",
				t->rt->name, strerror(rc));
		/* Grace beyond the body's own deadline, so its bounded waits report first. */
		int64_t discounted;
		bool stepping = false;
		if (!wait_body(r, 5 * CSP_SECOND, &discounted, &stepping)) {
			const char *where = atomic_load(&t->progress);
			const char *first = hx_first_msg(&t->first);
			failed(s, HX_WHY_HANG,
				"timed out: %s %lld s, not counting %.1f s spent waiting for a CPU "
				"(last progress: %s)%s%s",
				stepping ? "still making steps after" : "no step for",
				(long long)(stepping ? PROGRESS_STRETCH * test_timeout : test_timeout) /
					CSP_SECOND,
				(double)discounted / CSP_SECOND, where ? where : "none recorded",
				first ? "; first failure: " : "", first ? first : "");
		}
		free(r);
	}
	if (atomic_load(&t->cut))
		print_message("csplab: %s: long loops stopped at their floor (an eighth) when the "
			"time budget of %.3g s ran out (a busy machine)\n", s->name,
			(double)test_timeout / 3 / CSP_SECOND);
	const char *first = hx_first_msg(&t->first);
	if (first)
		failed(s, t->first.why, "%s", first);
	const char *why_absent = atomic_load(&t->absent);
	t_free_objects(t);
	free(t);
	if (why_absent)
		absent("%s/%s: %s: \"%s\" recorded as absent", csp_prim_name(s->tc->prim),
			s->impl->name, why_absent, s->tc->name);
	hx_result_pass("");
}

/* why == NULL: --help, the usage on stdout and exit 0; otherwise the reason and exit 2. */
static _Noreturn void usage(const char *why)
{
	FILE *to = why ? stderr : stdout;
	if (why)
		fprintf(stderr, "csplab-conformance: %s\n", why);
	fprintf(to,
		"usage: csplab-conformance [--list] [--prim=P] [--impl=NAME] [--test=NAME] "
		"[--timeout=SECONDS]\n"
		"Runs the conformance suite (CMocka) over the registered implementations.\n"
		"\n"
		"  -l, --list           list the tests: <prim> <impl> <test> <workers-env>, one per line\n"
		"  -p, --prim=P         only primitive P: chan, mutex, rwlock or waitgroup\n"
		"  -i, --impl=NAME      only implementation NAME\n"
		"  -t, --test=NAME      only test NAME\n"
		"  -T, --timeout=SECS   bound on each test's stall: it fails after SECS without a\n"
		"                       step, or 10 x SECS in all (default 30, sanitized builds 90;\n"
		"                       time spent waiting for a CPU is not counted)\n"
		"  -h, --help           this help\n"
		"  -V, --version        print csplab's version\n"
		"\n"
		"Environment:\n"
		"  CSPLAB_TEST_TIMEOUT  default for --timeout\n"
		"  CMOCKA_MESSAGE_OUTPUT, CMOCKA_XML_FILE, CMOCKA_TEST_ABORT  CMocka's own\n"
		"  CSPLAB_CORO_WORKERS and the other CSPLAB_CORO_* settings (docs/coro.md)\n"
		"Exit: 0 passed, 1 a test failed, 2 bad usage, 3 the first failure was a hang,\n"
		"66 a ThreadSanitizer report, 77 all selected tests absent. The last line on stderr\n"
		"is the result as JSON (csplab-result: ...).\n");
	exit(why ? HX_EXIT_USAGE : HX_EXIT_PASS);
}

static bool selected_by(const char *filter, const char *value)
{
	return !filter || strcmp(filter, value) == 0;
}

int main(int argc, char **argv)
{
	const char *prim = NULL, *impl = NULL, *test = NULL;
	bool list = false;
	double timeout_s = t_sanitized() ? 90 : 30;
	const char *env_timeout = getenv("CSPLAB_TEST_TIMEOUT");
	if (env_timeout)
		timeout_s = atof(env_timeout);
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "prim", required_argument, NULL, 'p' },
		{ "impl", required_argument, NULL, 'i' },
		{ "test", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	for (int c; (c = getopt_long(argc, argv, "lp:i:t:T:hV", opts, NULL)) != -1;) {
		switch (c) {
		case 'l': list = true; break;
		case 'p': prim = optarg; break;
		case 'i': impl = optarg; break;
		case 't': test = optarg; break;
		case 'T': timeout_s = atof(optarg); break;
		case 'h': usage(NULL);
		case 'V': printf("csplab-conformance (csplab) %s\n", CSPLAB_VERSION); return 0;
		default: usage("unknown option or missing value");
		}
	}
	if (optind < argc)
		usage("unexpected argument");
	if (timeout_s <= 0)
		usage("--timeout must be a positive number of seconds");
	test_timeout = (int64_t)(timeout_s * CSP_SECOND);

	size_t cap = 0, n = 0;
	struct selected *sel = NULL;
	struct CMUnitTest *tests = NULL;
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if (!selected_by(prim, csp_prim_name(e->prim)) || !selected_by(impl, e->info->name))
			continue;
		const char *workers_env = csp_runtime_for(e->info->family)->workers_env;
		for (size_t k = 0; k < conformance_suite.n; k++) {
			for (const struct tcase *tc = conformance_suite.items[k]; tc->name; tc++) {
				if (tc->prim != e->prim || !selected_by(test, tc->name))
					continue;
				if (list) {
					printf("%s %s %s %s\n", csp_prim_name(e->prim), e->info->name,
						tc->name, workers_env ? workers_env : "-");
					continue;
				}
				if (n == cap) {
					cap = cap ? 2 * cap : 64;
					sel = realloc(sel, cap * sizeof *sel);
					tests = realloc(tests, cap * sizeof *tests);
					if (!sel || !tests)
						usage("out of memory");
				}
				char *name;
				if (asprintf(&name, "%s/%s/%s", csp_prim_name(e->prim), e->info->name,
					    tc->name) < 0)
					usage("out of memory");
				sel[n] = (struct selected){ tc, e->info, name };
				tests[n] = (struct CMUnitTest){ .name = name, .test_func = run_one };
				n++;
			}
		}
	}
	if (list)
		return 0;
	if (n == 0) {
		fprintf(stderr, "csplab-conformance: no test matches%s%s%s%s%s%s (see --list)\n",
			prim ? " --prim " : "", prim ? prim : "", impl ? " --impl " : "",
			impl ? impl : "", test ? " --test " : "", test ? test : "");
		return HX_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		tests[i].initial_state = &sel[i];

	hx_result_begin("conformance");
	int cmocka_failed = _cmocka_run_group_tests("csplab conformance", tests, n, NULL, NULL);
	int status = hx_result_end();
	if (cmocka_failed && status == HX_EXIT_PASS)
		status = HX_EXIT_FAIL; /* CMocka saw a failure the harness did not: trust it */
	for (size_t i = 0; i < n; i++)
		free((char *)tests[i].name);
	free(tests);
	free(sel);
	return status;
}
