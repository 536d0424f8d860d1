/* coro_waiter (see waiter.h). States: IDLE -> WAITING (park) -> UNPARKED (unpark) or TIMED_OUT
 * (the timer); a park after TIMED_OUT goes back to WAITING. Only the thread that moves WAITING to
 * UNPARKED or TIMED_OUT readies the coroutine, so it is readied exactly once per park. */
#include "waiter.h"

#include "fiber.h"

#include <stddef.h>

enum { IDLE, WAITING, UNPARKED, TIMED_OUT };

void coro_waiter_init(struct coro_waiter *w, const char *reason, const void *obj)
{
	atomic_init(&w->lock.word, FXLOCK_FREE);
	w->state = IDLE;
	w->task = coro_self();
	atomic_init(&w->word, 0);
	w->timer.index = SIZE_MAX;
	atomic_init(&w->timer.firing, 0);
	w->reason = reason;
	w->obj = obj;
}

static void fire(struct coro_timer *tm)
{
	struct coro_waiter *w = (struct coro_waiter *)((char *)tm - offsetof(struct coro_waiter, timer));
	fxlock_lock(&w->lock);
	coro_tsan_acquire(&w->lock); /* see coro_waiter_park */
	bool ready = w->state == WAITING;
	if (ready)
		w->state = TIMED_OUT;
	fxlock_unlock(&w->lock);
	if (ready)
		coro_ready(w->task);
}

static void commit_unlock(void *arg)
{
	fxlock_unlock(arg);
}

/* Outside the scheduler: sleep on the futex word. */
static bool park_thread(struct coro_waiter *w, int64_t deadline)
{
	/* acquire: pairs with the release store in unpark, publishing what the unparker did */
	while (!atomic_load_explicit(&w->word, memory_order_acquire))
		if (!futex_wait(&w->word, 0, deadline))
			break;
	fxlock_lock(&w->lock);
	bool unparked = w->state == UNPARKED;
	if (!unparked)
		w->state = TIMED_OUT;
	fxlock_unlock(&w->lock);
	return unparked;
}

bool coro_waiter_park(struct coro_waiter *w, int64_t deadline)
{
	fxlock_lock(&w->lock);
	if (w->state == UNPARKED) {
		fxlock_unlock(&w->lock);
		coro_tsan_acquire(w);
		return true;
	}
	if (deadline != CSP_FOREVER && csp_now() >= deadline) {
		w->state = TIMED_OUT;
		fxlock_unlock(&w->lock);
		return false;
	}
	w->state = WAITING;
	if (!w->task) {
		fxlock_unlock(&w->lock);
		return park_thread(w, deadline);
	}
	if (deadline != CSP_FOREVER) {
		w->timer.when = deadline;
		w->timer.fire = fire;
		coro_timer_add(&w->timer);
	}
	/* The commit releases w->lock once this coroutine is switched out; the scheduler unlocks on
	 * our behalf, so the strict TSan build is told that our writes travel with the lock. */
	coro_tsan_release(&w->lock);
	coro_park(w->reason, w->obj, commit_unlock, &w->lock);
	if (deadline != CSP_FOREVER)
		coro_timer_del(&w->timer);
	fxlock_lock(&w->lock);
	bool unparked = w->state == UNPARKED;
	fxlock_unlock(&w->lock);
	if (unparked)
		coro_tsan_acquire(w);
	return unparked;
}

void coro_waiter_unpark(struct coro_waiter *w)
{
	coro_tsan_release(w);
	fxlock_lock(&w->lock);
	coro_tsan_acquire(&w->lock); /* see coro_waiter_park */
	bool ready = w->state == WAITING;
	struct coro_task *task = w->task; /* read before the unlock: w may vanish after it */
	w->state = UNPARKED;
	if (!task) {
		/* release: pairs with the acquire load in park_thread */
		atomic_store_explicit(&w->word, 1, memory_order_release);
		fxlock_unlock(&w->lock);
		futex_wake(&w->word, 1); /* at worst a spurious wake for a later user of this memory */
		return;
	}
	fxlock_unlock(&w->lock);
	if (ready)
		coro_ready(task);
}
