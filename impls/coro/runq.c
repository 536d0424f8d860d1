/* A worker's local run queue (see runq.h), after Go's runtime/proc.go. */
#include "runq.h"

#include <stddef.h>

struct coro_task *runq_get(struct runq *q)
{
	for (;;) {
		uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire); /* as runq_put */
		uint32_t tl = atomic_load_explicit(&q->tail, memory_order_relaxed); /* only we write */
		if (h == tl)
			return NULL;
		/* relaxed: valid if the CAS below wins (the slot cannot be reused before head moves) */
		struct coro_task *t = atomic_load_explicit(&q->slot[h % RUNQ_SIZE], memory_order_relaxed);
		/* release: tells runq_put the slot is consumed; pairs with its acquire load of head */
		if (atomic_compare_exchange_weak_explicit(&q->head, &h, h + 1, memory_order_release,
			    memory_order_relaxed))
			return t;
	}
}

uint32_t runq_grab(struct runq *q, struct coro_task **out, uint32_t n)
{
	for (;;) {
		uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire); /* as runq_put */
		/* acquire: pairs with the owner's release store of tail (we may be a thief) */
		uint32_t tl = atomic_load_explicit(&q->tail, memory_order_acquire);
		uint32_t len = tl - h;
		if (len > RUNQ_SIZE)
			continue; /* head and tail read at different times: retry */
		if (len < n)
			n = len;
		for (uint32_t i = 0; i < n; i++) /* relaxed: validated by the CAS below */
			out[i] = atomic_load_explicit(&q->slot[(h + i) % RUNQ_SIZE], memory_order_relaxed);
		/* release: as in runq_get */
		if (atomic_compare_exchange_weak_explicit(&q->head, &h, h + n, memory_order_release,
			    memory_order_relaxed))
			return n;
	}
}

struct coro_task *runq_steal(struct runq *thief, struct runq *victim)
{
	struct coro_task *got[RUNQ_SIZE / 2];
	uint32_t len = runq_len(victim);
	uint32_t n = runq_grab(victim, got, len - len / 2);
	if (n == 0)
		return NULL;
	for (uint32_t i = 1; i < n; i++)
		runq_put(thief, got[i]); /* fits: a thief steals only when its own ring is empty */
	return got[0];
}

uint32_t runq_len(struct runq *q)
{
	/* relaxed: a hint; callers re-check under the real protocol */
	uint32_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
	uint32_t tl = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint32_t len = tl - h;
	return len > RUNQ_SIZE ? 0 : len;
}
