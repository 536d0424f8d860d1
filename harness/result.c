/*
 * The result line every harness binary ends with (hx.h), and the hooks that still print it when
 * the process dies: fatal signals, ThreadSanitizer reports, other sanitizers' deaths.
 *
 * One result per process, kept here. Each change of state rewrites the two lines the hooks may
 * need (the running test crashed; the running test raced), so that the hooks only write(2).
 */
#define _GNU_SOURCE
#include "hx.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef CSPLAB_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

#define LINE_MAX_ 4096

static struct {
	const char *harness;
	char running[256];      /* the test or run now running; "" between them */
	bool seeded;
	uint64_t seed;
	int selected, passed, failed, absent;
	enum hx_why why;        /* the first failure's, HX_WHY_NONE if none */
	char first[256];
	char message[1536];
	char summary[1024];     /* the last pass's */
	char epitaph[8192];
	char crash_line[LINE_MAX_], race_line[LINE_MAX_];
} R;

static _Atomic int raced; /* ThreadSanitizer reports seen */

static void say(const char *s)
{
	(void)!write(STDERR_FILENO, s, strlen(s));
}

/* s as a JSON string (quotes included) into out, truncated to fit. */
static void json_str(char *out, size_t n, const char *s)
{
	size_t j = 0;
	if (n < 3)
		return;
	out[j++] = '"';
	for (const char *p = s; *p && j + 8 < n; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '"' || ch == '\\') {
			out[j++] = '\\';
			out[j++] = (char)ch;
		} else if (ch < 0x20) {
			j += (size_t)snprintf(out + j, n - j, "\\u%04x", ch);
		} else {
			out[j++] = (char)ch;
		}
	}
	out[j++] = '"';
	out[j] = '\0';
}

/* The line for the state as it is, or as it would be if the running test (if any) failed
 * with `why`/`message` now (why != HX_WHY_NONE). */
static void format_line(char *out, size_t n, enum hx_why why, const char *message)
{
	int failed = R.failed, selected = R.selected;
	enum hx_why first_why = R.why;
	const char *first = R.first, *msg = R.message;
	if (why != HX_WHY_NONE && R.running[0]) {
		failed++;
		if (first_why == HX_WHY_NONE) {
			first_why = why;
			first = R.running;
			msg = message;
		}
	}
	const char *status = failed ? "fail" : R.passed || !R.absent ? "pass" : "absent";
	if (!failed)
		msg = R.summary; /* the last pass's summary, or the first absence's reason */
	char first_j[300] = "null", why_j[16] = "null", seed_j[24] = "null", msg_j[2048];
	if (first_why != HX_WHY_NONE) {
		json_str(first_j, sizeof first_j, first);
		json_str(why_j, sizeof why_j, hx_why_name(first_why));
	}
	if (R.seeded)
		snprintf(seed_j, sizeof seed_j, "\"0x%016llx\"", (unsigned long long)R.seed);
	json_str(msg_j, sizeof msg_j, msg);
	/* A line of its own, even after output cut off mid-line (a framework's, before abort). */
	snprintf(out, n,
		"\ncsplab-result: {\"harness\":\"%s\",\"status\":\"%s\",\"first\":%s,\"why\":%s,"
		"\"seed\":%s,\"counts\":{\"selected\":%d,\"passed\":%d,\"failed\":%d,\"absent\":%d},"
		"\"message\":%s}\n",
		R.harness ? R.harness : "?", status, first_j, why_j, seed_j, selected, R.passed,
		failed, R.absent, msg_j);
}

static void prepare(void)
{
	format_line(R.crash_line, sizeof R.crash_line, HX_WHY_CRASH,
		"the process died (a signal, a fatal error or a sanitizer report)");
	format_line(R.race_line, sizeof R.race_line, HX_WHY_RACE, "ThreadSanitizer report");
}

/* ---- Hooks ------------------------------------------------------------------------------------ */

static void on_signal(int sig)
{
	say(R.epitaph);
	say(R.crash_line);
	signal(sig, SIG_DFL);
	raise(sig);
}

#ifdef CSPLAB_TSAN
/* ThreadSanitizer's own interface (tsan_interface.h, "for debuggers"): the kind of a report. */
int __tsan_get_report_data(void *report, const char **description, int *count, int *stack_count,
	int *mop_count, int *loc_count, int *mutex_count, int *thread_count, int *unique_tid_count,
	void **sleep_trace, unsigned long trace_size);

/* ThreadSanitizer calls this after printing each report (before halting, if it halts). */
void __tsan_on_report(void *report);
void __tsan_on_report(void *report)
{
	const char *kind = NULL;
	int counts[7];
	void *trace[1];
	if (__tsan_get_report_data(report, &kind, &counts[0], &counts[1], &counts[2], &counts[3],
		    &counts[4], &counts[5], &counts[6], trace, 1) != 1)
		kind = NULL;
	char msg[128];
	snprintf(msg, sizeof msg, "ThreadSanitizer: %s", kind ? kind : "report");
	if (atomic_fetch_add(&raced, 1) == 0)
		format_line(R.race_line, sizeof R.race_line, HX_WHY_RACE, msg);
}
#endif

#ifdef CSPLAB_SANITIZED
static void on_sanitizer_death(void)
{
	bool race = atomic_load(&raced) != 0;
	say(R.epitaph);
	say(race ? R.race_line : R.crash_line);
	_exit(race ? HX_EXIT_RACE : HX_EXIT_CRASH);
}
#endif

void hx_result_begin(const char *harness)
{
	memset(&R, 0, sizeof R); /* a forked child starts its own result */
	atomic_store(&raced, 0);
	R.harness = harness;
	prepare();
	signal(SIGABRT, on_signal);
#ifndef CSPLAB_ASAN /* AddressSanitizer reports these itself, then calls the death callback */
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGFPE, on_signal);
	signal(SIGILL, on_signal);
#endif
#ifdef CSPLAB_SANITIZED
	__sanitizer_set_death_callback(on_sanitizer_death);
#endif
}

/* ---- Outcomes --------------------------------------------------------------------------------- */

static void record_failure(enum hx_why why, const char *message)
{
	R.failed++;
	if (R.why == HX_WHY_NONE) {
		R.why = why;
		snprintf(R.first, sizeof R.first, "%s", R.running);
		snprintf(R.message, sizeof R.message, "%s", message);
	}
	R.running[0] = '\0';
	prepare();
}

void hx_result_running(const char *name, const uint64_t *seed)
{
	if (R.running[0]) /* the previous one ended without an outcome: the framework caught a
	                   * signal in it */
		record_failure(HX_WHY_CRASH, "ended without a result (a signal, caught)");
	R.selected++;
	snprintf(R.running, sizeof R.running, "%s", name);
	R.seeded = seed != NULL;
	R.seed = seed ? *seed : 0;
	prepare();
}

void hx_result_epitaph(const char *text)
{
	snprintf(R.epitaph, sizeof R.epitaph, "%s", text);
}

void hx_result_pass(const char *summary)
{
	R.passed++;
	snprintf(R.summary, sizeof R.summary, "%s", summary ? summary : "");
	R.running[0] = '\0';
	prepare();
}

void hx_result_absent(const char *why)
{
	R.absent++;
	if (!R.passed)
		snprintf(R.summary, sizeof R.summary, "%s", why ? why : "");
	R.running[0] = '\0';
	prepare();
}

void hx_result_fail(enum hx_why why, const char *message)
{
	record_failure(why, message);
}

bool hx_result_raced(void)
{
	return atomic_load(&raced) != 0;
}

int hx_result_end(void)
{
	if (R.running[0])
		record_failure(atomic_load(&raced) ? HX_WHY_RACE : HX_WHY_CRASH,
			"ended without a result");
	char line[LINE_MAX_];
	format_line(line, sizeof line, HX_WHY_NONE, NULL);
	fflush(stdout);
	say(line);
	if (R.failed)
		return R.why == HX_WHY_HANG ? HX_EXIT_HANG : HX_EXIT_FAIL;
	return R.passed || !R.absent ? HX_EXIT_PASS : HX_EXIT_ABSENT;
}

enum hx_why hx_why_of_status(int status)
{
	if (WIFSIGNALED(status))
		return HX_WHY_CRASH;
	switch (WIFEXITED(status) ? WEXITSTATUS(status) : HX_EXIT_FAIL) {
	case HX_EXIT_PASS:
	case HX_EXIT_ABSENT: return HX_WHY_NONE;
	case HX_EXIT_HANG: return HX_WHY_HANG;
	case HX_EXIT_RACE: return HX_WHY_RACE;
	case HX_EXIT_CRASH: return HX_WHY_CRASH;
	default: return HX_WHY_CHECK;
	}
}
