/*
 * The harness library: what the conformance runner (tests/), the stress runner (stress/) and the
 * benchmark driver (bench/) share. Not part of the installed library; harnesses link its objects
 * (CMake target csplab_harness).
 *
 *   suite.c   registration (HX_REGISTER, in the style of CSP_REGISTER), the property gap,
 *             the harness-only properties
 *   record.c  the first failure of a test or run, kept across threads
 *   result.c  the exit statuses and the one machine-readable result line a harness binary
 *             ends with, printed even when the process dies (signal, sanitizer report)
 *   clock.c   time the process could not use: the run-queue discount behind every deadline
 *
 * Bodies (test bodies, stress scenarios, benchmark scenarios) use their own harness's header;
 * this one is for the harnesses themselves.
 */
#ifndef CSPLAB_HARNESS_HX_H
#define CSPLAB_HARNESS_HX_H

#include <csplab/impl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Harness-only properties (suite.c) ------------------------------------------------------ */
/* Bits of csp_info.props in CSP_PROPS_HARNESS (impl.h), which plug-ins never set. */
enum {
	/* Benchmark-only: does no synchronisation at all; measures the harness's own overhead. */
	CSP_PROP_NULL = 1u << 30,
	/* Test-only: a deliberately broken implementation, which the suites must fail. */
	CSP_PROP_BROKEN = 1u << 31,
};

/* csp_prop_name, and the harness-only bits' names ("null", "broken"). */
const char *hx_prop_name(unsigned prop);

/* ---- Registration (suite.c) ------------------------------------------------------------------ */

/* What one kind of harness binary runs: conformance test tables, stress scenario tables, ...
 * Filled by HX_REGISTER constructors before main(), in link order; read-only afterwards. */
typedef struct hx_suite {
	const char *name;
	const void **items;
	size_t n, cap;
} hx_suite;

void hx_register(hx_suite *suite, const void *item);

/* Free obj, an object of the implementation under test made for primitive prim (the harnesses'
 * object lists); false, doing nothing, when prim names no primitive. */
bool hx_obj_free(enum csp_prim prim, void *obj);

/* The registration line: HX_REGISTER(suite, type, item) adds item (of pointer type `type`,
 * checked) to suite. A harness wraps it for its bodies (T_REGISTER, S_REGISTER). */
#define HX_REGISTER(suite, type, item)                                                             \
	__attribute__((constructor)) static void hx__register_##item(void)                             \
	{                                                                                              \
		type hx__item = (item);                                                                    \
		hx_register(&(suite), hx__item);                                                           \
	}

/* The property gap: the first bit (lowest) that keeps a case needing `requires` and not
 * promised with `forbids` from running on an implementation with `props`; 0 if none. *missing
 * says which: required and missing (true), or declared and exempting (false). */
unsigned hx_prop_gap(unsigned requires, unsigned forbids, unsigned props, bool *missing);

/* ---- Why a test or run failed, as the result line names it ---------------------------------- */

enum hx_why {
	HX_WHY_NONE,
	HX_WHY_CHECK, /* a check of the body failed ("check") */
	HX_WHY_HANG,  /* a deadline or the watchdog: no progress ("hang") */
	HX_WHY_RACE,  /* a ThreadSanitizer report ("race") */
	HX_WHY_CRASH, /* a signal, a fatal error, another sanitizer's report ("crash") */
};

const char *hx_why_name(enum hx_why why);

/* ---- The first failure (record.c) ------------------------------------------------------------ */

/* Any thread or task may record; the first record is kept (later ones are usually its
 * consequences), and read by the harness's own thread once `ready` is set. */
typedef struct hx_first {
	_Atomic int failed;   /* a failure was recorded (a stop signal for the body's tasks) */
	_Atomic int ready;    /* msg is complete */
	enum hx_why why;
	int at;               /* where the message proper starts in msg, after "<prefix><file>:<line>: " */
	char msg[1024];
} hx_first;

/* Record "<prefix><file base name>:<line>: <message>" unless a failure is recorded already.
 * Returns whether this one was kept. */
bool hx_fail_v(hx_first *f, enum hx_why why, const char *prefix, const char *file, int line,
	const char *fmt, va_list ap);
/* The recorded message, or NULL (acquire: pairs with the recording). */
const char *hx_first_msg(hx_first *f);

/* ---- Exit statuses and the result line (result.c) --------------------------------------------- */

enum {
	HX_EXIT_PASS = 0,
	HX_EXIT_FAIL = 1,    /* a check failed, a race or a crash was reported */
	HX_EXIT_USAGE = 2,
	HX_EXIT_HANG = 3,    /* the watchdog or a deadline ended it */
	HX_EXIT_CRASH = 4,   /* a sanitizer other than ThreadSanitizer stopped the process */
	HX_EXIT_RACE = 66,   /* a ThreadSanitizer report stopped it (TSan's own default status) */
	HX_EXIT_ABSENT = 77, /* everything selected was absent (ctest: skipped) */
};

/* Why a child harness process failed, from its wait status (a signal: a crash); HX_WHY_NONE
 * for HX_EXIT_PASS and HX_EXIT_ABSENT. */
enum hx_why hx_why_of_status(int status);

/*
 * Every harness binary ends with one line, its last on stderr (scripts/mutants.py reads it;
 * nothing reads the wording of a message):
 *
 *   csplab-result: {"harness":"conformance","status":"fail","first":"mutex/futex/TestMutex",
 *     "why":"hang","seed":null,"counts":{"selected":1,"passed":0,"failed":1,"absent":0},
 *     "message":"..."}
 *
 * status: pass, fail or absent (nothing failed and nothing passed); first: the first test or
 * run that failed (null if none); why: check, hang, race or crash (null if none); seed: the
 * run's seed as "0x...", or null; message: the first failure's message, or for a pass the
 * run's summary. A process that dies (a signal, a sanitizer report) still prints it, from the
 * hooks hx_result_begin installs, naming the test that was running.
 */
void hx_result_begin(const char *harness);
/* The test or run now running (crash and race reports name it), and the seed, if any. */
void hx_result_running(const char *name, const uint64_t *seed);
/* Text the death hooks print before the result line (e.g. the command that replays the run);
 * copied. */
void hx_result_epitaph(const char *text);
/* The running test's outcome. A failure's message is copied; the first failure is kept. */
void hx_result_pass(const char *summary);
void hx_result_absent(const char *why);
void hx_result_fail(enum hx_why why, const char *message);
/* Print the line; returns the exit status that goes with it: HX_EXIT_FAIL (HX_EXIT_HANG when
 * the first failure was a hang), HX_EXIT_ABSENT, or HX_EXIT_PASS. */
int hx_result_end(void);
/* True once a ThreadSanitizer report was seen (TSan builds). */
bool hx_result_raced(void);

/* ---- Time the machine took: the run-queue discount (clock.c) -------------------------------- */

/* The run-queue delay (ns) of thread tid of this process: the time it spent runnable but not
 * running, the second field of /proc/self/task/<tid>/schedstat; -1 where the kernel has none.
 * Plain system calls (no stdio, no allocation): any thread or coroutine may call it. */
int64_t hx_run_delay(int tid);
/* The calling OS thread's id, for hx_run_delay. */
int hx_tid(void);

/*
 * A deadline means "the test made no progress", never "the machine was busy". A watcher (the
 * thread that enforces a deadline) samples the process with hx_busy_sample now and then; each
 * sample returns the part of the time since the previous one that the process's threads spent
 * waiting for a CPU, and the watcher moves its deadlines later by that much.
 *
 * Over an interval of dt, with R and Q the run and run-queue times its threads added (summed
 * over the threads alive at both ends, or born since), the discount is
 *
 *     dt * min(Q / (R + Q), Q / dt, HX_BUSY_CAP)
 *
 * Q / (R + Q) is the share of the CPU time the process asked for that it had to wait for: a
 * machine with twice as many runnable threads as CPUs gives about 1/2, so a deadline stretches
 * about 2x. Q / dt keeps a process that barely asked for a CPU (all its threads blocked: a
 * deadlock, a lost wake-up) from being discounted however busy the machine: such a test still
 * fails at its deadline. HX_BUSY_CAP bounds the stretch (1 / (1 - cap)), so that a livelock of
 * spinning threads, which queue behind each other, still ends. Threads that were born and died
 * between two samples are not seen; sample often enough (HX_BUSY_PERIOD) that most are.
 *
 * The sampler allocates (its table of threads): call it from the watcher only, never from a
 * task of the runtime under test.
 */
/* 0.95: beside `stress-ng --cpu 8` on 2 CPUs, with other jobs, the load average on this
 * project's machine reached 14-62 (mean 37); at cap 0.9 (10x) seven thread-per-iteration tests
 * (TestNonblockRecvRace, TestMutexExclusion) still ran out of time. */
#define HX_BUSY_CAP 0.95
#define HX_BUSY_PERIOD_NS (50 * 1000 * 1000) /* how often watchers sample */

struct hx_busy_thread {
	int tid;
	int64_t run, queued; /* ns, at the last sample */
};

typedef struct hx_busy {
	int64_t at;                   /* csp_now() of the last sample; 0: none yet */
	struct hx_busy_thread *seen;  /* the threads at the last sample, by tid */
	size_t n, cap;
	int64_t discounted;           /* total returned so far, for messages */
} hx_busy;

/* Start sampling: the first sample, from which the next one counts. */
void hx_busy_start(hx_busy *b);
/* The ns of wall time since the previous sample to discount (see above); 0 when the kernel
 * keeps no schedstat. */
int64_t hx_busy_sample(hx_busy *b);
void hx_busy_stop(hx_busy *b);

#endif /* CSPLAB_HARNESS_HX_H */
