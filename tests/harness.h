/*
 * The conformance suite's harness: one test body per behaviour, run over every registered
 * implementation of its primitive.
 *
 * How a test runs. The CMocka test function (runner.c) runs the body as a task in the
 * implementation's family runtime and waits for it with a deadline. So a body may block freely:
 * a broken implementation that hangs makes the test fail with "timed out" and the last progress
 * note, never a stuck CI job. Bodies and the tasks they spawn never call CMocka: CMocka's asserts
 * are not thread-safe (they longjmp on the wrong stack). They use T_CHECK / t_fail, which record
 * the first failure; the CMocka thread turns it into the test's failure message.
 *
 * Tests with .direct = true run on the CMocka thread itself with no runtime (forked misuse
 * checks).
 */
#ifndef CSPLAB_TESTS_HARNESS_H
#define CSPLAB_TESTS_HARNESS_H

#include "hx.h"

#include <csplab/csplab.h>
#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct tctx tctx;

struct tcase {
	const char *name;    /* Go's test name where it is a port: "TestChan" */
	enum csp_prim prim;  /* run over every implementation of this primitive */
	void (*body)(tctx *t);
	unsigned requires;   /* csp_prop bits the behaviour needs; absent: recorded, not failed */
	unsigned forbids;    /* csp_prop bits with which the behaviour is not promised */
	bool direct;         /* run on the CMocka thread, without a runtime (fork-based tests) */
};

/* The tables, one per test file, each ended by an entry with name == NULL and registered with
 * T_REGISTER(table) after it (harness/hx.h: HX_REGISTER). */
extern hx_suite conformance_suite;
#define T_REGISTER(table) HX_REGISTER(conformance_suite, const struct tcase *, table)

struct tobj { /* an object to free after a passing test */
	struct tobj *next;
	enum csp_prim prim;
	void *obj;
};

struct tctx {
	const struct tcase *tc;
	const csp_info *impl; /* the implementation under test (its ops table) */
	const csp_runtime_ops *rt;
	/* csp_now() by which the body must be done. The runner moves it later by the time the
	 * process spent waiting for a CPU (harness/hx.h: hx_busy), so a deadline means "no
	 * progress", not "a busy machine"; read it afresh at each check. */
	_Atomic int64_t deadline;
	/* Steps the body has made (t_tick). While they keep coming the runner moves the deadline
	 * later too, so it bounds a stall, not a slow run: a spinning lock whose next owner is
	 * preempted, on a machine shared with a CPU hog, progresses slowly but does not hang. */
	_Atomic uint64_t ticks;
	/* csp_now() after which the long loops stop at their floor (t_more), and whether one did */
	int64_t soft_end;
	_Atomic int cut;
	hx_first first;       /* the first failure */
	_Atomic(struct tobj *) objs;
	_Atomic(const char *) progress; /* a static string: where the body is */
	_Atomic(const char *) absent;   /* a static string: why the body could not test (t_absent) */
};

/* ---- Failing --------------------------------------------------------------------------------- */

/* Record a failure (thread-safe; the first one is kept). Callers then return. */
void t_fail_at(tctx *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define t_fail(t, ...) t_fail_at((t), __FILE__, __LINE__, __VA_ARGS__)

/* If !cond: record the failure and return from the calling (void) function. */
#define T_CHECK(t, cond, ...)                                                                      \
	do {                                                                                           \
		if (!(cond)) {                                                                             \
			t_fail_at((t), __FILE__, __LINE__, "check failed: %s: " _T_FIRST(__VA_ARGS__),          \
				#cond _T_REST(__VA_ARGS__));                                                   \
			return;                                                                                \
		}                                                                                          \
	} while (0)
#define _T_FIRST(fmt, ...) fmt
#define _T_REST(fmt, ...) , ##__VA_ARGS__

/* Equality of two integers with both values in the message. */
#define T_CHECK_EQ(t, a, b)                                                                        \
	T_CHECK(t, (int64_t)(a) == (int64_t)(b), "%s = %lld, %s = %lld", #a, (long long)(a), #b,        \
		(long long)(b))

static inline bool t_failed(tctx *t)
{
	return atomic_load(&t->first.failed) != 0;
}

/* The implementation lacks an optional hook the body needs (`why`, a string literal): the test
 * is recorded as absent, as for a missing property, unless it also failed. The body returns. */
static inline void t_absent(tctx *t, const char *why)
{
	atomic_store(&t->absent, why);
}

/* Say where the body is, for the timeout message. `where` must be a string literal. */
static inline void t_progress(tctx *t, const char *where)
{
	atomic_store(&t->progress, where);
}

/* One step of progress: an object made, a task finished, a critical section run. */
static inline void t_tick(tctx *t)
{
	/* relaxed: a count the runner only watches change; it orders nothing */
	atomic_fetch_add_explicit(&t->ticks, 1, memory_order_relaxed);
}

/* ---- Objects of the implementation under test -------------------------------------------------- */
/* Each fails the test (and returns NULL) if creation fails. Freed after the test passes. */
csp_chan *t_chan(tctx *t, size_t elem_size, size_t cap);
csp_mutex *t_mutex(tctx *t);
csp_rwlock *t_rwlock(tctx *t);
csp_waitgroup *t_wg(tctx *t);

/* Runner only: free what t_chan & co. made. */
void t_free_objects(tctx *t);

/* ---- Tasks ------------------------------------------------------------------------------------ */

/* A group of tasks to wait for, independent of the implementation under test. */
typedef struct tgroup {
	_Atomic int64_t pending;
} tgroup;

/* Spawn fn(arg) in the runtime under test, counted in g. Fails the test if spawn fails. */
bool t_go(tctx *t, tgroup *g, csp_task_fn fn, void *arg);
/* Wait (bounded by the test's deadline) until every task of g returned. On timeout, fails the
 * test with "timed out waiting for N task(s): <what>" and returns false. */
bool t_wait(tctx *t, tgroup *g, const char *what);
/* Wait, bounded, until *flag becomes nonzero (acquire). Fails the test on timeout. */
bool t_wait_flag(tctx *t, _Atomic int *flag, const char *what);


/* ---- Sizes -------------------------------------------------------------------------------------- */

/* Online CPUs. Task counts derive from it so the suite scales with the machine. */
int t_ncpu(void);
/* Iteration count n, reduced under sanitizers (which slow code 5-20x); at least 1. */
int64_t t_iters(int64_t n);
/* True in a sanitizer build. */
bool t_sanitized(void);
/* Should a loop planned for n iterations, `done` of them run, go on? Always up to a floor of
 * n/8 (at least 1), then only while the test's time budget (a third of its timeout) lasts. On a
 * quiet machine the budget is never reached; on one shared with a CPU hog, a loop of thread
 * spawns or yields does fewer iterations instead of failing for time, and the runner says so
 * on stderr. The loops that spawn or yield per iteration use it; detection on a quiet machine
 * (the mutant check's) runs the full count. */
bool t_more(tctx *t, int64_t done, int64_t n);
/* The floor t_more always runs of a loop planned for n iterations: n/8, at least 1. */
int64_t t_floor(int64_t n);

/* A stopwatch for a bound on elapsed time ("returns within X"): its reading leaves out the time
 * the process's threads spent waiting for a CPU meanwhile (hx_busy, the deadlines' discount), so
 * a busy machine does not fail the bound; on a quiet one it is the wall time. */
typedef struct twatch {
	int64_t start;
	hx_busy busy;
} twatch;
void t_watch_start(twatch *w);
/* The elapsed time less the discount; *queued (if not NULL) gets the discount. Ends the watch. */
int64_t t_watch_stop(twatch *w, int64_t *queued);

/* ---- Fatal misuse (direct tests only) --------------------------------------------------------- */

/* Run fn(arg) in a forked child and check that it dies (abort or nonzero exit) printing
 * `message` on stderr. Fails the test otherwise. */
void t_expect_fatal(tctx *t, void (*fn)(void *), void *arg, const char *message);

#endif /* CSPLAB_TESTS_HARNESS_H */
