/* The scenario-side harness: timers, objects, tasks, RunParallel (see bench.h). */
#define _GNU_SOURCE
#include "bench.h"
#include "harness_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* ---- Timers ----------------------------------------------------------------------------------- */

static int64_t process_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * CSP_SECOND + ts.tv_nsec;
}

static int64_t context_switches(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

void b_start_timer(bench_b *b)
{
	if (b->t_wall >= 0)
		return;
	b->t_wall = csp_now();
	b->t_cpu = process_cpu_ns();
	b->t_csw = context_switches();
}

void b_stop_timer(bench_b *b)
{
	if (b->t_wall < 0)
		return;
	b->wall += csp_now() - b->t_wall;
	b->cpu += process_cpu_ns() - b->t_cpu;
	b->csw += context_switches() - b->t_csw;
	b->t_wall = -1;
}

void b_reset_timer(bench_b *b)
{
	bool running = b->t_wall >= 0;
	b->wall = b->cpu = b->csw = 0;
	b->t_wall = -1;
	if (running)
		b_start_timer(b);
}

/* ---- Errors and counters ---------------------------------------------------------------------- */

void b_error(bench_b *b, const char *fmt, ...)
{
	if (b->error[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->error, sizeof b->error, fmt, ap);
	va_end(ap);
	if (!b->error[0])
		strcpy(b->error, "error");
}

void b_counter(bench_b *b, const char *name, double value, unsigned flags)
{
	for (int i = 0; i < b->n_counters; i++) {
		if (strcmp(b->counter_name[i], name) == 0) {
			b->counter_value[i] = value;
			b->counter_flags[i] = flags;
			return;
		}
	}
	if (b->n_counters == BENCH_MAX_COUNTERS) {
		b_error(b, "too many counters (at most %d)", BENCH_MAX_COUNTERS);
		return;
	}
	b->counter_name[b->n_counters] = name;
	b->counter_value[b->n_counters] = value;
	b->counter_flags[b->n_counters] = flags;
	b->n_counters++;
}

/* ---- Objects ---------------------------------------------------------------------------------- */

struct bench_obj {
	struct bench_obj *next;
	enum csp_prim prim;
	void *obj;
};

static void *track(bench_b *b, enum csp_prim prim, void *obj)
{
	struct bench_obj *o = obj ? malloc(sizeof *o) : NULL;
	if (!o) {
		b_error(b, "cannot create a %s of '%s'", csp_prim_name(prim), b->impl->name);
		return NULL;
	}
	*o = (struct bench_obj){ NULL, prim, obj };
	/* A Treiber push: tasks of a body may make objects concurrently (one mutex per task). */
	o->next = atomic_load(&b->objs);
	while (!atomic_compare_exchange_weak(&b->objs, &o->next, o))
		;
	return obj;
}

csp_chan *b_chan(bench_b *b, size_t elem_size, size_t cap)
{
	return track(b, CSP_PRIM_CHAN,
		csp_chan_make_ops((const csp_chan_ops *)b->impl, elem_size, cap));
}

csp_mutex *b_mutex(bench_b *b)
{
	return track(b, CSP_PRIM_MUTEX, csp_mutex_new_ops((const csp_mutex_ops *)b->impl));
}

csp_rwlock *b_rwlock(bench_b *b)
{
	return track(b, CSP_PRIM_RWLOCK, csp_rwlock_new_ops((const csp_rwlock_ops *)b->impl));
}

csp_waitgroup *b_wg(bench_b *b)
{
	return track(b, CSP_PRIM_WAITGROUP,
		csp_wg_new_ops((const csp_waitgroup_ops *)b->impl));
}

void bench_free_objects(bench_b *b)
{
	struct bench_obj *next;
	for (struct bench_obj *o = atomic_exchange(&b->objs, NULL); o; o = next) {
		next = o->next;
		hx_obj_free(o->prim, o->obj);
		free(o);
	}
}

/* ---- Tasks ------------------------------------------------------------------------------------ */

void b_go(bench_b *b, csp_task_fn fn, void *arg)
{
	int rc = csp_wg_go(b->wg, fn, arg);
	if (rc != 0) {
		/* A body cannot go on without its tasks (it would wait for them forever), and running
		 * one inline usually deadlocks on its spawner: stop the run loudly. bench/run.py keeps
		 * every result finished before this one. */
		fprintf(stderr, "csplab-bench: %s on '%s': cannot spawn a task: %s\n",
			b->scenario->name, b->impl->name, strerror(rc));
		exit(3);
	}
}

void b_go_plain(bench_b *b, csp_task_fn fn, void *arg)
{
	int rc = csp_go(fn, arg);
	if (rc != 0) { /* as b_go */
		fprintf(stderr, "csplab-bench: %s on '%s': cannot spawn a task: %s\n",
			b->scenario->name, b->impl->name, strerror(rc));
		exit(3);
	}
}

void b_wait(bench_b *b)
{
	csp_wg_wait(b->wg);
}

struct parallel {
	void (*body)(bench_pb *pb, void *arg);
	void *arg;
	_Atomic int64_t left;
	_Atomic int next_index;
	int64_t grain;
	int64_t deadline;
};

static void parallel_task(void *p)
{
	struct parallel *par = p;
	bench_pb pb = {
		.left = &par->left,
		.grain = par->grain,
		.deadline = par->deadline,
		.index = atomic_fetch_add_explicit(&par->next_index, 1, memory_order_relaxed),
	}; /* relaxed: the index only has to be unique */
	par->body(&pb, par->arg);
}

bool b_next_slow(bench_pb *pb)
{
	if (csp_now() > pb->deadline)
		return false; /* the run's cap: b_run_parallel counts what was done */
	/* relaxed: the counter only hands out iteration numbers; it orders no data */
	int64_t got = atomic_fetch_sub_explicit(pb->left, pb->grain, memory_order_relaxed);
	if (got <= 0)
		return false;
	pb->cached = (got < pb->grain ? got : pb->grain) - 1;
	return true;
}

void b_run_parallel(bench_b *b, void (*body)(bench_pb *pb, void *arg), void *arg)
{
	/* Go picks the grain from the previous run's ns/op; a fixed share keeps every task busy
	 * and the shared counter off the hot path. */
	int64_t grain = b->n / ((int64_t)b->procs * 64);
	grain = grain < 1 ? 1 : grain > 10000 ? 10000 : grain;
	struct parallel par = { .body = body, .arg = arg, .grain = grain,
		.deadline = b->run_deadline };
	atomic_init(&par.left, b->n);
	atomic_init(&par.next_index, 0);
	for (int i = 0; i < b->procs; i++)
		b_go(b, parallel_task, &par);
	b_wait(b);
	/* Every batch handed out was finished; only what is still in `left` was not done. */
	int64_t left = atomic_load(&par.left);
	b->done = b->n - (left > 0 ? left : 0);
}

void b_work(int units)
{
	b_work_live(1, units);
}

size_t bench_thread_counts(enum bench_profile p, int64_t out[], size_t max)
{
	int64_t ncpu = csp_ncpu();
	int64_t cand[] = { 1, ncpu, 2 * ncpu, 4 * ncpu };
	size_t n = 0;
	for (size_t i = 0; i < sizeof cand / sizeof cand[0] && n < max; i++) {
		if (p == BENCH_SMOKE && i > 1)
			break;
		if (n == 0 || cand[i] != out[n - 1])
			out[n++] = cand[i];
	}
	return n;
}
