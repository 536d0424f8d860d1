/*
 * The coro family's M:N scheduler, as its primitives see it.
 *
 * Coroutines ("tasks") run on N worker threads (CSPLAB_CORO_WORKERS, default: the core count).
 * Each worker has a FIFO run queue and a "run next" slot: a task made runnable by a task on that
 * worker goes there and runs as soon as the waker parks or yields, inheriting its time slice, as
 * in Go's scheduler (runtime/proc.go: runqput(..., next=true)); this is what makes a ping-pong
 * between two tasks a pair of user-space switches with no thread wake-up. Tasks spawned from
 * outside the scheduler go to a global queue. An idle worker steals half of another's queue and
 * otherwise sleeps on a futex until work or its next timer is due, so no idle worker burns a core.
 * Scheduling is cooperative: a task runs until it parks, yields, sleeps or returns.
 *
 * Deterministic mode (CSPLAB_CORO_SEED=<n>): one worker, and each scheduling decision picks a
 * runnable task at random from a PRNG seeded with n, so a failing interleaving replays exactly
 * (timers fire by the real clock, so programs that sleep replay only approximately).
 *
 * Deadlock detection: when every task is parked, no timer is pending and nothing has changed for
 * CSPLAB_CORO_DEADLOCK_MS (default 1000; 0 disables), the scheduler prints Go's
 * "all goroutines are asleep - deadlock!" with every task and what it waits on, and aborts.
 */
#ifndef CSPLAB_IMPLS_CORO_SCHED_H
#define CSPLAB_IMPLS_CORO_SCHED_H

#include <csplab/impl.h>
#include <stdatomic.h>

struct coro_task;

extern const csp_runtime_ops coro_runtime;

/* The running coroutine, or NULL on a thread outside the scheduler. */
struct coro_task *coro_self(void);

/*
 * Park the calling coroutine. After the switch, on the scheduler's stack, commit(arg) runs (Go's
 * gopark unlockf): it releases the lock under which the caller queued itself, so a waker cannot
 * make the task runnable before its context is saved. `reason` and `obj` (a static string and the
 * object waited on) appear in the deadlock report. Returns when coro_ready() was called.
 */
void coro_park(const char *reason, const void *obj, void (*commit)(void *), void *arg);

/* Make a parked task runnable: into the calling worker's "run next" slot when called from a
 * worker, else onto the global queue with an idle worker woken. */
void coro_ready(struct coro_task *t);

int coro_spawn(csp_task_fn fn, void *arg);
/* Worker threads (0 before the first spawn). */
int coro_nworkers(void);
void coro_yield(void);

/* Timers (timer.c). fire() runs on a worker, outside the timer lock; it must be short and may
 * take its owner's lock and call coro_ready. Set index to SIZE_MAX before first use. */
struct coro_timer {
	int64_t when;  /* csp_now() deadline */
	size_t index;  /* position in the heap; SIZE_MAX when not queued */
	_Atomic int firing; /* timer.c's QUEUED / FIRING / FIRED */
	void (*fire)(struct coro_timer *tm);
};
void coro_timer_add(struct coro_timer *tm);
/* Remove tm if still queued. On return, tm's fire is not running and will not run. */
void coro_timer_del(struct coro_timer *tm);
/* Fire every timer due; returns true if any fired. */
bool coro_timers_run(void);
/* The earliest deadline queued, or CSP_FOREVER. */
int64_t coro_timers_next(void);

/* For the scheduler (sched.c) from its helpers: wake one idle worker if any. */
void coro_wake_idle(void);

/* Deadlock detection (deadlock.c): called by the last worker to go idle, with no timer pending.
 * Reports and aborts if every task has been parked for the grace period; otherwise returns the
 * deadline until which that worker should sleep before checking again (CSP_FOREVER: no suspicion). */
int64_t coro_deadlock_check(void);
/* Task accounting it uses (task.c). */
void coro_dump_tasks(int fd);
long coro_live_tasks(void);
long coro_parked_tasks(void);
uint64_t coro_ready_count(void);

#endif /* CSPLAB_IMPLS_CORO_SCHED_H */
