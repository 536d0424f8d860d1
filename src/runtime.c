/*
 * Tasks: the OS-thread runtime, the per-thread "current runtime", and the task API.
 *
 * The pthread, futex and lockfree families run their tasks as OS threads (this file). A family
 * with its own scheduler (coro) registers a csp_runtime_ops; every task it runs calls
 * csp_runtime_set_current() so that csp_go/csp_yield/csp_sleep reach it.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Thread_local const csp_runtime_ops *current_rt;

struct thread_start {
	csp_task_fn fn;
	void *arg;
};

static void *thread_main(void *p)
{
	struct thread_start s = *(struct thread_start *)p;
	free(p);
	current_rt = &csp__threads_runtime;
	s.fn(s.arg);
	return NULL;
}

static int threads_spawn(csp_task_fn fn, void *arg)
{
	struct thread_start *s = malloc(sizeof *s);
	if (!s)
		return ENOMEM;
	s->fn = fn;
	s->arg = arg;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&(pthread_t){ 0 }, &attr, thread_main, s);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		free(s);
	return rc;
}

static void threads_yield(void)
{
	sched_yield();
}

static void threads_sleep(csp_duration d)
{
	if (d <= 0) {
		sched_yield();
		return;
	}
	struct timespec ts = { .tv_sec = d / CSP_SECOND, .tv_nsec = d % CSP_SECOND };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

const csp_runtime_ops csp__threads_runtime = {
	.name = "threads",
	.family = "pthread",
	.spawn = threads_spawn,
	.yield = threads_yield,
	.sleep = threads_sleep,
};

const csp_runtime_ops *csp_runtime_current(void)
{
	return current_rt ? current_rt : &csp__threads_runtime;
}

void csp_runtime_set_current(const csp_runtime_ops *rt)
{
	current_rt = rt;
}

int csp_go(csp_task_fn fn, void *arg)
{
	return csp_runtime_current()->spawn(fn, arg);
}

void csp_yield(void)
{
	csp_runtime_current()->yield();
}

void csp_sleep(csp_duration d)
{
	csp_runtime_current()->sleep(d);
}

/* ---- csp_run: the calling OS thread waits for one task of another runtime ------------------ */

struct run_state {
	csp_task_fn fn;
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
};

static void run_task(void *p)
{
	struct run_state *s = p;
	s->fn(s->arg);
	pthread_mutex_lock(&s->mu);
	s->done = true;
	pthread_cond_signal(&s->cv); /* signalled under the mutex: s may vanish once it is released */
	pthread_mutex_unlock(&s->mu);
}

static bool family_known(const char *family)
{
	for (size_t i = 0; i < csp_registry_count(); i++)
		if (strcmp(csp_registry_at(i)->info->family, family) == 0)
			return true;
	return csp_runtime_for(family) != &csp__threads_runtime;
}

int csp_run(const char *family, csp_task_fn fn, void *arg)
{
	if (family && !family_known(family))
		return EINVAL;
	const csp_runtime_ops *rt = csp_runtime_for(family);
	struct run_state s = { .fn = fn, .arg = arg, .done = false };
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	int rc = rt->spawn(run_task, &s);
	if (rc == 0) {
		pthread_mutex_lock(&s.mu);
		while (!s.done)
			pthread_cond_wait(&s.cv, &s.mu);
		pthread_mutex_unlock(&s.mu);
	}
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	return rc;
}
