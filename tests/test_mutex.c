/*
 * Conformance tests of Go's sync.Mutex: ports of sync/mutex_test.go and checks of the semantics
 * sync/mutex.go documents, run over every registered mutex implementation.
 *
 * Exclusion is checked inside every critical section in two ways: an atomic count of the tasks
 * inside, and a plain counter updated by read, yield, write, whose final value must equal the
 * number of critical sections run. The count uses relaxed operations so that it orders nothing
 * itself: a mutex that lacks an acquire or a release then shows up under ThreadSanitizer as a
 * race on the plain counter.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

enum {
	FAIRNESS_ROUNDS = 10, /* acquisitions the second task needs (Go's) */
};

#define FAIRNESS_HOLD (100 * CSP_MICROSECOND)   /* how long each side sleeps (Go's) */
#define FAIRNESS_BOUND (10 * CSP_SECOND)        /* Go's bound on the ten acquisitions */

/* ---- The hammer: tasks taking one mutex in a loop -------------------------------------------- */

struct hammer {
	tctx *t;
	csp_mutex *m;
	int64_t loops;           /* iterations per task */
	int trylock_every;       /* iteration i uses trylock when i % trylock_every == 0; 0: never */
	int cs_yields;           /* yields inside each critical section, to widen it */
	_Atomic int inside;      /* tasks inside the critical section */
	int64_t counter;         /* plain: touched only under m */
	_Atomic int64_t entered; /* critical sections run, added up as each task ends */
	_Atomic int arrived;     /* tasks at the start gate */
	_Atomic int started;     /* tasks the gate waits for; -1 until they are all created */
};

/* One critical section. False, after recording the failure, if another task was inside too. */
static bool critical_section(struct hammer *h)
{
	/* relaxed, both: the count must not order the counter's accesses (see the file comment);
	 * the modification order of one atomic is enough to see two tasks inside at once */
	int before = atomic_fetch_add_explicit(&h->inside, 1, memory_order_relaxed);
	int64_t v = h->counter;
	for (int i = 0; i < h->cs_yields; i++)
		csp_yield();
	h->counter = v + 1;
	int after = atomic_fetch_sub_explicit(&h->inside, 1, memory_order_relaxed);
	t_tick(h->t);
	if (before != 0 || after != 1) {
		t_fail(h->t, "the mutex does not exclude: %d other task(s) inside at entry, %d at exit",
			before, after - 1);
		return false;
	}
	return true;
}

/* Take the mutex as iteration i does: true if this iteration holds it. */
static bool hammer_acquire(struct hammer *h, int64_t i)
{
	if (h->trylock_every > 0 && i % h->trylock_every == 0)
		return csp_mutex_trylock(h->m);
	csp_mutex_lock(h->m);
	return true;
}

/* Hold every task until all have been created, so that they contend from the first iteration
 * instead of running one after another while the next is still being created (thread creation
 * is slow under the sanitizers: without the gate a non-excluding lock could pass). */
static void hammer_gate(struct hammer *h)
{
	atomic_fetch_add(&h->arrived, 1);
	for (;;) {
		int want = atomic_load(&h->started);
		if (want >= 0 && atomic_load(&h->arrived) >= want)
			return;
		csp_yield();
	}
}

static void hammer_task(void *arg)
{
	struct hammer *h = arg;
	int64_t entered = 0;
	hammer_gate(h);
	for (int64_t i = 0; t_more(h->t, i, h->loops) && !t_failed(h->t); i++) {
		if (!hammer_acquire(h, i))
			continue;
		critical_section(h);
		csp_mutex_unlock(h->m);
		entered++;
	}
	atomic_fetch_add(&h->entered, entered);
}

/* Share `total` iterations among `tasks`, so that more CPUs mean more tasks, not more work. */
static int64_t per_task(int64_t total, int tasks)
{
	return total / tasks > 0 ? total / tasks : 1;
}

/* Run `tasks` hammer tasks on m; check that no critical section overlapped or lost an update. */
static void run_hammer(tctx *t, csp_mutex *m, int tasks, int64_t loops, int trylock_every,
	int cs_yields)
{
	struct hammer h = {
		.t = t, .m = m, .loops = loops, .trylock_every = trylock_every, .cs_yields = cs_yields,
	};
	atomic_init(&h.started, -1);
	tgroup g = { 0 };
	int started = 0;
	while (started < tasks && t_go(t, &g, hammer_task, &h))
		started++;
	atomic_store(&h.started, started);
	if (!t_wait(t, &g, "tasks locking and unlocking the mutex") || t_failed(t))
		return;
	int64_t entered = atomic_load(&h.entered);
	T_CHECK(t, h.counter == entered, "lost updates: counter %lld after %lld critical sections",
		(long long)h.counter, (long long)entered);
	T_CHECK(t, entered > 0, "no task ever got the mutex");
}

/* sync/mutex_test.go TestMutex: TryLock on a locked and an unlocked mutex, then HammerMutex
 * (every third iteration a TryLock) from ten tasks, 1000 iterations each on two CPUs. */
static void test_mutex(tctx *t)
{
	csp_mutex *m = t_mutex(t);
	if (!m)
		return;
	t_progress(t, "trylock on a locked, then an unlocked mutex");
	csp_mutex_lock(m);
	T_CHECK(t, !csp_mutex_trylock(m), "trylock succeeded with the mutex locked");
	csp_mutex_unlock(m);
	T_CHECK(t, csp_mutex_trylock(m), "trylock failed with the mutex unlocked");
	csp_mutex_unlock(m);

	t_progress(t, "HammerMutex");
	int tasks = 5 * t_ncpu();
	run_hammer(t, m, tasks, per_task(t_iters(10000), tasks), 3, 1);
}

/* Go's Mutex excludes: many more tasks than CPUs, long critical sections (three yields wide), so
 * that a lock that fails to exclude is caught on every run, even on two CPUs. */
static void test_mutex_exclusion(tctx *t)
{
	csp_mutex *m = t_mutex(t);
	if (!m)
		return;
	t_progress(t, "tasks contending for long critical sections");
	int tasks = 4 * t_ncpu();
	run_hammer(t, m, tasks, per_task(t_iters(8000), tasks), 0, 3);
}

/* ---- TryLock from several tasks -------------------------------------------------------------- */

struct try_probe {
	csp_mutex *m;
	bool got;
};

static void try_probe_task(void *arg)
{
	struct try_probe *p = arg;
	p->got = csp_mutex_trylock(p->m);
	if (p->got)
		csp_mutex_unlock(p->m);
}

/* Does a trylock from another task succeed now? (If it does, that task unlocks again.) */
static bool trylock_elsewhere(tctx *t, csp_mutex *m, bool *got)
{
	struct try_probe p = { .m = m };
	tgroup g = { 0 };
	if (!t_go(t, &g, try_probe_task, &p) || !t_wait(t, &g, "a task calling trylock"))
		return false;
	*got = p.got; /* plain: t_wait's acquire orders it after the task's write */
	return true;
}

/* Go's TryLock (Go 1.18): it succeeds exactly when the mutex is free, whoever calls it, and a
 * mutex taken with TryLock is held like one taken with Lock. */
static void test_mutex_trylock(tctx *t)
{
	csp_mutex *m = t_mutex(t);
	if (!m)
		return;
	bool got = false;
	t_progress(t, "trylock here, probe from another task");
	T_CHECK(t, csp_mutex_trylock(m), "trylock failed on a new mutex");
	T_CHECK(t, !csp_mutex_trylock(m), "trylock succeeded on a mutex its caller holds");
	if (!trylock_elsewhere(t, m, &got))
		return;
	T_CHECK(t, !got, "trylock from another task succeeded on a mutex taken with trylock");
	csp_mutex_unlock(m);

	t_progress(t, "probe a free mutex from another task");
	if (!trylock_elsewhere(t, m, &got))
		return;
	T_CHECK(t, got, "trylock from another task failed on a free mutex");
	T_CHECK(t, csp_mutex_trylock(m), "trylock failed after another task's trylock and unlock");
	csp_mutex_unlock(m);

	t_progress(t, "lock here, probe from another task");
	csp_mutex_lock(m);
	if (!trylock_elsewhere(t, m, &got))
		return;
	T_CHECK(t, !got, "trylock from another task succeeded on a mutex taken with lock");
	csp_mutex_unlock(m);
}

/* ---- Unlock by another task ------------------------------------------------------------------ */

static void lock_task(void *arg)
{
	csp_mutex_lock(arg);
}

static void unlock_task(void *arg)
{
	csp_mutex_unlock(arg);
}

static void lock_unlock_task(void *arg)
{
	csp_mutex_lock(arg);
	csp_mutex_unlock(arg);
}

/* Run fn(m) in another task and wait for it. */
static bool in_other_task(tctx *t, csp_task_fn fn, csp_mutex *m, const char *what)
{
	tgroup g = { 0 };
	return t_go(t, &g, fn, m) && t_wait(t, &g, what);
}

/* sync/mutex.go: "A locked Mutex is not associated with a particular goroutine. It is allowed
 * for one goroutine to lock a Mutex and then arrange for another goroutine to unlock it."
 * Absent for implementations that declare CSP_PROP_OWNED. */
static void test_mutex_unlock_other_task(tctx *t)
{
	csp_mutex *m = t_mutex(t);
	if (!m)
		return;
	t_progress(t, "locked here, unlocked by another task");
	csp_mutex_lock(m);
	if (!in_other_task(t, unlock_task, m, "another task unlocking the mutex"))
		return;
	T_CHECK(t, csp_mutex_trylock(m), "the mutex stayed locked after another task unlocked it");
	csp_mutex_unlock(m);

	t_progress(t, "locked by another task, unlocked here");
	if (!in_other_task(t, lock_task, m, "another task locking the mutex"))
		return;
	T_CHECK(t, !csp_mutex_trylock(m), "the mutex another task locked is not locked");
	csp_mutex_unlock(m);

	t_progress(t, "a waiter woken by a third task's unlock");
	csp_mutex_lock(m);
	tgroup g = { 0 };
	if (t_go(t, &g, lock_unlock_task, m))
		t_go(t, &g, unlock_task, m);
	if (!t_wait(t, &g, "a waiter, after a third task unlocked the mutex"))
		return;
	T_CHECK(t, csp_mutex_trylock(m), "the mutex stayed locked after the waiter's unlock");
	csp_mutex_unlock(m);
}

/* ---- Fairness -------------------------------------------------------------------------------- */

struct fairness {
	csp_mutex *m;
	_Atomic int stop;
	_Atomic int done;
};

/* Holds the mutex almost all the time, releasing it only between two holds. */
static void fairness_hog(void *arg)
{
	struct fairness *f = arg;
	while (!atomic_load(&f->stop)) {
		csp_mutex_lock(f->m);
		csp_sleep(FAIRNESS_HOLD);
		csp_mutex_unlock(f->m);
	}
}

static void fairness_visitor(void *arg)
{
	struct fairness *f = arg;
	for (int i = 0; i < FAIRNESS_ROUNDS; i++) {
		csp_sleep(FAIRNESS_HOLD);
		csp_mutex_lock(f->m);
		csp_mutex_unlock(f->m);
	}
	atomic_store(&f->done, 1);
}

/* sync/mutex_test.go TestMutexFairness: while one task keeps taking the mutex back, another must
 * still get it ten times within 10 s (Go's starvation mode). Needs CSP_PROP_STARVATION_FREE. */
static void test_mutex_fairness(tctx *t)
{
	struct fairness f = { .m = t_mutex(t) };
	if (!f.m)
		return;
	t_progress(t, "a task hogs the mutex while another takes it ten times");
	tgroup g = { 0 };
	twatch w;
	t_watch_start(&w);
	bool waited = t_go(t, &g, fairness_hog, &f) && t_go(t, &g, fairness_visitor, &f) &&
		t_wait_flag(t, &f.done, "ten acquisitions while another task hogs the mutex");
	int64_t took = t_watch_stop(&w, NULL);
	atomic_store(&f.stop, 1);
	if (!t_wait(t, &g, "the hog and the visitor to stop") || !waited)
		return;
	T_CHECK(t, took <= FAIRNESS_BOUND, "ten acquisitions took %.1f s while another task hogged "
		"the mutex (Go's bound: 10 s)", (double)took / CSP_SECOND);
}

/* ---- Misuse ---------------------------------------------------------------------------------- */

struct misuse {
	const char *impl;
	const char *script; /* L lock, T trylock, U unlock */
};

/* In the forked child: play the script on a new mutex; it should die before the end. */
static void misuse_child(void *arg)
{
	const struct misuse *c = arg;
	csp_mutex *m = csp_mutex_new(c->impl);
	if (!m)
		return;
	for (const char *op = c->script; *op; op++) {
		if (*op == 'L')
			csp_mutex_lock(m);
		else if (*op == 'T')
			(void)csp_mutex_trylock(m);
		else
			csp_mutex_unlock(m);
	}
	/* Say which script got through, for the harness's failure message. */
	fprintf(stderr, "mutex script \"%s\" completed without a fatal error\n", c->script);
	exit(3);
}

/* sync/mutex_test.go TestMutexMisuse, the Mutex cases (Unlock, Unlock2), plus the same after a
 * TryLock: each must die with "fatal error: sync: unlock of unlocked mutex". */
static void test_mutex_misuse(tctx *t)
{
	static const char *const scripts[] = { "U", "LUU", "TUU" };
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0] && !t_failed(t); i++) {
		struct misuse c = { t->impl->name, scripts[i] };
		t_expect_fatal(t, misuse_child, &c, CSP_MSG_UNLOCK_UNLOCKED);
	}
}

static const struct tcase mutex_tests[] = {
	{ .name = "TestMutex", .prim = CSP_PRIM_MUTEX, .body = test_mutex },
	{ .name = "TestMutexExclusion", .prim = CSP_PRIM_MUTEX, .body = test_mutex_exclusion },
	{ .name = "TestMutexTryLock", .prim = CSP_PRIM_MUTEX, .body = test_mutex_trylock },
	{ .name = "TestMutexUnlockOtherTask", .prim = CSP_PRIM_MUTEX,
		.body = test_mutex_unlock_other_task, .forbids = CSP_PROP_OWNED },
	{ .name = "TestMutexFairness", .prim = CSP_PRIM_MUTEX, .body = test_mutex_fairness,
		.requires = CSP_PROP_STARVATION_FREE },
	{ .name = "TestMutexMisuse", .prim = CSP_PRIM_MUTEX, .body = test_mutex_misuse,
		.direct = true },
	{ 0 },
};
T_REGISTER(mutex_tests);
