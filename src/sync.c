/* The user API of Mutex, RWMutex and WaitGroup: creation and dispatch to the bound ops table. */
#include "internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* Allocate a header of `head` bytes (whose first member is the ops pointer) plus the state. */
static void *obj_new(size_t head, const void *ops, size_t size, int (*init)(void *))
{
	if (!ops) {
		errno = EINVAL;
		return NULL;
	}
	unsigned char *o = csp__obj_alloc(head, size);
	if (!o)
		return NULL;
	*(const void **)o = ops;
	int rc = init(o + head);
	if (rc != 0) {
		csp__obj_free(o);
		errno = rc;
		return NULL;
	}
	return o;
}

static void obj_free(void *o, size_t head, void (*destroy)(void *))
{
	if (!o)
		return;
	if (destroy)
		destroy((unsigned char *)o + head);
	csp__obj_free(o);
}

/* ---- Mutex ---------------------------------------------------------------------------------- */

#define MUTEX_HEAD offsetof(struct csp_mutex, state)

csp_mutex *csp_mutex_new_ops(const csp_mutex_ops *ops)
{
	return obj_new(MUTEX_HEAD, ops, ops ? ops->size : 0, ops ? ops->init : NULL);
}

csp_mutex *csp_mutex_new(const char *impl)
{
	return csp_mutex_new_ops(csp__resolve(CSP_PRIM_MUTEX, impl));
}

void csp_mutex_free(csp_mutex *m)
{
	if (m)
		obj_free(m, MUTEX_HEAD, m->ops->destroy);
}

void csp_mutex_lock(csp_mutex *m) { m->ops->lock(m->state); }
bool csp_mutex_trylock(csp_mutex *m) { return m->ops->trylock(m->state); }
void csp_mutex_unlock(csp_mutex *m) { m->ops->unlock(m->state); }
const char *csp_mutex_impl(csp_mutex *m) { return m->ops->info.name; }

/* ---- RWMutex -------------------------------------------------------------------------------- */

#define RWLOCK_HEAD offsetof(struct csp_rwlock, state)

csp_rwlock *csp_rwlock_new_ops(const csp_rwlock_ops *ops)
{
	return obj_new(RWLOCK_HEAD, ops, ops ? ops->size : 0, ops ? ops->init : NULL);
}

csp_rwlock *csp_rwlock_new(const char *impl)
{
	return csp_rwlock_new_ops(csp__resolve(CSP_PRIM_RWLOCK, impl));
}

void csp_rwlock_free(csp_rwlock *l)
{
	if (l)
		obj_free(l, RWLOCK_HEAD, l->ops->destroy);
}

void csp_rwlock_rlock(csp_rwlock *l) { l->ops->rlock(l->state); }
bool csp_rwlock_tryrlock(csp_rwlock *l) { return l->ops->tryrlock(l->state); }
void csp_rwlock_runlock(csp_rwlock *l) { l->ops->runlock(l->state); }
void csp_rwlock_lock(csp_rwlock *l) { l->ops->lock(l->state); }
bool csp_rwlock_trylock(csp_rwlock *l) { return l->ops->trylock(l->state); }
void csp_rwlock_unlock(csp_rwlock *l) { l->ops->unlock(l->state); }
const char *csp_rwlock_impl(csp_rwlock *l) { return l->ops->info.name; }

/* ---- WaitGroup ------------------------------------------------------------------------------ */

#define WG_HEAD offsetof(struct csp_waitgroup, state)

csp_waitgroup *csp_wg_new_ops(const csp_waitgroup_ops *ops)
{
	return obj_new(WG_HEAD, ops, ops ? ops->size : 0, ops ? ops->init : NULL);
}

csp_waitgroup *csp_wg_new(const char *impl)
{
	return csp_wg_new_ops(csp__resolve(CSP_PRIM_WAITGROUP, impl));
}

void csp_wg_free(csp_waitgroup *wg)
{
	if (wg)
		obj_free(wg, WG_HEAD, wg->ops->destroy);
}

void csp_wg_add(csp_waitgroup *wg, int64_t delta) { wg->ops->add(wg->state, delta); }
void csp_wg_done(csp_waitgroup *wg) { wg->ops->add(wg->state, -1); }
void csp_wg_wait(csp_waitgroup *wg) { wg->ops->wait(wg->state); }
const char *csp_wg_impl(csp_waitgroup *wg) { return wg->ops->info.name; }

struct wg_task {
	csp_waitgroup *wg;
	csp_task_fn fn;
	void *arg;
};

static void wg_task_main(void *p)
{
	struct wg_task t = *(struct wg_task *)p;
	free(p);
	t.fn(t.arg);
	csp_wg_done(t.wg);
}

int csp_wg_go(csp_waitgroup *wg, csp_task_fn fn, void *arg)
{
	struct wg_task *t = malloc(sizeof *t);
	if (!t)
		return ENOMEM;
	*t = (struct wg_task){ wg, fn, arg };
	csp_wg_add(wg, 1);
	int rc = csp_go(wg_task_main, t);
	if (rc != 0) {
		free(t);
		csp_wg_add(wg, -1);
	}
	return rc;
}
