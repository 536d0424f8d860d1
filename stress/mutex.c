/*
 * Stress scenarios of Mutex.
 *
 * mutex-torture: every task loops taking the mutex for a random hold, then thinking for a random
 * time; holds sometimes sleep, so waiters pile up and park. Phase "lock-and-trylock" takes it by
 * lock, or by trylock one time in four; phase "trylock-spin" only by spinning on trylock, with
 * no think time, so that tasks on every CPU see the mutex free at the same moment. Inside each
 * critical section: an atomic count of the tasks inside must be exactly one, a trylock by the
 * holder must fail, and a plain counter is updated by read, pause, write.
 * At the end the counter must equal the number of critical sections, and the per-task counts
 * show starvation as a min/max spread (an implementation that claims starvation freedom must
 * let every task in during the lock phase).
 *
 * mutex-starvation (starvation-free implementations only): hogs keep the mutex almost all the
 * time (each sleeps holding it and takes it back at once) while one task takes it now and then;
 * each of its waits must stay within a bound (Go's starvation mode hands the lock to a waiter
 * blocked for over 1 ms; without it the running hog wins every time).
 *
 * The counts kept inside critical sections are relaxed, so that they order nothing: a mutex
 * missing an acquire or a release then shows up under ThreadSanitizer as a race on the counter.
 */
#include "stress.h"

#include <inttypes.h>

#define HOLD_SLEEP_US 50   /* longest sleep inside a critical section */
#define THINK_SLEEP_US 20  /* longest sleep between two */
#define STARVE_BOUND 1.0   /* s: longest wait of the occasional task (x4 under sanitizers) */
#define STARVE_MIN_WAIT 0.02 /* s: a shorter wait is not starvation, however overtaken */
#define STARVE_THINK_US 500 /* the occasional task's think time: 50 µs + up to this */
#define HOG_HOLD_MIN_US 500 /* a hog holds for this ... */
#define HOG_HOLD_US 1500    /* ... plus up to this: far longer than a wake-up takes */

struct torture {
	csp_mutex *m;
	_Atomic int inside;    /* tasks between lock and unlock: relaxed (see the file comment) */
	int64_t counter;       /* plain: only touched under m */
	bool spin;             /* this phase acquires by spinning on trylock */
	int64_t *sections;     /* per task, added by that task before it returns */
	_Atomic int64_t tries, try_fails;
};

/* One critical section; false after recording a failure. */
static bool critical(stask *t, struct torture *x)
{
	/* relaxed, both: one atomic's modification order suffices (see the file comment) */
	int before = atomic_fetch_add_explicit(&x->inside, 1, memory_order_relaxed);
	if (before != 0) {
		s_fail(t->s, "mutual exclusion broken: %d other task(s) inside the critical section",
			before);
		return false;
	}
	if (s_randn(t, 16) == 0 && csp_mutex_trylock(x->m)) {
		s_fail(t->s, "trylock succeeded on a mutex held by the calling task");
		return false;
	}
	int64_t v = x->counter;
	s_pause(t, HOLD_SLEEP_US);
	x->counter = v + 1;
	int after = atomic_fetch_sub_explicit(&x->inside, 1, memory_order_relaxed);
	if (after != 1) {
		s_fail(t->s, "mutual exclusion broken: %d other task(s) entered during the section",
			after - 1);
		return false;
	}
	return true;
}

/* Take the mutex by spinning on trylock: every task hammers the word at once, so two that see
 * it free at the same moment both try to take it (what a non-atomic test-then-set gets wrong). */
static void spin_acquire(stask *t, csp_mutex *m)
{
	for (unsigned fails = 0; !sx_trylock(t, m); fails++) {
		if (fails % 64 == 63)
			csp_yield(); /* oversubscribed: let the holder run */
		else
			__asm__ __volatile__("" ::: "memory");
	}
}

static void torture_task(stask *t)
{
	struct torture *x = t->arg;
	int64_t mine = 0, tries = 0, fails = 0;
	while (s_running(t)) {
		if (x->spin) {
			spin_acquire(t, x->m);
		} else if (s_randn(t, 4) == 0) {
			tries++;
			if (!sx_trylock(t, x->m)) {
				fails++;
				s_pause(t, THINK_SLEEP_US);
				continue;
			}
		} else {
			sx_lock(t, x->m);
		}
		bool ok = critical(t, x);
		sx_unlock(t, x->m); /* even after a failure: the other tasks must get out */
		if (!ok)
			return;
		mine++;
		s_progress(t);
		if (!x->spin)
			s_pause(t, THINK_SLEEP_US);
	}
	x->sections[t->index] += mine;
	atomic_fetch_add_explicit(&x->tries, tries, memory_order_relaxed); /* read after s_join */
	atomic_fetch_add_explicit(&x->try_fails, fails, memory_order_relaxed);
}

static void mutex_torture(sctx *s)
{
	struct torture *x = s_alloc(s, sizeof *x);
	int64_t *sections = s_alloc(s, sizeof(int64_t) * (size_t)s->ntasks);
	csp_mutex *m = s_mutex(s);
	if (!x || !sections || !m)
		return;
	x->m = m;
	x->sections = sections;
	int64_t lock_lo = INT64_MAX; /* fewest sections of one task in the lock phase */
	for (int spin = 0; spin <= 1 && !s_failed(s); spin++) {
		x->spin = spin;
		s_phase(s, spin ? "trylock-spin" : "lock-and-trylock", 0.5);
		for (int i = 0; i < s->ntasks; i++)
			if (!s_go(s, "locker", i, torture_task, x))
				return;
		s_join(s);
		for (int i = 0; i < s->ntasks && !spin; i++) /* the lock phase's counts */
			lock_lo = sections[i] < lock_lo ? sections[i] : lock_lo;
	}
	if (s_failed(s))
		return;
	int64_t total = 0, lo = INT64_MAX, hi = 0;
	for (int i = 0; i < s->ntasks; i++) {
		total += sections[i];
		lo = sections[i] < lo ? sections[i] : lo;
		hi = sections[i] > hi ? sections[i] : hi;
	}
	if (x->counter != total) {
		s_fail(s, "the plain counter is %" PRId64 " after %" PRId64
			  " critical sections: updates were lost",
			x->counter, total);
		return;
	}
	if (total == 0) {
		s_fail(s, "no task got the mutex in the whole run");
		return;
	}
	/* The lock phase only: taking a mutex by spinning on trylock promises nobody a turn (and on
	 * a loaded machine a spinning task may not win one in its half of the run). */
	if ((s->impl->props & CSP_PROP_STARVATION_FREE) && lock_lo == 0) {
		s_fail(s, "a task never got the starvation-free mutex in the lock phase (others got "
			  "it %" PRId64 " times in the whole run)",
			total);
		return;
	}
	s_note(s, "%" PRId64 " critical sections, per task min %" PRId64 " max %" PRId64
		  ", %lld trylocks (%lld failed)",
		total, lo, hi, (long long)atomic_load(&x->tries), (long long)atomic_load(&x->try_fails));
}

/* ---- mutex-starvation ------------------------------------------------------------------------ */

struct starve {
	csp_mutex *m;
	_Atomic int stop; /* the hogs return (relaxed: a stop signal only) */
	struct swait w;   /* the occasional task's waits */
};

/* Holds the mutex almost all the time: sleeps holding it, takes it back at once. Without a
 * hand-off to waiters that have waited long (Go's starvation mode), the releasing hog, already
 * running, wins against the waiter it woke, over and over. */
static void hog_task(stask *t)
{
	struct starve *x = t->arg;
	/* relaxed: a stop signal only */
	while (!atomic_load_explicit(&x->stop, memory_order_relaxed) && !s_failed(t->s)) {
		sx_lock(t, x->m);
		s_wait_other(&x->w);
		csp_sleep((csp_duration)(s_randn(t, HOG_HOLD_US) + HOG_HOLD_MIN_US) * CSP_MICROSECOND);
		sx_unlock(t, x->m);
		s_progress(t);
	}
}

static void occasional_task(stask *t)
{
	struct starve *x = t->arg;
	while (s_running(t)) {
		/* a random think time, so that it arrives at any point of the hogs' cycle */
		csp_sleep((csp_duration)(s_randn(t, STARVE_THINK_US) + 50) * CSP_MICROSECOND);
		s_doing(t, "mutex lock (measured)");
		s_wait_begin(&x->w);
		csp_mutex_lock(x->m); /* no chaos point: the wait measured must be the lock's own */
		s_wait_end(t, &x->w, "the occasional task");
		sx_unlock(t, x->m);
		s_progress(t);
	}
	atomic_store_explicit(&x->w.done, 1, memory_order_release); /* see s_watch_wait */
}

static void mutex_starvation(sctx *s)
{
	struct starve *x = s_alloc(s, sizeof *x);
	csp_mutex *m = s_mutex(s);
	if (!x || !m)
		return;
	x->m = m;
	x->w.max_overtakes = 2 * s->ntasks + 8; /* the queue ahead of it, and slack */
	x->w.min_wait = s_bound(s, STARVE_MIN_WAIT);
	s_phase(s, "hogs", 1.0);
	for (int i = 0; i < s->ntasks - 1; i++)
		if (!s_go(s, "hog", i, hog_task, x))
			return;
	if (!s_go(s, "occasional", 0, occasional_task, x))
		return;
	bool ok = s_watch_wait(s, &x->w, s_bound(s, STARVE_BOUND), "the occasional task");
	atomic_store_explicit(&x->stop, 1, memory_order_relaxed); /* relaxed: a stop signal */
	s_join(s);
	if (ok && !s_failed(s))
		s_note(s, "occasional task: %lld acquisitions, longest wait %.3f ms, overtaken at most "
			  "%lld times",
			(long long)atomic_load(&x->w.count), (double)x->w.worst / CSP_MILLISECOND,
			(long long)x->w.worst_overtakes);
}

static const struct scenario mutex_scenarios[] = {
	{ .name = "mutex-torture", .prim = CSP_PRIM_MUTEX, .body = mutex_torture,
		.what = "exclusion, exact counter, trylock by the holder fails, per-task counts" },
	{ .name = "mutex-starvation", .prim = CSP_PRIM_MUTEX, .body = mutex_starvation,
		.what = "a task among hogs gets the lock within a bound",
		.requires = CSP_PROP_STARVATION_FREE,
		.timed = true },
	{ .name = NULL },
};
S_REGISTER(mutex_scenarios);
