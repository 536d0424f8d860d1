/*
 * The coro scheduler's run queues (see sched.c for how they are used): the global queue under a
 * lock (tasks from outside the scheduler, overflow, and every task in deterministic mode), each
 * worker's ring (runq.c) and run-next slot, and theft between workers. The owner's pick order is
 * in sched.c (next_local), on the switch's hot path.
 */
#include "sched_internal.h"

void coro_global_push(struct coro_task *t)
{
	struct global_queue *g = &coro_S.global;
	fxlock_lock(&g->lock);
	t->next = NULL;
	if (g->tail)
		g->tail->next = t;
	else
		g->head = t;
	g->tail = t;
	/* relaxed: a hint for idle checks; the lock orders the queue itself */
	atomic_store_explicit(&g->len, atomic_load_explicit(&g->len, memory_order_relaxed) + 1,
		memory_order_relaxed);
	fxlock_unlock(&g->lock);
}

/* The head, or (deterministic mode, rng != NULL) a task chosen at random. */
struct coro_task *coro_global_pop(uint64_t *rng)
{
	struct global_queue *g = &coro_S.global;
	if (atomic_load_explicit(&g->len, memory_order_relaxed) == 0) /* hint; re-checked locked */
		return NULL;
	fxlock_lock(&g->lock);
	uint32_t len = atomic_load_explicit(&g->len, memory_order_relaxed); /* under the lock */
	struct coro_task **link = &g->head, *prev = NULL, *t = NULL;
	if (len > 0) {
		if (rng) {
			*rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL; /* Knuth's LCG */
			for (uint32_t k = (uint32_t)((*rng >> 33) % len); k > 0; k--) {
				prev = *link;
				link = &(*link)->next;
			}
		}
		t = *link;
		*link = t->next;
		if (g->tail == t)
			g->tail = prev;
		atomic_store_explicit(&g->len, len - 1, memory_order_relaxed); /* as in push */
	}
	fxlock_unlock(&g->lock);
	return t;
}

/* Owner: queue t locally; a full ring sends half of itself (and t) to the global queue. */
void coro_local_put(struct worker *w, struct coro_task *t)
{
	while (!runq_put(&w->q, t)) {
		struct coro_task *batch[RUNQ_SIZE / 2];
		uint32_t n = runq_grab(&w->q, batch, RUNQ_SIZE / 2);
		for (uint32_t i = 0; i < n; i++)
			coro_global_push(batch[i]);
		coro_wake_idle();
	}
}

struct coro_task *coro_steal(struct worker *w)
{
	for (int k = 1; k < coro_S.nworkers; k++) {
		struct worker *v = &coro_S.workers[(w->id + k) % coro_S.nworkers];
		struct coro_task *t = runq_steal(&w->q, &v->q);
		if (t)
			return t;
	}
	/* Last, the victims' run-next tasks: like Go, give the victim a moment to run its own
	 * run-next first (a ping-pong pair should stay on one worker). */
	for (int k = 1; k < coro_S.nworkers; k++) {
		struct worker *v = &coro_S.workers[(w->id + k) % coro_S.nworkers];
		struct coro_task *t = atomic_load(&v->runnext);
		if (!t)
			continue;
		for (int i = 0; i < 2000; i++)
			cpu_relax();
		if (atomic_compare_exchange_strong(&v->runnext, &t, NULL))
			return t;
	}
	return NULL;
}

bool coro_work_visible(void)
{
	if (atomic_load_explicit(&coro_S.global.len, memory_order_relaxed)) /* hint, see push */
		return true;
	for (int i = 0; i < coro_S.nworkers; i++)
		if (runq_len(&coro_S.workers[i].q) || atomic_load(&coro_S.workers[i].runnext))
			return true;
	int64_t next = coro_timers_next();
	return next != CSP_FOREVER && next <= csp_now();
}
