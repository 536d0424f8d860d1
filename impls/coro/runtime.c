/*
 * The coro family's task runtime (csp_runtime_ops, CSP_REGISTER_RUNTIME): spawn is coro_spawn
 * (task.c), yield is coro_yield (sched.c), and sleep parks on a timer (waiter.c). A thread
 * outside the scheduler that calls sleep sleeps as a thread.
 */
#define _GNU_SOURCE
#include "waiter.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Deterministic mode is the scheduler's own settings (sched.h, pct.c), read when it starts:
 * this sets them for a scheduler that has not started yet. */
static int coro_deterministic(uint64_t seed, int pct_depth)
{
	char value[32];
	snprintf(value, sizeof value, "0x%016llx", (unsigned long long)seed);
	if (setenv("CSPLAB_CORO_SEED", value, 1) != 0)
		return errno;
	snprintf(value, sizeof value, "%d", pct_depth);
	if (pct_depth > 0 ? setenv("CSPLAB_CORO_PCT", value, 1) : unsetenv("CSPLAB_CORO_PCT"))
		return errno;
	return 0;
}

const csp_runtime_ops coro_runtime = {
	.name = "coro",
	.family = "coro",
	.spawn = coro_spawn,
	.yield = coro_yield,
	.sleep = coro_sleep,
	.workers_env = "CSPLAB_CORO_WORKERS",
	.deterministic = coro_deterministic,
};
CSP_REGISTER_RUNTIME(coro_runtime);
