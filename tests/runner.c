/*
 * csplab-conformance: runs the conformance suite (CMocka) over every registered implementation.
 *
 *   csplab-conformance --list                       one line per test: <prim> <impl> <test> <family>
 *   csplab-conformance [--prim=P] [--impl=NAME] [--test=NAME] [--timeout=SECONDS]
 *   csplab-conformance --help | --version
 *
 * ctest runs one process per (implementation, test), so a test that hangs or crashes takes no
 * other test with it and ctest names the implementation and the test that failed.
 * Exit status: 0 all passed, 1 a test failed, 2 bad usage, 77 everything selected was recorded
 * as absent (the implementation lacks a property the test needs).
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

#define EXIT_ABSENT 77

static const struct tcase *const tables[] = {
	chan_go_tests, chan_nonblock_tests, chan_order_tests, chan_close_tests,
	chan_time_tests, chan_elem_tests, chan_size_tests, chan_waiters_tests,
	select_go_tests, select_fair_tests, select_gochan_tests, select_semantics_tests,
	mutex_tests,
	rwlock_tests, rwlock_order_tests, rwlock_misuse_tests,
	waitgroup_tests, task_tests, outside_tests,
};

struct selected {
	const struct tcase *tc;
	const csp_info *impl;
};

static int64_t test_timeout; /* ns a body may run */
static int n_absent;

static unsigned prop_gap(const struct tcase *tc, const csp_info *impl)
{
	return (tc->requires & ~impl->props) | (tc->forbids & impl->props);
}

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

/* Wait on the CMocka thread (an OS thread outside any runtime) until the body is done, or
 * `grace` past the test's deadline. Meanwhile the deadline moves later by the time the process
 * waited for a CPU (hx_busy_sample); *discounted says how much in all. */
static bool wait_body(struct body_run *r, int64_t grace, int64_t *discounted)
{
	struct timespec tick = { 0, 200 * 1000 };
	hx_busy busy;
	hx_busy_start(&busy);
	bool done;
	/* acquire: pairs with the release store in body_task */
	while (!(done = atomic_load_explicit(&r->done, memory_order_acquire))) {
		int64_t now = csp_now();
		if (now - busy.at >= HX_BUSY_PERIOD_NS)
			atomic_fetch_add(&r->t->deadline, hx_busy_sample(&busy));
		if (now > atomic_load(&r->t->deadline) + grace)
			break;
		nanosleep(&tick, NULL);
		if (tick.tv_nsec < 5 * 1000 * 1000)
			tick.tv_nsec *= 2;
	}
	*discounted = busy.discounted;
	hx_busy_stop(&busy);
	return done;
}

static void run_one(void **state)
{
	const struct selected *s = *state;
	unsigned gap = prop_gap(s->tc, s->impl);
	if (gap) {
		unsigned bit = gap & -gap;
		print_message("csplab: %s/%s: property %s \"%s\": %s recorded as absent\n",
			csp_prim_name(s->tc->prim), s->impl->name,
			(s->tc->requires & bit) ? "missing" : "declared", csp_prop_name(bit),
			s->tc->name);
		n_absent++;
		skip();
	}

	tctx *t = calloc(1, sizeof *t); /* leaked if the body hangs: its tasks may still use it */
	assert_non_null(t);
	t->tc = s->tc;
	t->impl = s->impl;
	t->rt = csp_runtime_for(s->impl->family);
	t->deadline = csp_now() + test_timeout;
	if (s->tc->direct) {
		s->tc->body(t);
	} else {
		struct body_run *r = calloc(1, sizeof *r);
		assert_non_null(r);
		r->t = t;
		csp_runtime_set_current(t->rt);
		int rc = t->rt->spawn(body_task, r);
		if (rc != 0)
			fail_msg("cannot start the test body in runtime '%s': %s", t->rt->name,
				strerror(rc));
		/* Grace beyond the body's own deadline, so its bounded waits report first. */
		int64_t discounted;
		if (!wait_body(r, 5 * CSP_SECOND, &discounted)) {
			const char *where = atomic_load(&t->progress);
			fail_msg("%s on '%s' timed out after %lld s, not counting %.1f s spent waiting "
				 "for a CPU (last progress: %s)%s%s",
				s->tc->name, s->impl->name, (long long)(test_timeout / CSP_SECOND),
				(double)discounted / CSP_SECOND, where ? where : "none recorded",
				atomic_load(&t->msg_ready) ? "; first failure: " : "",
				atomic_load(&t->msg_ready) ? t->msg : "");
		}
		free(r);
	}
	if (atomic_load(&t->failed))
		fail_msg("%s on '%s': %s", s->tc->name, s->impl->name, t->msg);
	const char *absent = atomic_load(&t->absent);
	t_free_objects(t);
	free(t);
	if (absent) {
		print_message("csplab: %s/%s: %s: \"%s\" recorded as absent\n",
			csp_prim_name(s->tc->prim), s->impl->name, absent, s->tc->name);
		n_absent++;
		skip();
	}
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
		"  -l, --list           list the tests: <prim> <impl> <test> <family>, one per line\n"
		"  -p, --prim=P         only primitive P: chan, mutex, rwlock or waitgroup\n"
		"  -i, --impl=NAME      only implementation NAME\n"
		"  -t, --test=NAME      only test NAME\n"
		"  -T, --timeout=SECS   bound on each test (default 30, sanitized builds 90)\n"
		"  -h, --help           this help\n"
		"  -V, --version        print csplab's version\n"
		"\n"
		"Environment:\n"
		"  CSPLAB_TEST_TIMEOUT  default for --timeout\n"
		"  CMOCKA_MESSAGE_OUTPUT, CMOCKA_XML_FILE, CMOCKA_TEST_ABORT  CMocka's own\n"
		"  CSPLAB_CORO_WORKERS and the other CSPLAB_CORO_* settings (docs/coro.md)\n"
		"Exit: 0 passed, 1 a test failed, 2 bad usage, 77 all selected tests absent.\n");
	exit(why ? 2 : 0);
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
		for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++) {
			for (const struct tcase *tc = tables[k]; tc->name; tc++) {
				if (tc->prim != e->prim || !selected_by(test, tc->name))
					continue;
				if (list) {
					printf("%s %s %s %s\n", csp_prim_name(e->prim), e->info->name,
						tc->name, e->info->family);
					continue;
				}
				if (n == cap) {
					cap = cap ? 2 * cap : 64;
					sel = realloc(sel, cap * sizeof *sel);
					tests = realloc(tests, cap * sizeof *tests);
					if (!sel || !tests)
						usage("out of memory");
				}
				sel[n] = (struct selected){ tc, e->info };
				char *name;
				if (asprintf(&name, "%s/%s/%s", csp_prim_name(e->prim), e->info->name,
					    tc->name) < 0)
					usage("out of memory");
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
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		tests[i].initial_state = &sel[i];

	int failed = _cmocka_run_group_tests("csplab conformance", tests, n, NULL, NULL);
	int status = failed ? 1 : (size_t)n_absent == n ? EXIT_ABSENT : 0;
	for (size_t i = 0; i < n; i++)
		free((char *)tests[i].name);
	free(tests);
	free(sel);
	return status;
}
