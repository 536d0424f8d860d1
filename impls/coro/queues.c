/*
 * The coro scheduler's run queues (see sched.c for how they are used): the global queue under a
 * lock (tasks from outside the scheduler, overflow, and every task in deterministic mode), each
 * worker's ring (runq.c) and run-next slot, and theft between workers. The owner's pick order is
 * in sched.c (next_local), on the switch's hot path.
 */
#include "sched_internal.h"

#include <time.h>

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
			int pick = coro_pct_pick(g->head, len); /* PCT's choice, or -1: at random */
			uint32_t k = pick >= 0 ? (uint32_t)pick : (uint32_t)((*rng >> 33) % len);
			for (; k > 0; k--) {
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

/*
 * The grace a thief gives a victim's lone task (its run-next task, or the only task in its ring)
 * before taking it. The victim is running and will most likely switch to that task itself soon:
 * a ping-pong pair, or producers and consumers taking turns on one channel, then stay on one
 * worker instead of bouncing the channel's cache lines between two, which costs more than the
 * second core gains when the tasks do little besides channel operations. Go gives the same grace
 * to a running P's runnext only (runqgrab: usleep(3), which the default 50 µs timer slack
 * stretches); here the lone ring task gets it too. The thief sleeps rather than spins, so the
 * wait costs no CPU.
 *
 * Measured here with 2 workers, wall ns/op before -> after (csplab-bench --impl coro):
 * ChanProdCons10 47-57 -> 28-31 and ChanProdCons100 39-46 -> 28-32 (1 worker: 26 and 21);
 * ChanMPMC cap:64 60 -> 25. The price, where tasks do real work between operations and a second
 * core pays for the moves: ChanProdConsWork10 153 -> 175-189, RWLockMix threads:4 write_pct:1
 * 22 -> 26. Shorter graces keep less of the gain (5 µs: ProdCons CPU time per op doubles, the
 * thief waking twice as often); 55 µs costs RWLockMix more (32).
 */
#define STEAL_GRACE_NS 10000 /* worker threads run with 1 µs timer slack (task.c) */

static void steal_grace(void)
{
	struct timespec ts = { 0, STEAL_GRACE_NS };
	nanosleep(&ts, NULL);
}

/* After the grace: the task we waited for, if v has not run it: its ring's lone task, else its
 * run-next task. (A ring that has grown meanwhile is stolen from at once on the next search.) */
static struct coro_task *take_late(struct worker *w, struct worker *v)
{
	struct coro_task *t = runq_len(&v->q) == 1 ? runq_steal(&w->q, &v->q) : NULL;
	if (!t) {
		t = atomic_load(&v->runnext);
		/* seq_cst CAS, acquire included: pairs with coro_ready's release store of t */
		if (t && !atomic_compare_exchange_strong(&v->runnext, &t, NULL))
			t = NULL;
	}
	return t;
}

/* Take work from another worker: at once from a ring holding two tasks or more (half of it,
 * as Go does), else after the grace above from a victim with a lone task. */
struct coro_task *coro_steal(struct worker *w)
{
	bool lone = false;
	for (int k = 1; k < coro_S.nworkers; k++) {
		struct worker *v = &coro_S.workers[(w->id + k) % coro_S.nworkers];
		uint32_t len = runq_len(&v->q);
		/* relaxed: a hint; take_late's CAS is what takes the task */
		if (len == 1 || (len == 0 && atomic_load_explicit(&v->runnext, memory_order_relaxed))) {
			lone = true;
			continue;
		}
		struct coro_task *t = len ? runq_steal(&w->q, &v->q) : NULL;
		if (t)
			return t;
	}
	if (!lone)
		return NULL;
	steal_grace();
	for (int k = 1; k < coro_S.nworkers; k++) {
		struct coro_task *t = take_late(w, &coro_S.workers[(w->id + k) % coro_S.nworkers]);
		if (t)
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
