/*
 * coro_waiter: how every coro primitive blocks a task, coroutine or not.
 *
 * A primitive keeps its own queue of waiters under its own lock; this is only the parking part:
 * park until unparked or a deadline, and unpark. In a coroutine, park parks the coroutine (its
 * worker runs other tasks meanwhile) and a deadline is a scheduler timer. On a thread outside the
 * scheduler — the API works there too — park sleeps on the state word with a futex.
 *
 * Contract (the one impls/shared/parker.h and gochan.h ask of a parker): park returns true once
 * unpark has been called (before or during the park), false if the deadline passed first, never
 * spuriously; after a false return it may be called again. unpark is called at most once per
 * init, and never touches the waiter after the parked task can observe the unpark (the waiter
 * may live on that task's stack), except for a futex wake, which at worst is spurious for a later
 * user of the memory. In the strict TSan build unpark/park declare the hand-off (coro_tsan_*).
 */
#ifndef CSPLAB_IMPLS_CORO_WAITER_H
#define CSPLAB_IMPLS_CORO_WAITER_H

#include "../shared/fxlock.h"
#include "sched.h"

struct coro_waiter {
	_Atomic uint32_t state;   /* waiter.c's IDLE, PARKING, WAITING, UNPARKED, TIMED_OUT */
	struct coro_task *task;   /* the parked coroutine; NULL outside the scheduler */
	struct coro_timer timer;
	const char *reason;       /* for the deadlock report */
	const void *obj;
};

void coro_waiter_init(struct coro_waiter *w, const char *reason, const void *obj);
bool coro_waiter_park(struct coro_waiter *w, int64_t deadline);
void coro_waiter_unpark(struct coro_waiter *w);

#endif /* CSPLAB_IMPLS_CORO_WAITER_H */
