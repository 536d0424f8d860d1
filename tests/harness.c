/* The conformance harness: failure recording, objects under test, task groups, forked misuse. */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- Sanitizer defaults ---------------------------------------------------------------------- */

/* An allocation no machine can grant (ChanMakeHostileSizes asks for more than 2^47 bytes)
 * returns NULL under the sanitizers too, as under glibc, instead of stopping the process with
 * "requested allocation size exceeds maximum supported size". Options in the environment
 * (scripts/sanitized-run) still apply; these are the defaults beneath them. */
#if defined(CSPLAB_ASAN)
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#elif defined(CSPLAB_TSAN)
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

/* ---- Failing ---------------------------------------------------------------------------------- */

static void fail_why(tctx *t, enum hx_why why, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fail_why(tctx *t, enum hx_why why, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hx_fail_v(&t->first, why, NULL, file, line, fmt, ap);
	va_end(ap);
}

void t_fail_at(tctx *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hx_fail_v(&t->first, HX_WHY_CHECK, NULL, file, line, fmt, ap);
	va_end(ap);
}

/* ---- Objects ---------------------------------------------------------------------------------- */

static void track(tctx *t, enum csp_prim prim, void *obj)
{
	struct tobj *o = malloc(sizeof *o);
	if (!o) {
		t_fail(t, "out of memory");
		return;
	}
	o->prim = prim;
	o->obj = obj;
	/* A Treiber push: objects are created from any task of the test. */
	o->next = atomic_load(&t->objs);
	while (!atomic_compare_exchange_weak(&t->objs, &o->next, o))
		;
}

static void *made(tctx *t, enum csp_prim prim, void *obj, const char *what)
{
	if (!obj) {
		t_fail(t, "%s of implementation '%s' failed: %s", what, t->impl->name, strerror(errno));
	} else {
		track(t, prim, obj);
		t_tick(t);
	}
	return obj;
}

csp_chan *t_chan(tctx *t, size_t elem_size, size_t cap)
{
	return made(t, CSP_PRIM_CHAN,
		csp_chan_make_ops((const csp_chan_ops *)t->impl, elem_size, cap), "csp_chan_make");
}

csp_mutex *t_mutex(tctx *t)
{
	return made(t, CSP_PRIM_MUTEX, csp_mutex_new_ops((const csp_mutex_ops *)t->impl),
		"csp_mutex_new");
}

csp_rwlock *t_rwlock(tctx *t)
{
	return made(t, CSP_PRIM_RWLOCK, csp_rwlock_new_ops((const csp_rwlock_ops *)t->impl),
		"csp_rwlock_new");
}

csp_waitgroup *t_wg(tctx *t)
{
	return made(t, CSP_PRIM_WAITGROUP,
		csp_wg_new_ops((const csp_waitgroup_ops *)t->impl), "csp_wg_new");
}

void t_free_objects(tctx *t)
{
	struct tobj *o = atomic_exchange(&t->objs, NULL);
	while (o) {
		struct tobj *next = o->next;
		hx_obj_free(o->prim, o->obj);
		free(o);
		o = next;
	}
}

/* ---- Tasks ------------------------------------------------------------------------------------ */

struct tstart {
	tctx *t;
	tgroup *g;
	csp_task_fn fn;
	void *arg;
};

static void task_main(void *p)
{
	struct tstart s = *(struct tstart *)p;
	free(p);
	s.fn(s.arg);
	t_tick(s.t);
	/* release: publishes everything the task did; pairs with the acquire load in t_wait */
	atomic_fetch_sub_explicit(&s.g->pending, 1, memory_order_release);
}

bool t_go(tctx *t, tgroup *g, csp_task_fn fn, void *arg)
{
	struct tstart *s = malloc(sizeof *s);
	if (!s) {
		t_fail(t, "out of memory spawning a task");
		return false;
	}
	*s = (struct tstart){ t, g, fn, arg };
	atomic_fetch_add_explicit(&g->pending, 1, memory_order_relaxed); /* read only after spawn */
	int rc = csp_go(task_main, s);
	if (rc != 0) {
		atomic_fetch_sub_explicit(&g->pending, 1, memory_order_relaxed);
		free(s);
		t_fail(t, "spawning a task failed: %s", strerror(rc));
		return false;
	}
	return true;
}

/* Back off while polling: yield first (cheap, lets the awaited task run), then sleep up to 1 ms.
 * The sleep never stands in for synchronisation: the caller re-checks an atomic each time. */
static void backoff(unsigned *round)
{
	if (*round < 64) {
		csp_yield();
	} else {
		unsigned shift = *round - 64 < 10 ? *round - 64 : 10;
		csp_sleep(CSP_MICROSECOND << shift);
	}
	(*round)++;
}

bool t_wait(tctx *t, tgroup *g, const char *what)
{
	unsigned round = 0;
	/* acquire: pairs with the release decrement in task_main */
	while (atomic_load_explicit(&g->pending, memory_order_acquire) != 0) {
		if (csp_now() > t->deadline) {
			fail_why(t, HX_WHY_HANG, __FILE__, __LINE__,
				"timed out waiting for %lld task(s): %s",
				(long long)atomic_load(&g->pending), what);
			return false;
		}
		backoff(&round);
	}
	return true;
}

bool t_wait_flag(tctx *t, _Atomic int *flag, const char *what)
{
	unsigned round = 0;
	/* acquire: pairs with the writer's release store (or stronger) of the flag */
	while (atomic_load_explicit(flag, memory_order_acquire) == 0) {
		if (csp_now() > t->deadline) {
			fail_why(t, HX_WHY_HANG, __FILE__, __LINE__, "timed out waiting for: %s", what);
			return false;
		}
		backoff(&round);
	}
	return true;
}

/* ---- Sizes ------------------------------------------------------------------------------------ */

int t_ncpu(void)
{
	return csp_ncpu();
}

bool t_sanitized(void)
{
#ifdef CSPLAB_SANITIZED
	return true;
#else
	return false;
#endif
}

int64_t t_iters(int64_t n)
{
	int64_t r = t_sanitized() ? n / 8 : n;
	return r < 1 ? 1 : r;
}

int64_t t_floor(int64_t n)
{
	return n / 8 > 0 ? n / 8 : 1;
}

bool t_more(tctx *t, int64_t done, int64_t n)
{
	if (done >= n)
		return false;
	if (done < t_floor(n) || csp_now() < t->soft_end)
		return true;
	atomic_store(&t->cut, 1);
	return false;
}

void t_watch_start(twatch *w)
{
	hx_busy_start(&w->busy);
	w->start = csp_now();
}

int64_t t_watch_stop(twatch *w, int64_t *queued)
{
	int64_t took = csp_now() - w->start;
	int64_t q = hx_busy_sample(&w->busy);
	hx_busy_stop(&w->busy);
	q = q < took ? q : took;
	if (queued)
		*queued = q;
	return took - q;
}

/* ---- Fatal misuse ----------------------------------------------------------------------------- */

void t_expect_fatal(tctx *t, void (*fn)(void *), void *arg, const char *message)
{
	int fds[2];
	if (pipe(fds) != 0) {
		t_fail(t, "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		t_fail(t, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 }); /* the abort is expected: no core */
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn(arg);
		_exit(0); /* returned: the misuse went unnoticed */
	}
	close(fds[1]);
	char out[4096];
	size_t len = 0;
	int64_t deadline = csp_now() + 10 * CSP_SECOND;
	for (;;) {
		int left_ms = (int)((deadline - csp_now()) / CSP_MILLISECOND);
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		if (left_ms <= 0 || poll(&p, 1, left_ms) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close(fds[0]);
			fail_why(t, HX_WHY_HANG, __FILE__, __LINE__,
				"misuse child hung (expected it to die with \"%s\")", message);
			return;
		}
		ssize_t n = read(fds[0], out + len, sizeof out - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof out - 1)
			break;
	}
	out[len] = '\0';
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		t_fail(t, "misuse was not fatal: expected \"%s\", the child exited normally", message);
		return;
	}
	if (!strstr(out, message))
		t_fail(t, "misuse died without \"%s\"; its stderr: %.300s", message, out);
}
