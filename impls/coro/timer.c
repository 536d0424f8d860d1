/*
 * The coro scheduler's timers: one binary min-heap of deadlines under one lock, checked by every
 * worker at each scheduling decision (a relaxed read of the earliest deadline when nothing is
 * due) and slept on by idle workers (futex_wait until the earliest deadline).
 *
 * Due timers are taken off the heap under the lock and fired after it is released, so fire() may
 * take its owner's lock even though the owner holds that lock while adding the timer. A timer is
 * FIRING from then until fire() has returned; coro_timer_del waits that out, so the owner cannot
 * free the timer while it is being fired.
 */
#include "sched.h"

#include "../shared/fxlock.h"

#include <stdlib.h>

enum { QUEUED, FIRING, FIRED };
#define FIRE_BATCH 32

static fxlock lock;
static struct coro_timer **heap;
static size_t len, cap;
static _Atomic int64_t earliest = CSP_FOREVER; /* heap[0]->when, or CSP_FOREVER; under lock */

static void place(size_t i, struct coro_timer *tm)
{
	heap[i] = tm;
	tm->index = i;
}

static void sift_up(size_t i)
{
	struct coro_timer *tm = heap[i];
	while (i > 0 && heap[(i - 1) / 2]->when > tm->when) {
		place(i, heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(i, tm);
}

static void sift_down(size_t i)
{
	struct coro_timer *tm = heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= len)
			break;
		if (c + 1 < len && heap[c + 1]->when < heap[c]->when)
			c++;
		if (heap[c]->when >= tm->when)
			break;
		place(i, heap[c]);
		i = c;
	}
	place(i, tm);
}

static void remove_at(size_t i)
{
	heap[i]->index = SIZE_MAX;
	if (--len > i) {
		struct coro_timer *moved = heap[len];
		place(i, moved);
		sift_down(i);
		sift_up(moved->index);
	}
}

static void publish_earliest(void)
{
	/* relaxed: a hint read by schedulers deciding whether to take the lock; the lock orders
	 * the heap itself, and an idle worker's re-check against an add is ordered by the seq_cst
	 * fences of coro_wake_idle and idle() (sched.c) */
	atomic_store_explicit(&earliest, len ? heap[0]->when : CSP_FOREVER, memory_order_relaxed);
}

void coro_timer_add(struct coro_timer *tm)
{
	fxlock_lock(&lock);
	if (len == cap) {
		size_t ncap = cap ? 2 * cap : 64;
		struct coro_timer **n = realloc(heap, ncap * sizeof *n);
		if (!n)
			csp_fatal("csplab coro: out of memory for timers");
		heap = n;
		cap = ncap;
	}
	atomic_store_explicit(&tm->firing, QUEUED, memory_order_relaxed); /* under lock */
	heap[len] = tm;
	tm->index = len++;
	sift_up(tm->index);
	bool first = heap[0] == tm;
	publish_earliest();
	fxlock_unlock(&lock);
	/* Idle workers sleep until the old earliest deadline at the latest: a later timer needs no
	 * wake-up; an earlier one wakes one of them to re-arm (or sleep no longer). */
	if (first)
		coro_wake_idle();
}

void coro_timer_del(struct coro_timer *tm)
{
	fxlock_lock(&lock);
	if (tm->index != SIZE_MAX && tm->index < len && heap[tm->index] == tm) {
		remove_at(tm->index);
		publish_earliest();
	}
	fxlock_unlock(&lock);
	/* acquire: pairs with the release store of FIRED in coro_timers_run */
	while (atomic_load_explicit(&tm->firing, memory_order_acquire) == FIRING)
		cpu_relax();
}

int64_t coro_timers_next(void)
{
	return atomic_load_explicit(&earliest, memory_order_relaxed); /* see publish_earliest */
}

bool coro_timers_run(void)
{
	bool fired = false;
	/* No timer, no clock read: the common case costs one relaxed load. */
	while (coro_timers_next() != CSP_FOREVER && coro_timers_next() <= csp_now()) {
		struct coro_timer *due[FIRE_BATCH];
		size_t n = 0;
		fxlock_lock(&lock);
		int64_t now = csp_now();
		while (n < FIRE_BATCH && len > 0 && heap[0]->when <= now) {
			due[n] = heap[0];
			/* relaxed: read under this lock by coro_timer_del before it waits */
			atomic_store_explicit(&due[n]->firing, FIRING, memory_order_relaxed);
			remove_at(0);
			n++;
		}
		publish_earliest();
		fxlock_unlock(&lock);
		for (size_t i = 0; i < n; i++) {
			due[i]->fire(due[i]);
			/* release: the last touch; pairs with coro_timer_del's acquire load */
			atomic_store_explicit(&due[i]->firing, FIRED, memory_order_release);
		}
		fired |= n > 0;
		if (n < FIRE_BATCH)
			break;
	}
	return fired;
}
