/*
 * The coro scheduler's tasks and workers: starting the workers on first use, spawning tasks,
 * the list of live tasks and the accounting the deadlock report reads.
 */
#define _GNU_SOURCE
#include "sched_internal.h"

#include "fiber.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int start_error;
static fxlock all_lock; /* guards the list of live tasks */
static struct coro_task *all;
static _Atomic long live;
static _Atomic uint64_t next_id;

static void *worker_main(void *p)
{
	struct worker *w = p;
	/* The kernel may stretch a worker's timed sleeps (the thief's grace in queues.c, an idle
	 * worker's wait for a timer) by this much; the default, 50 µs, would make a 10 µs grace
	 * last 60 and timers fire up to 50 µs late. */
	prctl(PR_SET_TIMERSLACK, 1000UL);
	pthread_attr_t attr;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		void *addr;
		pthread_attr_getstack(&attr, &addr, &w->stack_size);
		w->stack_bottom = addr;
		pthread_attr_destroy(&attr);
	}
	coro_worker_loop(w); /* never returns */
	return NULL;
}

static void start(void)
{
	const char *seed = getenv("CSPLAB_CORO_SEED");
	const char *env = getenv("CSPLAB_CORO_WORKERS");
	int n = env && atoi(env) > 0 ? atoi(env) : csp_ncpu();
	if (seed && *seed) {
		coro_S.deterministic = true;
		n = 1;
	}
	struct worker *ws = calloc((size_t)n, sizeof *ws);
	if (!ws) {
		start_error = ENOMEM;
		return;
	}
	coro_S.workers = ws;
	for (int i = 0; i < n; i++) {
		ws[i].id = i;
		ws[i].ticks = 1;
		ws[i].rng = (seed && *seed ? strtoull(seed, NULL, 0) : (uint64_t)csp_now()) + (uint64_t)i;
	}
	/* Publish the count before any worker runs: workers iterate over all of them. */
	coro_S.nworkers = n;
	for (int i = 0; i < n; i++) {
		int rc = pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]);
		if (rc != 0) {
			fprintf(stderr, "csplab coro: cannot start worker %d: %s\n", i, strerror(rc));
			csp_fatal("csplab coro: cannot start the scheduler's workers");
		}
		pthread_detach(ws[i].thread);
	}
}

/*
 * Spawning and exiting touch no shared word on the fast path. A task that dies on a worker is
 * kept there, stack and all, for that worker's next spawn (at most TASK_CACHE of them; it stays
 * on the list of live tasks, marked DEAD, so neither side takes the list's lock); ids come from
 * per-worker blocks; the live and parked counts are per worker. A worker whose cache overflows
 * moves half of it to a global list of dead tasks, and a worker whose cache is empty takes up to
 * half a cache from there: one lock per TASK_CACHE / 2 tasks, as Go's gfput and gfget move dead
 * goroutines between a P's list and the scheduler's. (Before, every task past the cache was
 * freed, its stack given back under the stack pool's lock, and the next spawn allocated anew: a
 * fork-join of 1000 spent a third of its time in malloc, free and those locks.) At most DEAD_MAX
 * tasks wait there with their stacks; past it, a dead task goes back to the stack pool (stack.c)
 * with its stack, the struct being at the stack's top (task_new); the pool gives memory back by
 * age. A spawn from outside the scheduler takes a stack from the pool. TSan builds keep no
 * cache: each task gets a fresh fiber (and, in the strict build, a fresh stack), so that TSan
 * never ties a dead task's accesses to its successor's.
 */
#if defined(CSPLAB_TSAN)
#define TASK_CACHE 0u
#else
#define TASK_CACHE 64u
#endif
#define DEAD_MAX 1024u
#define ID_BLOCK 64u
static const unsigned task_cache = TASK_CACHE; /* a variable: no "always false" warning at 0 */

static fxlock dead_lock;         /* guards dead and dead_len's writes */
static struct coro_task *dead;   /* linked by next */
static _Atomic unsigned dead_len; /* relaxed loads: a hint whether to take dead_lock */

/* Take up to TASK_CACHE / 2 dead tasks from the global list into w's empty cache. */
static void refill_cache(struct worker *w)
{
	if (atomic_load_explicit(&dead_len, memory_order_relaxed) == 0)
		return;
	fxlock_lock(&dead_lock);
	unsigned n = 0;
	while (dead && n < task_cache / 2) {
		struct coro_task *t = dead;
		dead = t->next;
		t->next = w->free_tasks;
		w->free_tasks = t;
		n++;
	}
	atomic_store_explicit(&dead_len, atomic_load_explicit(&dead_len, memory_order_relaxed) - n,
		memory_order_relaxed); /* written under dead_lock only */
	fxlock_unlock(&dead_lock);
	w->nfree += n;
}

static uint64_t new_id(struct worker *w)
{
	if (!w)
		return atomic_fetch_add(&next_id, 1) + 1;
	if (w->id_next == w->id_end) {
		w->id_next = atomic_fetch_add(&next_id, ID_BLOCK) + 1;
		w->id_end = w->id_next + ID_BLOCK;
	}
	return w->id_next++;
}

/*
 * A task's struct lives at the top of its own stack, in the page its first frames use, which
 * stack.c makes resident when it carves the stack: a spawn allocates nothing else, and a task
 * goes back with its stack to the pool, which gives memory back by age. t->stack is the part
 * below it, the stack the task runs on. (With the struct from malloc, the first chain of
 * 10 000 coroutines also grew the heap a page at a time: a thousand mprotect calls, as many
 * faults.)
 */
#define TASK_ROOM ((sizeof(struct coro_task) + 63) & ~(size_t)63)

/* A new task with its stack, on the list of live tasks; NULL and *err set if out of memory. */
static struct coro_task *task_new(int *err)
{
	struct coro_stack s = coro_stack_get();
	if (!s.base) {
		*err = EAGAIN;
		return NULL;
	}
	struct coro_task *t = (struct coro_task *)((char *)s.base + s.size - TASK_ROOM);
	coro_fiber_unpoison(t, TASK_ROOM); /* ASan: a reused stack's old frames left redzones */
	memset(t, 0, sizeof *t);
	t->stack = (struct coro_stack){ s.base, s.size - TASK_ROOM };
	fxlock_lock(&all_lock);
	t->all_next = all;
	if (all)
		all->all_prev = t;
	all = t;
	fxlock_unlock(&all_lock);
	return t;
}

int coro_spawn(csp_task_fn fn, void *arg)
{
	pthread_once(&once, start);
	if (coro_S.nworkers == 0)
		return start_error ? start_error : EAGAIN;
	struct worker *w = coro_current_worker();
	if (w && !w->free_tasks && task_cache != 0)
		refill_cache(w);
	struct coro_task *t = w ? w->free_tasks : NULL;
	int err = 0;
	if (t) { /* a dead task of this worker: its stack, fiber and list links are reused */
		w->free_tasks = t->next;
		w->nfree--;
		t->next = NULL;
		t->wait_reason = NULL;
		t->wait_obj = NULL;
		t->commit = NULL;
		t->fake_stack = NULL;
	} else if (!(t = task_new(&err))) {
		return err;
	}
	t->fn = fn;
	t->arg = arg;
	t->id = new_id(w);
	t->pct_prio = 0; /* a reused task is a new one to PCT */
	coro_ctx_make(&t->ctx, t->stack.base, t->stack.size, coro_task_entry, t);
	atomic_store_explicit(&t->state, RUNNABLE, memory_order_relaxed); /* report-only field */
	/* TSan: a new fiber starts from its creator's clock, so it is created last, once the task
	 * is filled in (the strict build's first switch into it passes on nothing more). */
	if (!t->fiber)
		t->fiber = coro_fiber_create();

	/* Like Go's newproc, a task spawned by a task runs next on the same worker. coro_ready
	 * counts a readied task out of the parked ones: count this one in first. */
	if (w) {
		coro_count_add(&w->live, 1);
		coro_count_add(&w->parked, 1);
	} else {
		atomic_fetch_add(&live, 1);
		atomic_fetch_add(&coro_S.parked, 1);
	}
	coro_ready(t);
	return 0;
}

/* Off the list of live tasks, its fiber, its stack and itself freed. */
static void task_free(struct coro_task *t)
{
	fxlock_lock(&all_lock);
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		all = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	fxlock_unlock(&all_lock);
	coro_fiber_destroy(t->fiber);
	coro_stack_put((struct coro_stack){ t->stack.base, t->stack.size + TASK_ROOM }); /* and t */
}

/* w's cache holds more than TASK_CACHE: half of it to the global list, or freed if that is
 * full. */
static void spill_cache(struct worker *w)
{
	struct coro_task *batch = NULL, *last = NULL;
	unsigned n = 0;
	while (n < task_cache / 2) {
		struct coro_task *t = w->free_tasks;
		w->free_tasks = t->next;
		t->next = batch;
		batch = t;
		if (!last)
			last = t;
		n++;
	}
	w->nfree -= n;
	fxlock_lock(&dead_lock);
	unsigned len = atomic_load_explicit(&dead_len, memory_order_relaxed);
	if (len + n <= DEAD_MAX) {
		last->next = dead;
		dead = batch;
		atomic_store_explicit(&dead_len, len + n, memory_order_relaxed); /* under dead_lock */
		batch = NULL;
	}
	fxlock_unlock(&dead_lock);
	while (batch) {
		struct coro_task *t = batch;
		batch = t->next;
		task_free(t);
	}
}

void coro_task_finished(struct worker *w, struct coro_task *t)
{
	coro_count_add(&w->live, -1);
	atomic_store_explicit(&t->state, DEAD, memory_order_relaxed); /* report-only field */
	if (task_cache == 0 || t->stack.size + TASK_ROOM != coro_stack_size()) {
		task_free(t);
		return;
	}
	t->next = w->free_tasks;
	w->free_tasks = t;
	if (++w->nfree > task_cache)
		spill_cache(w);
}

/* ---- Accounting for the deadlock report --------------------------------------------------------- */

int coro_nworkers(void) { return coro_S.nworkers; }
/* A count kept by each worker (coro_count_add) plus one for threads outside the scheduler. */
static long sum_counts(_Atomic long *outside, size_t field)
{
	long n = atomic_load(outside);
	for (int i = 0; i < coro_S.nworkers; i++) /* relaxed: see coro_count_add */
		n += atomic_load_explicit((_Atomic long *)((char *)&coro_S.workers[i] + field),
			memory_order_relaxed);
	return n;
}

long coro_live_tasks(void) { return sum_counts(&live, offsetof(struct worker, live)); }
long coro_parked_tasks(void) { return sum_counts(&coro_S.parked, offsetof(struct worker, parked)); }

uint64_t coro_ready_count(void)
{
	return (uint64_t)sum_counts(&coro_S.readies, offsetof(struct worker, readies));
}

void coro_dump_tasks(int fd)
{
	static const char *const names[] = { "runnable", "running", "parked", "dead" };
	fxlock_lock(&all_lock);
	for (struct coro_task *t = all; t; t = t->all_next) {
		int st = atomic_load_explicit(&t->state, memory_order_relaxed); /* a snapshot */
		if (st == DEAD)
			continue; /* kept for reuse by a worker */
		Dl_info info;
		const char *fn = dladdr((void *)(uintptr_t)t->fn, &info) && info.dli_sname
			? info.dli_sname : "?";
		dprintf(fd, "goroutine %llu [%s%s%s]: started as %s(%p) at %p, waiting on %p\n",
			(unsigned long long)t->id, names[st], st == PARKED ? ": " : "",
			st == PARKED ? t->wait_reason : "", fn, t->arg, (void *)(uintptr_t)t->fn,
			t->wait_obj);
	}
	fxlock_unlock(&all_lock);
}
