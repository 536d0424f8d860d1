/*
 * The coro family's task runtime (csp_runtime_ops, CSP_REGISTER_RUNTIME): spawn is coro_spawn
 * (task.c), yield is coro_yield (sched.c), and sleep parks on a timer (waiter.c). A thread
 * outside the scheduler that calls sleep sleeps as a thread.
 */
#define _GNU_SOURCE
#include "waiter.h"

#include <errno.h>
#include <sched.h>
#include <time.h>

static void coro_sleep(csp_duration d)
{
	if (!coro_self()) { /* a thread outside the scheduler */
		struct timespec ts = { d / CSP_SECOND, d % CSP_SECOND };
		if (d <= 0)
			sched_yield();
		else
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
		return;
	}
	if (d <= 0) {
		coro_yield();
		return;
	}
	struct coro_waiter w;
	coro_waiter_init(&w, "sleep", NULL);
	coro_waiter_park(&w, csp_deadline_after(d)); /* nobody unparks it: the timer ends it */
}

const csp_runtime_ops coro_runtime = {
	.name = "coro",
	.family = "coro",
	.spawn = coro_spawn,
	.yield = coro_yield,
	.sleep = coro_sleep,
};
CSP_REGISTER_RUNTIME(coro_runtime);
