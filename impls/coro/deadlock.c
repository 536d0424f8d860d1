/*
 * Deadlock detection: Go's "all goroutines are asleep - deadlock!" (runtime/proc.go checkdead).
 *
 * Go can be exact because it knows every thread that could wake a goroutine. Here an OS thread
 * outside the scheduler may still call a coro primitive and wake a task, so the check asks for the
 * condition to hold for a grace period: every live task parked, no timer pending, every worker
 * idle, and no task made runnable in between. Then it prints each task and what it waits on, and
 * exits with status 2 as Go does, so a deadlocked program or test fails instead of hanging.
 * CSPLAB_CORO_DEADLOCK_MS sets the grace period (default 1000 ms); 0 turns detection off.
 */
#include "sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DEFAULT_GRACE_MS 1000

static int64_t grace_ns(void)
{
	static _Atomic int64_t cached = -1; /* relaxed: every thread computes the same value */
	int64_t g = atomic_load_explicit(&cached, memory_order_relaxed);
	if (g < 0) {
		const char *env = getenv("CSPLAB_CORO_DEADLOCK_MS");
		g = (env && *env ? atoll(env) : DEFAULT_GRACE_MS) * CSP_MILLISECOND;
		atomic_store_explicit(&cached, g < 0 ? 0 : g, memory_order_relaxed);
	}
	return g;
}

/* Only the last idle worker calls this, but two may race at the edge: they only compare. */
static _Atomic int64_t suspect_since;
static _Atomic uint64_t suspect_readies;

int64_t coro_deadlock_check(void)
{
	int64_t grace = grace_ns();
	long live = coro_live_tasks();
	if (grace == 0 || live == 0 || coro_parked_tasks() != live)
		return CSP_FOREVER;
	int64_t now = csp_now();
	uint64_t readies = coro_ready_count();
	int64_t since = atomic_load(&suspect_since);
	if (since == 0 || atomic_load(&suspect_readies) != readies) {
		atomic_store(&suspect_readies, readies);
		atomic_store(&suspect_since, now);
		return now + grace;
	}
	if (now - since < grace)
		return since + grace;
	dprintf(STDERR_FILENO, "fatal error: all goroutines are asleep - deadlock!\n\n");
	coro_dump_tasks(STDERR_FILENO);
	_exit(2);
}
