/*
 * Chaos mode: seeded random yields, spins and short sleeps injected where primitives are most
 * fragile, so that a stress run explores interleavings the OS scheduler rarely produces.
 *
 * Where. At the entry and exit of every operation under test (the sx_* wrappers of stress.h),
 * and in the slow paths, without touching the implementations: the stress binaries are linked
 * with `ld --wrap` for the functions the slow paths call (CMake lists them: the futex wrapper,
 * pthread mutexes and condition variables, csp_yield), so a call to futex_wait from an
 * implementation reaches __wrap_futex_wait here, which injects chaos around __real_futex_wait.
 * The library and every other binary are linked without the wraps: production code is unchanged,
 * and with --chaos 0 (the default) each hook costs one relaxed load.
 *
 * What. At each point, with a probability that depends on the site and the level: a yield, a spin
 * of up to a few microseconds, or a sleep of up to 100 µs (which, inside a critical section or
 * between a wake and the state change it announces, forces the interleaving a lost wake-up needs).
 * And inside the implementations' slow paths, at their preemption points (CSP_PREEMPT(),
 * impls/shared/preempt.h: compiled into the stress binary's copy of the library only), a yield
 * or a spin: between two atomic steps of a hand-off, a window of a few instructions becomes one
 * the other CPUs run through.
 * And spurious wake-ups: futex_wait and pthread_cond_wait/timedwait may return without having
 * waited (their contracts allow it), so a caller that does not re-check its condition in a loop
 * is caught returning early.
 *
 * Seeds. The n-th decision of the run is a hash of the run's seed and n. Which task makes the
 * n-th decision depends on the interleaving, so on OS threads a seed replays the same pressure,
 * not the same schedule (deterministic mode runs without chaos).
 */
#define _GNU_SOURCE
#include "stress.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

_Atomic int chaos_level;
static uint64_t chaos_seed;          /* set before any task starts */
static _Atomic uint64_t chaos_draws; /* draws so far, all tasks together */

/* The implementations' preemption points call this hook (src/preempt.c) when it is set. */
extern void (*_Atomic csp_preempt_hook)(void);
static void chaos_preempt(void); /* the hook, with chaos on */

void chaos_setup(int level, uint64_t seed)
{
	chaos_seed = seed;
	/* relaxed: set before any task is spawned; the spawn publishes it */
	atomic_store_explicit(&chaos_level, level, memory_order_relaxed);
	/* relaxed: likewise (impls/shared/preempt.h reads it) */
	atomic_store_explicit(&csp_preempt_hook, level ? chaos_preempt : NULL, memory_order_relaxed);
}

/* The n-th draw is a hash of (seed, n): no per-thread state, which coroutines sharing a worker
 * thread would share (and race on) too. */
static uint64_t chaos_next(void)
{
	/* relaxed: a ticket only; it must not order anything (see stress.h) */
	uint64_t z = chaos_seed + 0x9e3779b97f4a7c15ULL *
		(atomic_fetch_add_explicit(&chaos_draws, 1, memory_order_relaxed) + 1);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Per site, the chance (out of 4096, at level 1) of a yield, a spin and a sleep. Slow paths get
 * more: they run rarely, and their windows are the interesting ones. */
static const struct {
	unsigned yield, spin, sleep;
} odds[] = {
	[CHAOS_ENTRY] = { 128, 64, 4 },
	[CHAOS_EXIT] = { 128, 64, 4 },
	[CHAOS_SLOW] = { 512, 256, 32 },
	/* the implementations' preemption points (impls/shared/preempt.h): inside internal locks
	 * and between two atomic steps, so never a sleep; a yield or a spin long enough that the
	 * other CPU runs through the window */
	[CHAOS_PREEMPT] = { 384, 384, 0 },
};

static void chaos_preempt(void)
{
	chaos_point(CHAOS_PREEMPT);
}

void chaos_point_slow(enum chaos_site site)
{
	uint64_t r = chaos_next();
	/* relaxed: see chaos_setup */
	unsigned level = (unsigned)atomic_load_explicit(&chaos_level, memory_order_relaxed);
	unsigned x = (unsigned)(r & 4095), scale = level > 1 ? 4 : 1;
	unsigned y = odds[site].yield * scale, sp = y + odds[site].spin * scale;
	unsigned sl = sp + odds[site].sleep * scale;
	if (x < y) {
		sched_yield();
	} else if (x < sp) {
		for (unsigned i = (unsigned)(r >> 20) & 4095; i > 0; i--)
			__asm__ __volatile__("" ::: "memory");
	} else if (x < sl) {
		struct timespec ts = { 0, (long)(((r >> 24) % 100) + 1) * 1000 };
		nanosleep(&ts, NULL);
	}
}

/* A spurious wake-up instead of a wait: one time in 32 at level 1, in 8 above. */
static bool chaos_spurious(void)
{
	/* relaxed: see chaos_setup */
	int level = atomic_load_explicit(&chaos_level, memory_order_relaxed);
	return level && (chaos_next() >> 40) % (level > 1 ? 8 : 32) == 0;
}

/* ---- The wrapped slow-path functions (ld --wrap; see the file comment) ----------------------- */
/* __real_X is X itself. The futex wrapper may be absent from a build: weak, then never called. */

bool __real_futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t deadline)
	__attribute__((weak));
void __real_futex_wake(_Atomic uint32_t *word, int n) __attribute__((weak));
int __real_pthread_mutex_lock(pthread_mutex_t *m);
int __real_pthread_mutex_unlock(pthread_mutex_t *m);
int __real_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int __real_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t);
int __real_pthread_cond_signal(pthread_cond_t *c);
int __real_pthread_cond_broadcast(pthread_cond_t *c);
void __real_csp_yield(void);

bool __wrap_futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t deadline);
void __wrap_futex_wake(_Atomic uint32_t *word, int n);
int __wrap_pthread_mutex_lock(pthread_mutex_t *m);
int __wrap_pthread_mutex_unlock(pthread_mutex_t *m);
int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int __wrap_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t);
int __wrap_pthread_cond_signal(pthread_cond_t *c);
int __wrap_pthread_cond_broadcast(pthread_cond_t *c);
void __wrap_csp_yield(void);

bool __wrap_futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t deadline)
{
	chaos_point(CHAOS_SLOW); /* between the caller's check of the word and the sleep */
	if (chaos_spurious())
		return true; /* "woken": the caller must re-check */
	bool r = __real_futex_wait(word, expected, deadline);
	chaos_point(CHAOS_SLOW); /* between the wake-up and the caller's re-check */
	return r;
}

void __wrap_futex_wake(_Atomic uint32_t *word, int n)
{
	chaos_point(CHAOS_SLOW); /* between the state change and the wake */
	__real_futex_wake(word, n);
	chaos_point(CHAOS_SLOW); /* between the wake and what the waker does next */
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *m)
{
	chaos_point(CHAOS_SLOW);
	int r = __real_pthread_mutex_lock(m);
	chaos_point(CHAOS_SLOW); /* inside the critical section: others pile up and park */
	return r;
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *m)
{
	chaos_point(CHAOS_SLOW);
	return __real_pthread_mutex_unlock(m);
}

int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	chaos_point(CHAOS_SLOW);
	if (chaos_spurious())
		return 0; /* POSIX allows it; m is still held, as after a real wake-up */
	int r = __real_pthread_cond_wait(c, m);
	chaos_point(CHAOS_SLOW);
	return r;
}

int __wrap_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
	chaos_point(CHAOS_SLOW);
	if (chaos_spurious())
		return 0;
	int r = __real_pthread_cond_timedwait(c, m, t);
	chaos_point(CHAOS_SLOW);
	return r;
}

int __wrap_pthread_cond_signal(pthread_cond_t *c)
{
	chaos_point(CHAOS_SLOW);
	return __real_pthread_cond_signal(c);
}

int __wrap_pthread_cond_broadcast(pthread_cond_t *c)
{
	chaos_point(CHAOS_SLOW);
	return __real_pthread_cond_broadcast(c);
}

void __wrap_csp_yield(void)
{
	chaos_point(CHAOS_SLOW); /* spin loops of spinning implementations back off through here */
	__real_csp_yield();
}
