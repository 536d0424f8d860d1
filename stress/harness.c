/* The stress harness: phases, tasks, failures, pauses, wrapped channel operations, objects. */
#define _GNU_SOURCE
#include "stress.h"
#include "runner.h"
#include "hx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Phases and failures ------------------------------------------------------------------- */

void s_phase(sctx *s, const char *name, double fraction)
{
	int64_t len = (int64_t)((double)s->duration * fraction);
	s->body.budget = s->det_ops; /* the body's own loops, in deterministic mode */
	/* relaxed, both: the tasks of the phase are spawned after this, which publishes them */
	atomic_store_explicit(&s->phase, name, memory_order_relaxed);
	atomic_store_explicit(&s->phase_end, csp_now() + len, memory_order_relaxed);
}

bool s_running(stask *t)
{
	sctx *s = t->s;
	if (s_det(s))
		return !s_failed(s) && t->budget-- > 0;
	/* relaxed: set before the phase's tasks were spawned (see s_phase) */
	int64_t end = atomic_load_explicit(&s->phase_end, memory_order_relaxed);
	return !s_failed(s) && csp_now() < end;
}

void s_fail_at(sctx *s, const char *file, int line, const char *fmt, ...)
{
	/* relaxed: a static string, for the message */
	const char *phase = atomic_load_explicit(&s->phase, memory_order_relaxed);
	char prefix[128] = "";
	if (phase)
		snprintf(prefix, sizeof prefix, "%s: ", phase);
	va_list ap;
	va_start(ap, fmt);
	hx_fail_v(&s->first, HX_WHY_CHECK, prefix, file, line, fmt, ap);
	va_end(ap);
}

void s_note(sctx *s, const char *fmt, ...)
{
	size_t used = strlen(s->note);
	if (used + 3 >= sizeof s->note)
		return;
	if (used) {
		strcpy(s->note + used, "; ");
		used += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->note + used, sizeof s->note - used, fmt, ap);
	va_end(ap);
}

int64_t s_bound(sctx *s, double release_seconds)
{
	return (int64_t)(release_seconds * (s->sanitized ? 4 : 1) * (double)CSP_SECOND);
}

/* ---- Tasks ----------------------------------------------------------------------------------- */

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void s_task_init(sctx *s, stask *t, const char *role, int index, uint64_t stream)
{
	t->s = s;
	t->role = role;
	t->index = index;
	t->rng = mix(s->seed + 0x9e3779b97f4a7c15ULL * (stream + 1));
	atomic_store_explicit(&t->doing, "starting", memory_order_relaxed); /* watchdog's only */
}

static void task_main(void *p)
{
	stask *t = p;
	t->fn(t);
	s_doing(t, "returned");
	/* relaxed: read by the watchdog only, for its dump */
	atomic_store_explicit(&t->state, S_TASK_DONE, memory_order_relaxed);
	/* release: publishes the task's results; pairs with the acquire load in s_join */
	atomic_fetch_sub_explicit(&t->s->live, 1, memory_order_release);
}

stask *s_go(sctx *s, const char *role, int index, void (*fn)(stask *t), void *arg)
{
	/* relaxed: only the body spawns, so only the body writes nslots */
	int i = atomic_load_explicit(&s->nslots, memory_order_relaxed);
	if (i >= S_MAX_SLOTS) {
		s_fail(s, "more than %d tasks in one run", S_MAX_SLOTS);
		return NULL;
	}
	stask *t = &s->slots[i];
	s_task_init(s, t, role, index, (uint64_t)i + 1);
	t->fn = fn;
	t->arg = arg;
	t->budget = s->det_ops;
	atomic_store_explicit(&t->state, S_TASK_RUNNING, memory_order_relaxed); /* watchdog's only */
	/* release: the slot is complete; pairs with the watchdog's acquire load (the watchdog talks
	 * to no task, so this edge cannot hide a missing one between tasks) */
	atomic_store_explicit(&s->nslots, i + 1, memory_order_release);
	/* relaxed: the spawn below publishes it to the task; s_join reads it with acquire */
	atomic_fetch_add_explicit(&s->live, 1, memory_order_relaxed);
	int rc = csp_go(task_main, t);
	if (rc != 0) {
		/* relaxed, both: the task never ran */
		atomic_store_explicit(&t->state, S_TASK_DONE, memory_order_relaxed);
		atomic_fetch_sub_explicit(&s->live, 1, memory_order_relaxed);
		s_fail(s, "spawning %s %d failed: %s", role, index, strerror(rc));
		return NULL;
	}
	return t;
}

/* Back off while polling: yields first, then sleeps growing to 1 ms (deterministic mode: only
 * yields, since a sleep's length depends on the clock). */
static void backoff(sctx *s, unsigned *round)
{
	if (*round < 32 || s_det(s)) {
		csp_yield();
	} else {
		unsigned shift = *round - 32 < 10 ? *round - 32 : 10;
		csp_sleep(CSP_MICROSECOND << shift);
	}
	(*round)++;
}

void s_join(sctx *s)
{
	unsigned round = 0;
	s_doing(&s->body, "joining its tasks");
	/* acquire: pairs with the release decrement in task_main */
	while (atomic_load_explicit(&s->live, memory_order_acquire) != 0)
		backoff(s, &round);
	s_doing(&s->body, "running");
}

bool s_await_at_least(stask *t, _Atomic int64_t *v, int64_t want)
{
	unsigned round = 0;
	while (atomic_load_explicit(v, memory_order_acquire) < want) { /* see the declaration */
		if (s_failed(t->s))
			return false;
		backoff(t->s, &round);
	}
	return true;
}

void s_pause(stask *t, int max_sleep_us)
{
	uint32_t r = s_randn(t, 100);
	if (r < 60)
		return;
	if (r < 95 || max_sleep_us <= 0) {
		for (uint32_t i = s_randn(t, 256); i > 0; i--)
			__asm__ __volatile__("" ::: "memory"); /* a compiler barrier: the loop stays */
		return;
	}
	if (s_det(t->s)) {
		for (uint32_t i = s_randn(t, 4) + 1; i > 0; i--)
			csp_yield(); /* lets the deterministic scheduler pick someone else */
		return;
	}
	csp_sleep((csp_duration)(s_randn(t, (uint32_t)max_sleep_us) + 1) * CSP_MICROSECOND);
}

/* ---- Bounded waits --------------------------------------------------------------------------- */

/* All relaxed: timestamps and counts for the checks, which order nothing (a watcher reading a
 * wait half begun sees, at worst, one tick's stale discount). */
void s_wait_begin(struct swait *w)
{
	int tid = hx_tid();
	atomic_store_explicit(&w->tid, tid, memory_order_relaxed);
	atomic_store_explicit(&w->queued_at, hx_run_delay(tid), memory_order_relaxed);
	atomic_store_explicit(&w->others_at, atomic_load_explicit(&w->others, memory_order_relaxed),
		memory_order_relaxed);
	atomic_store_explicit(&w->since, csp_now(), memory_order_relaxed);
}

/* A wait as the check sees it: the time and the overtakes that are the lock's doing. */
struct wait_figures {
	int64_t raw;    /* ns since the wait began */
	int64_t queued; /* ns of it the thread spent runnable but not running */
	int64_t wait;   /* raw - queued */
	int64_t over;   /* overtakes, scaled to wait/raw */
};

static struct wait_figures wait_figures(struct swait *w, int64_t since, int64_t now)
{
	struct wait_figures f = { .raw = now - since };
	int64_t over = atomic_load_explicit(&w->others, memory_order_relaxed) -
		atomic_load_explicit(&w->others_at, memory_order_relaxed);
	int64_t at = atomic_load_explicit(&w->queued_at, memory_order_relaxed);
	int64_t cur = at >= 0 ? hx_run_delay(atomic_load_explicit(&w->tid, memory_order_relaxed)) : -1;
	if (cur >= at && at >= 0)
		f.queued = cur - at < f.raw ? cur - at : f.raw;
	f.wait = f.raw - f.queued;
	f.over = f.raw > 0 ? (int64_t)((double)over * (double)f.wait / (double)f.raw) : over;
	return f;
}

static void fail_starved(sctx *s, struct swait *w, const char *who, struct wait_figures f)
{
	s_fail(s, "%s starved: overtaken %lld times (bound %lld) in a wait of %.3f s (over %.3f s "
		  "counts; %.3f s more spent runnable but not running, not counted), after %lld "
		  "acquisitions",
		who, (long long)f.over, (long long)w->max_overtakes, (double)f.wait / CSP_SECOND,
		(double)w->min_wait / CSP_SECOND, (double)f.queued / CSP_SECOND,
		(long long)atomic_load_explicit(&w->count, memory_order_relaxed));
}

void s_wait_end(stask *t, struct swait *w, const char *who)
{
	struct wait_figures f =
		wait_figures(w, atomic_load_explicit(&w->since, memory_order_relaxed), csp_now());
	atomic_store_explicit(&w->since, 0, memory_order_relaxed);
	w->worst = f.wait > w->worst ? f.wait : w->worst;
	w->worst_overtakes = f.over > w->worst_overtakes ? f.over : w->worst_overtakes;
	atomic_fetch_add_explicit(&w->count, 1, memory_order_relaxed);
	if (f.over > w->max_overtakes && f.wait > w->min_wait)
		fail_starved(t->s, w, who, f);
}

bool s_watch_wait(sctx *s, struct swait *w, int64_t bound, const char *who)
{
	s_doing(&s->body, "watching the occasional task");
	/* acquire: pairs with the task's release store of done; then worst and count are final */
	while (!atomic_load_explicit(&w->done, memory_order_acquire)) {
		if (s_failed(s))
			return false;
		int64_t since = atomic_load_explicit(&w->since, memory_order_relaxed);
		if (since) {
			struct wait_figures f = wait_figures(w, since, csp_now());
			if (f.wait > bound) {
				s_fail(s, "%s starved: waiting for %.3f s (bound %.3f s; %.3f s more spent "
					  "runnable but not running, not counted), overtaken %lld times",
					who, (double)f.wait / CSP_SECOND, (double)bound / CSP_SECOND,
					(double)f.queued / CSP_SECOND, (long long)f.over);
				return false;
			}
			if (f.over > w->max_overtakes && f.wait > w->min_wait) {
				fail_starved(s, w, who, f);
				return false;
			}
		}
		csp_sleep(CSP_MILLISECOND);
	}
	s_doing(&s->body, "running");
	return true;
}

/* ---- Channel operations ---------------------------------------------------------------------- */

int sx_send(stask *t, csp_chan *c, const void *v, csp_duration d)
{
	int st;
	if (d == 0)
		SX_OP(t, "chan send", st = csp_chan_send(c, v));
	else if (d < 0)
		SX_OP(t, "chan trysend", st = csp_chan_trysend(c, v));
	else
		SX_OP(t, "chan send (timed)", st = csp_chan_send_timeout(c, v, d));
	return st;
}

int sx_recv(stask *t, csp_chan *c, void *v, csp_duration d)
{
	int st;
	if (d == 0)
		SX_OP(t, "chan recv", st = csp_chan_recv(c, v, NULL));
	else if (d < 0)
		SX_OP(t, "chan tryrecv", st = csp_chan_tryrecv(c, v, NULL));
	else
		SX_OP(t, "chan recv (timed)", st = csp_chan_recv_timeout(c, v, NULL, d));
	return st;
}

int sx_close(stask *t, csp_chan *c)
{
	int st;
	SX_OP(t, "chan close", st = csp_chan_close(c));
	return st;
}

int sx_select(stask *t, csp_case *cases, size_t n, csp_duration d)
{
	int r;
	if (d == 0)
		SX_OP(t, "select", r = csp_select(cases, n, false));
	else if (d < 0)
		SX_OP(t, "select (default)", r = csp_select(cases, n, true));
	else
		SX_OP(t, "select (timed)", r = csp_select_timeout(cases, n, d));
	return r;
}

/* ---- Objects --------------------------------------------------------------------------------- */
/* Made by the body only (a plain list), freed by the runner once every task has returned. */

struct sobj {
	struct sobj *next;
	enum csp_prim prim; /* CSP_PRIM_COUNT: plain memory */
	void *obj;
};

static struct sobj *objs;

static void *track(sctx *s, enum csp_prim prim, void *obj, const char *what)
{
	struct sobj *o = obj ? malloc(sizeof *o) : NULL;
	if (!o) {
		s_fail(s, "%s failed: %s", what, strerror(obj ? ENOMEM : errno));
		if (obj && prim == CSP_PRIM_COUNT)
			free(obj);
		return NULL;
	}
	*o = (struct sobj){ objs, prim, obj };
	objs = o;
	return obj;
}

csp_mutex *s_mutex(sctx *s)
{
	return track(s, CSP_PRIM_MUTEX, csp_mutex_new_ops((const csp_mutex_ops *)s->impl),
		"csp_mutex_new");
}

csp_rwlock *s_rwlock(sctx *s)
{
	return track(s, CSP_PRIM_RWLOCK, csp_rwlock_new_ops((const csp_rwlock_ops *)s->impl),
		"csp_rwlock_new");
}

csp_waitgroup *s_wg(sctx *s)
{
	return track(s, CSP_PRIM_WAITGROUP, csp_wg_new_ops((const csp_waitgroup_ops *)s->impl),
		"csp_wg_new");
}

csp_chan *s_chan(sctx *s, size_t elem_size, size_t cap)
{
	return track(s, CSP_PRIM_CHAN, s_chan_temp(s, elem_size, cap), "csp_chan_make");
}

csp_chan *s_chan_temp(sctx *s, size_t elem_size, size_t cap)
{
	csp_chan *c = csp_chan_make_ops((const csp_chan_ops *)s->impl, elem_size, cap);
	if (!c)
		s_fail(s, "csp_chan_make(%zu, %zu) failed: %s", elem_size, cap, strerror(errno));
	return c;
}

void *s_alloc(sctx *s, size_t size)
{
	return track(s, CSP_PRIM_COUNT, calloc(1, size ? size : 1), "allocating memory");
}

void s_free_all(void)
{
	while (objs) {
		struct sobj *o = objs;
		objs = o->next;
		if (!hx_obj_free(o->prim, o->obj))
			free(o->obj); /* s_alloc's memory */
		free(o);
	}
}
