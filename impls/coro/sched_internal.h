/* The coro scheduler's private state, shared by sched.c (scheduling) and task.c (tasks, workers,
 * accounting). Nothing outside impls/coro/ includes this. */
#ifndef CSPLAB_IMPLS_CORO_SCHED_INTERNAL_H
#define CSPLAB_IMPLS_CORO_SCHED_INTERNAL_H

#include "sched.h"

#include "../shared/fxlock.h"
#include "ctx.h"
#include "runq.h"
#include "stack.h"

#include <pthread.h>

enum { RUNNABLE, RUNNING, PARKED, DEAD };  /* coro_task.state, for reports */
enum { SW_YIELD, SW_PARK, SW_EXIT };       /* why a task left the CPU */

struct coro_task {
	struct coro_ctx ctx;
	struct coro_stack stack;
	csp_task_fn fn;
	void *arg;
	struct coro_task *next;               /* global-queue link */
	struct coro_task *all_prev, *all_next; /* the list of live tasks */
	uint64_t id;
	_Atomic int state;     /* RUNNABLE...; written relaxed, read by the deadlock dump only */
	int switch_reason;     /* SW_*, for the post-switch step (below) */
	const char *wait_reason;
	const void *wait_obj;
	void (*commit)(void *);
	void *commit_arg;
	void *fiber;      /* TSan fiber */
	void *fake_stack; /* ASan: this task's fake stack while it is switched out */
	int64_t pct_prio; /* deterministic mode with PCT (pct.c): 0 until first picked */
};

struct worker {
	struct coro_ctx sched_ctx; /* the worker thread's own stack: the scheduler loop */
	void *fiber;
	void *fake_stack;
	const void *stack_bottom;
	size_t stack_size;
	struct runq q;
	/* The task to run next (Go's runnext). The owner exchanges it in; the owner and thieves
	 * take it with a CAS. */
	_Atomic(struct coro_task *) runnext;
	/* The task that just left the CPU on this worker: whoever runs next (a task or the
	 * scheduler loop) finishes its switch (requeue, commit, free). Owner only. */
	struct coro_task *pending;
	uint64_t rng;
	unsigned ticks;
	int id;
	pthread_t thread;
	/* Parks minus readies done on this worker, readies, and spawns minus exits: summed by the
	 * deadlock check. Per worker so the hot path touches no shared counter; written only by the
	 * owner (coro_count_add). */
	_Atomic long parked;
	_Atomic long readies;
	_Atomic long live;
	/* Dead tasks kept with their stacks for the next spawn here (task.c). Owner only. */
	struct coro_task *free_tasks;
	unsigned nfree;
	uint64_t id_next, id_end; /* task ids: a block taken from the global counter */
};

struct global_queue {
	fxlock lock;
	struct coro_task *head, *tail;
	_Atomic uint32_t len; /* written under lock; read without it as a hint */
};

struct coro_sched {
	int nworkers;
	struct worker *workers;
	struct global_queue global;
	_Atomic int nidle;
	_Atomic uint32_t idle_seq; /* futex word idle workers sleep on; bumped to wake them */
	bool deterministic;        /* CSPLAB_CORO_SEED: one worker, random picks, no direct switch */
	_Atomic long parked;       /* parks minus readies by threads outside the scheduler */
	_Atomic long readies;      /* readies by threads outside the scheduler */
};

extern struct coro_sched coro_S;

/* Add d to a per-worker counter. Owner only, so a relaxed load and store suffice; the deadlock
 * check reads the counters (relaxed) only once every worker has been idle for a grace period. */
static inline void coro_count_add(_Atomic long *c, long d)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
		memory_order_relaxed);
}

struct worker *coro_current_worker(void);
void coro_set_current_task(struct coro_task *t);
void coro_worker_loop(struct worker *w);
void coro_task_entry(void *t); /* the first code of every task (sched.c) */
/* task.c: a dead task that has left the CPU on w: kept for reuse, or unlisted and freed */
void coro_task_finished(struct worker *w, struct coro_task *t);
/* queues.c: the run queues */
void coro_global_push(struct coro_task *t);
/* The head, or (deterministic mode, rng != NULL) a task chosen at random; NULL if empty. */
struct coro_task *coro_global_pop(uint64_t *rng);
/* pct.c: PCT schedules in deterministic mode; the index to pick, or -1 (off: pick at random) */
int coro_pct_pick(struct coro_task *head, uint32_t len);
void coro_pct_yielded(struct coro_task *t);
void coro_local_put(struct worker *w, struct coro_task *t); /* owner */
struct coro_task *coro_steal(struct worker *w);             /* from the other workers */
bool coro_work_visible(void); /* any queued task or due timer, anywhere (a hint) */

#endif /* CSPLAB_IMPLS_CORO_SCHED_INTERNAL_H */
