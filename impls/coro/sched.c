/*
 * The coro scheduler: workers, run queues, park/ready, spawn/yield (see sched.h for the design).
 *
 * Task states and who moves them:
 *   RUNNABLE --(a worker picks it)--> RUNNING --(park: the task itself)--> PARKED
 *   PARKED --(coro_ready: any thread, after the commit ran)--> RUNNABLE
 *   RUNNING --(yield)--> RUNNABLE,  RUNNING --(fn returned)--> DEAD (stack back to the pool)
 * A task leaves the CPU only by switching to its worker's scheduler context, which then finishes
 * the transition (re-queues a yielder, runs a parker's commit, frees the dead). So a task is never
 * on a run queue while its registers are still live on a CPU.
 *
 * Locks: each worker's queue lock, the global queue lock, the timer lock (timer.c), the task-list
 * lock. Order: timer lock -> (a waiter's lock) -> queue locks; no two queue locks are ever held.
 */
#define _GNU_SOURCE
#include "sched.h"

#include "../shared/fxlock.h"
#include "ctx.h"
#include "fiber.h"
#include "stack.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RUNNABLE, RUNNING, PARKED, DEAD };
enum { SW_YIELD, SW_PARK, SW_EXIT }; /* why a task switched to the scheduler */

struct coro_task {
	struct coro_ctx ctx;
	struct coro_stack stack;
	csp_task_fn fn;
	void *arg;
	struct coro_task *next;               /* run-queue link */
	struct coro_task *all_prev, *all_next; /* the list of live tasks */
	uint64_t id;
	_Atomic int state;  /* written by the scheduler and coro_ready; read by the deadlock dump */
	int switch_reason;
	const char *wait_reason;
	const void *wait_obj;
	void (*commit)(void *);
	void *commit_arg;
	void *fiber;      /* TSan fiber */
	void *fake_stack; /* ASan: this task's fake stack while it is switched out */
};

struct runq {
	fxlock lock;
	struct coro_task *head, *tail;
	_Atomic size_t len; /* written under lock; read without it as a hint by idle checks */
};

struct worker {
	struct coro_ctx sched_ctx; /* the worker thread's own stack: the scheduler loop */
	void *fiber;
	void *fake_stack;
	const void *stack_bottom;
	size_t stack_size;
	struct runq q;
	/* Written under q.lock; read without it as a hint (idle checks, steal's first look). */
	_Atomic(struct coro_task *) runnext;
	uint64_t rng;
	unsigned ticks;
	int id;
	pthread_t thread;
	/* Parks minus readies done on this worker, and readies: summed by the deadlock check.
	 * Per worker so the hot path touches no shared counter. */
	_Atomic long parked;
	_Atomic uint64_t readies;
};

static struct {
	int nworkers;
	struct worker *workers;
	struct runq global;
	_Atomic int nidle;
	_Atomic uint32_t idle_seq; /* futex word idle workers sleep on; bumped to wake them */
	fxlock all_lock;
	struct coro_task *all;
	_Atomic long live;
	_Atomic long parked;      /* parks minus readies done by threads outside the scheduler */
	_Atomic uint64_t readies; /* readies done outside the scheduler */
	_Atomic uint64_t next_id;
	bool deterministic;
	pthread_once_t once;
	int start_error;
} S = { .once = PTHREAD_ONCE_INIT };

static _Thread_local struct worker *tls_worker;
static _Thread_local struct coro_task *tls_task;

/* Read the thread-locals through calls the compiler cannot merge: a coroutine that parks may
 * resume on another worker thread, and a TLS address computed before the switch would be stale. */
__attribute__((noinline)) static struct worker *current_worker(void)
{
	return tls_worker;
}

__attribute__((noinline)) struct coro_task *coro_self(void)
{
	return tls_task;
}

/* ---- Run queues ------------------------------------------------------------------------------- */

static void runq_push(struct runq *q, struct coro_task *t)
{
	fxlock_lock(&q->lock);
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	/* relaxed: len is a hint for idle workers; the lock orders the queue itself */
	atomic_store_explicit(&q->len, atomic_load_explicit(&q->len, memory_order_relaxed) + 1,
		memory_order_relaxed);
	fxlock_unlock(&q->lock);
}

/* Pop the head, or (deterministic mode) a task chosen at random. Caller holds q->lock. */
static struct coro_task *runq_pop_locked(struct runq *q, uint64_t *rng)
{
	size_t len = atomic_load_explicit(&q->len, memory_order_relaxed); /* under the lock */
	if (len == 0)
		return NULL;
	struct coro_task **link = &q->head, *prev = NULL;
	if (rng) {
		*rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL; /* Knuth's LCG */
		for (size_t k = (size_t)((*rng >> 33) % len); k > 0; k--) {
			prev = *link;
			link = &(*link)->next;
		}
	}
	struct coro_task *t = *link;
	*link = t->next;
	if (q->tail == t)
		q->tail = prev;
	atomic_store_explicit(&q->len, len - 1, memory_order_relaxed); /* as in runq_push */
	return t;
}

static struct coro_task *runq_pop(struct runq *q, uint64_t *rng)
{
	if (atomic_load_explicit(&q->len, memory_order_relaxed) == 0) /* hint; re-checked locked */
		return NULL;
	fxlock_lock(&q->lock);
	struct coro_task *t = runq_pop_locked(q, rng);
	fxlock_unlock(&q->lock);
	return t;
}

static struct coro_task *local_pop(struct worker *w)
{
	fxlock_lock(&w->q.lock);
	struct coro_task *t = atomic_load_explicit(&w->runnext, memory_order_relaxed); /* locked */
	if (t)
		atomic_store_explicit(&w->runnext, NULL, memory_order_relaxed); /* locked */
	else
		t = runq_pop_locked(&w->q, S.deterministic ? &w->rng : NULL);
	fxlock_unlock(&w->q.lock);
	return t;
}

/* Take half of a victim's queue (or its run-next task): the first one is returned, the rest
 * go to the thief's queue. */
static struct coro_task *steal(struct worker *w)
{
	for (int k = 1; k < S.nworkers; k++) {
		struct worker *v = &S.workers[(w->id + k) % S.nworkers];
		if (atomic_load_explicit(&v->q.len, memory_order_relaxed) == 0 &&
			!atomic_load_explicit(&v->runnext, memory_order_relaxed))
			continue; /* hints (racy by design): a miss only delays the steal */
		struct coro_task *first = NULL, *rest = NULL, **tail = &rest;
		fxlock_lock(&v->q.lock);
		size_t take = (atomic_load_explicit(&v->q.len, memory_order_relaxed) + 1) / 2;
		for (size_t i = 0; i < take; i++) {
			struct coro_task *t = runq_pop_locked(&v->q, NULL);
			if (!first) {
				first = t;
			} else {
				*tail = t;
				tail = &t->next;
				t->next = NULL;
			}
		}
		if (!first) { /* relaxed: under the victim's lock */
			first = atomic_load_explicit(&v->runnext, memory_order_relaxed);
			atomic_store_explicit(&v->runnext, NULL, memory_order_relaxed);
		}
		fxlock_unlock(&v->q.lock);
		while (rest) {
			struct coro_task *next = rest->next;
			runq_push(&w->q, rest);
			rest = next;
		}
		if (first)
			return first;
	}
	return NULL;
}

static bool work_visible(void)
{
	/* relaxed: hints only, used to avoid sleeping while work is queued; pushes are followed by
	 * coro_wake_idle, which handles the races these loads miss. */
	if (atomic_load_explicit(&S.global.len, memory_order_relaxed))
		return true;
	for (int i = 0; i < S.nworkers; i++)
		if (atomic_load_explicit(&S.workers[i].q.len, memory_order_relaxed) ||
			atomic_load_explicit(&S.workers[i].runnext, memory_order_relaxed))
			return true;
	return coro_timers_next() <= csp_now();
}

void coro_wake_idle(void)
{
	if (atomic_load(&S.nidle) == 0)
		return;
	atomic_fetch_add(&S.idle_seq, 1);
	futex_wake(&S.idle_seq, 1);
}

/* Sleep until woken or the next timer is due. The sequence number is read before announcing
 * idleness and re-checking for work, so a push after the re-check changes it and the futex wait
 * returns at once: no wake-up is lost. */
static void idle(void)
{
	uint32_t seq = atomic_load(&S.idle_seq);
	int idle_now = atomic_fetch_add(&S.nidle, 1) + 1;
	if (!work_visible()) {
		int64_t next = coro_timers_next();
		if (next == CSP_FOREVER && idle_now == S.nworkers)
			next = coro_deadlock_check();
		futex_wait(&S.idle_seq, seq, next);
	}
	atomic_fetch_sub(&S.nidle, 1);
}

static struct coro_task *find_runnable(struct worker *w)
{
	for (;;) {
		struct coro_task *t = NULL;
		coro_timers_run(); /* due timers first: a task that only yields must not starve them */
		/* Every 61st pick looks at the global queue first, as Go does, so tasks spawned from
		 * outside are not starved by a busy local queue. */
		if (++w->ticks % 61 == 0)
			t = runq_pop(&S.global, NULL);
		if (!t)
			t = local_pop(w);
		if (!t)
			t = runq_pop(&S.global, S.deterministic ? &w->rng : NULL);
		if (!t)
			t = steal(w);
		if (t)
			return t;
		for (int spin = 0; spin < 64 && !work_visible(); spin++)
			cpu_relax();
		if (!work_visible())
			idle();
	}
}

/* ---- Switching --------------------------------------------------------------------------------- */

/* From the worker's scheduler loop into task t, and back when t switches out. */
static void run(struct worker *w, struct coro_task *t)
{
	atomic_store_explicit(&t->state, RUNNING, memory_order_relaxed); /* report-only field */
	tls_task = t;
	coro_fiber_before(t->fiber, &w->fake_stack, t->stack.base, t->stack.size, false);
	coro_ctx_switch(&w->sched_ctx, &t->ctx);
	coro_fiber_after(w->fake_stack);
	tls_task = NULL;
	switch (t->switch_reason) {
	case SW_YIELD:
		atomic_store_explicit(&t->state, RUNNABLE, memory_order_relaxed);
		runq_push(S.deterministic ? &w->q : &S.global, t);
		break;
	case SW_PARK: {
		void (*commit)(void *) = t->commit;
		void *arg = t->commit_arg;
		t->commit = NULL;
		if (commit)
			commit(arg); /* from here on t may already run elsewhere: do not touch it */
		break;
	}
	default: /* SW_EXIT */
		fxlock_lock(&S.all_lock);
		if (t->all_prev)
			t->all_prev->all_next = t->all_next;
		else
			S.all = t->all_next;
		if (t->all_next)
			t->all_next->all_prev = t->all_prev;
		fxlock_unlock(&S.all_lock);
		atomic_fetch_sub(&S.live, 1);
		coro_fiber_destroy(t->fiber);
		coro_stack_put(t->stack);
		free(t);
	}
}

/* From the running task to its worker's scheduler loop. */
static void switch_out(struct coro_task *t, int reason)
{
	struct worker *w = current_worker();
	t->switch_reason = reason;
	coro_fiber_before(w->fiber, reason == SW_EXIT ? NULL : &t->fake_stack, w->stack_bottom,
		w->stack_size, true);
	coro_ctx_switch(&t->ctx, &w->sched_ctx);
	coro_fiber_after(t->fake_stack); /* resumed, perhaps on another worker */
}

static void task_entry(void *p)
{
	struct coro_task *t = p;
	coro_fiber_after(NULL);
	t->fn(t->arg);
	switch_out(t, SW_EXIT);
	abort(); /* unreachable: a dead task is never resumed */
}

/* relaxed: counters for the deadlock check, which reads them only once every worker is idle
 * (and asks for the condition to last a grace period); they order nothing. */
static void count(_Atomic long *parked, _Atomic uint64_t *readies, long parks)
{
	atomic_store_explicit(parked, atomic_load_explicit(parked, memory_order_relaxed) + parks,
		memory_order_relaxed);
	if (parks < 0)
		atomic_store_explicit(readies,
			atomic_load_explicit(readies, memory_order_relaxed) + 1, memory_order_relaxed);
}

void coro_park(const char *reason, const void *obj, void (*commit)(void *), void *arg)
{
	struct coro_task *t = coro_self();
	if (!t)
		csp_fatal("csplab coro: coro_park called outside a coroutine");
	t->wait_reason = reason;
	t->wait_obj = obj;
	t->commit = commit;
	t->commit_arg = arg;
	atomic_store_explicit(&t->state, PARKED, memory_order_relaxed); /* report-only field */
	struct worker *w = current_worker();
	count(&w->parked, &w->readies, +1);
	switch_out(t, SW_PARK);
}

void coro_ready(struct coro_task *t)
{
	atomic_store_explicit(&t->state, RUNNABLE, memory_order_relaxed); /* report-only field */
	struct worker *w = current_worker();
	if (w) {
		count(&w->parked, &w->readies, -1);
	} else { /* several outside threads may race here: real read-modify-writes */
		atomic_fetch_sub(&S.parked, 1);
		atomic_fetch_add(&S.readies, 1);
	}
	if (!w || S.deterministic) {
		runq_push(w ? &w->q : &S.global, t);
		coro_wake_idle();
		return;
	}
	fxlock_lock(&w->q.lock);
	/* relaxed: under the lock, which orders it for the owner and thieves */
	struct coro_task *old = atomic_exchange_explicit(&w->runnext, t, memory_order_relaxed);
	fxlock_unlock(&w->q.lock);
	if (old) { /* the displaced task joins the queue: now there is work to share */
		runq_push(&w->q, old);
		coro_wake_idle();
	}
}

void coro_yield(void)
{
	struct coro_task *t = coro_self();
	if (t)
		switch_out(t, SW_YIELD);
	else
		sched_yield(); /* an OS thread outside the scheduler */
}

/* ---- Workers and spawning ---------------------------------------------------------------------- */

static void *worker_main(void *p)
{
	struct worker *w = p;
	tls_worker = w;
	csp_runtime_set_current(&coro_runtime);
	w->fiber = coro_fiber_current();
	pthread_attr_t attr;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		void *addr;
		pthread_attr_getstack(&attr, &addr, &w->stack_size);
		w->stack_bottom = addr;
		pthread_attr_destroy(&attr);
	}
	coro_fiber_strict_scheduler();
	for (;;)
		run(w, find_runnable(w));
	return NULL;
}

static void start(void)
{
	const char *seed = getenv("CSPLAB_CORO_SEED");
	const char *env = getenv("CSPLAB_CORO_WORKERS");
	int n = env && atoi(env) > 0 ? atoi(env) : csp_ncpu();
	if (seed && *seed) {
		S.deterministic = true;
		n = 1;
	}
	S.workers = calloc((size_t)n, sizeof *S.workers);
	if (!S.workers) {
		S.start_error = ENOMEM;
		return;
	}
	S.nworkers = n;
	for (int i = 0; i < n; i++) {
		struct worker *w = &S.workers[i];
		w->id = i;
		w->rng = (seed && *seed ? strtoull(seed, NULL, 0) : (uint64_t)csp_now()) + (uint64_t)i;
		int rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc != 0) {
			fprintf(stderr, "csplab coro: cannot start worker %d: %s\n", i, strerror(rc));
			S.start_error = rc;
			S.nworkers = i;
			return;
		}
		pthread_detach(w->thread);
	}
}

int coro_spawn(csp_task_fn fn, void *arg)
{
	pthread_once(&S.once, start);
	if (S.nworkers == 0)
		return S.start_error ? S.start_error : EAGAIN;
	struct coro_task *t = calloc(1, sizeof *t);
	if (!t)
		return ENOMEM;
	t->stack = coro_stack_get();
	if (!t->stack.base) {
		free(t);
		return EAGAIN;
	}
	t->fn = fn;
	t->arg = arg;
	t->id = atomic_fetch_add(&S.next_id, 1) + 1;
	t->fiber = coro_fiber_create();
	coro_ctx_make(&t->ctx, t->stack.base, t->stack.size, task_entry, t);
	atomic_init(&t->state, RUNNABLE);
	fxlock_lock(&S.all_lock);
	t->all_next = S.all;
	if (S.all)
		S.all->all_prev = t;
	S.all = t;
	fxlock_unlock(&S.all_lock);
	atomic_fetch_add(&S.live, 1);

	/* Like Go's newproc, a task spawned by a task runs next on the same worker. */
	atomic_fetch_add(&S.parked, 1); /* coro_ready counts it out again */
	coro_ready(t);
	return 0;
}

/* ---- Accounting for the deadlock report --------------------------------------------------------- */

int coro_nworkers(void) { return S.nworkers; }
long coro_live_tasks(void) { return atomic_load(&S.live); }
long coro_parked_tasks(void)
{
	long n = atomic_load(&S.parked);
	for (int i = 0; i < S.nworkers; i++)
		n += atomic_load_explicit(&S.workers[i].parked, memory_order_relaxed); /* see count() */
	return n;
}
uint64_t coro_ready_count(void)
{
	uint64_t n = atomic_load(&S.readies);
	for (int i = 0; i < S.nworkers; i++)
		n += atomic_load_explicit(&S.workers[i].readies, memory_order_relaxed); /* see count() */
	return n;
}

void coro_dump_tasks(int fd)
{
	static const char *const names[] = { "runnable", "running", "parked", "dead" };
	fxlock_lock(&S.all_lock);
	for (struct coro_task *t = S.all; t; t = t->all_next) {
		int st = atomic_load_explicit(&t->state, memory_order_relaxed); /* a snapshot */
		Dl_info info;
		const char *fn = dladdr((void *)(uintptr_t)t->fn, &info) && info.dli_sname
			? info.dli_sname : "?";
		dprintf(fd, "goroutine %llu [%s%s%s]: started as %s(%p) at %p, waiting on %p\n",
			(unsigned long long)t->id, names[st], st == PARKED ? ": " : "",
			st == PARKED ? t->wait_reason : "", fn, t->arg, (void *)(uintptr_t)t->fn,
			t->wait_obj);
	}
	fxlock_unlock(&S.all_lock);
}
