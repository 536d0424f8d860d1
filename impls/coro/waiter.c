/*
 * coro_waiter (see waiter.h): a lock-free state machine on one word.
 *
 *   IDLE/TIMED_OUT --park--> PARKING --commit (after the switch)--> WAITING
 *   (a coroutine's waiter starts out PARKING: until the task has switched out, an unpark only
 *   marks it, so the state it parks from needs no claim, and a park costs one CAS, the commit's)
 *   WAITING   --unpark--> UNPARKED (unpark readies the task)
 *   WAITING   --timer---> TIMED_OUT (the timer readies the task)
 *   PARKING   --unpark/timer--> UNPARKED/TIMED_OUT (the commit finds it and readies the task)
 * A coroutine is readied exactly once per park, and only after it is switched out: whoever moves
 * the word out of WAITING readies it, and while it is PARKING its context is not saved yet, so
 * the commit, which runs on the scheduler's stack after the switch, does it instead.
 * Outside the scheduler the word itself is the futex: WAITING until unpark or the deadline.
 * All atomics are seq_cst: a park costs one (the commit), an unpark one, next to a context switch.
 */
#include "waiter.h"

#include "fiber.h"
#include "../shared/preempt.h"

#include <stddef.h>

enum { IDLE, PARKING, WAITING, UNPARKED, TIMED_OUT };

void coro_waiter_init(struct coro_waiter *w, const char *reason, const void *obj)
{
	w->task = coro_self();
	atomic_init(&w->state, w->task ? PARKING : IDLE);
	w->timer.index = SIZE_MAX;
	atomic_init(&w->timer.firing, 0);
	w->reason = reason;
	w->obj = obj;
}

/* Move the word from `from` to `to`; true if this call did it. */
static bool move(struct coro_waiter *w, uint32_t from, uint32_t to)
{
	return atomic_compare_exchange_strong(&w->state, &from, to);
}

static void fire(struct coro_timer *tm)
{
	struct coro_waiter *w = (struct coro_waiter *)((char *)tm - offsetof(struct coro_waiter, timer));
	struct coro_task *task = w->task;
	uint32_t s = atomic_load(&w->state);
	/* Retry while the commit moves PARKING to WAITING under us. */
	while ((s == WAITING || s == PARKING) &&
		!atomic_compare_exchange_weak(&w->state, &s, TIMED_OUT))
		;
	if (s == WAITING)
		coro_ready(task); /* from PARKING, the commit readies it instead */
}

/* Runs on the scheduler's stack once the parking coroutine is switched out. */
static void commit(void *arg)
{
	struct coro_waiter *w = arg;
	struct coro_task *task = w->task; /* read first: once readied, w may vanish */
	if (!move(w, PARKING, WAITING))
		coro_ready(task); /* unparked or timed out while it was switching out */
}

/* Outside the scheduler: sleep on the state word. */
static bool park_thread(struct coro_waiter *w, int64_t deadline)
{
	for (;;) {
		uint32_t s = atomic_load(&w->state);
		if (s == UNPARKED)
			return true;
		if (!futex_wait(&w->state, WAITING, deadline) && move(w, WAITING, TIMED_OUT))
			return false;
	}
}

bool coro_waiter_park(struct coro_waiter *w, int64_t deadline)
{
	uint32_t s = atomic_load(&w->state);
	for (;;) {
		if (s == UNPARKED) {
			coro_tsan_acquire(w);
			return true;
		}
		if (deadline != CSP_FOREVER && csp_now() >= deadline)
			return false;
		if (s == PARKING)
			break; /* a coroutine's first park: PARKING since init (see the top) */
		if (atomic_compare_exchange_weak(&w->state, &s, w->task ? PARKING : WAITING))
			break;
	}
	CSP_PREEMPT(); /* announced (PARKING or WAITING), not yet parked */
	if (!w->task)
		return park_thread(w, deadline);
	if (deadline != CSP_FOREVER) {
		w->timer.when = deadline;
		w->timer.fire = fire;
		coro_timer_add(&w->timer);
	}
	coro_park(w->reason, w->obj, commit, w);
	if (deadline != CSP_FOREVER)
		coro_timer_del(&w->timer);
	if (atomic_load(&w->state) != UNPARKED)
		return false;
	coro_tsan_acquire(w);
	return true;
}

void coro_waiter_unpark(struct coro_waiter *w)
{
	coro_tsan_release(w);
	struct coro_task *task = w->task; /* read first: w may vanish once it is unparked */
	CSP_PREEMPT(); /* the waker, before it marks the waiter unparked */
	uint32_t old = atomic_exchange(&w->state, UNPARKED);
	if (old != WAITING)
		return; /* running, or still switching out (its commit readies it) */
	if (task)
		coro_ready(task);
	else
		futex_wake(&w->state, 1);
}
