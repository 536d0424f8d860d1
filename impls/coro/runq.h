/*
 * A worker's local run queue: Go's design (runtime/proc.go runqput/runqget/runqgrab): a ring of
 * RUNQ_SIZE task pointers that only its owner appends to, from which the owner and thieves take
 * with a CAS on `head`. The owner's operations take no lock: an append is a store and a release
 * store of `tail`; a take is a CAS.
 *
 * Indices are free-running 32-bit counters (slot = index % RUNQ_SIZE):
 *   head  next slot to take; advanced by CAS by the owner and by thieves
 *   tail  next slot to fill; written only by the owner
 * Invariant: 0 <= tail - head <= RUNQ_SIZE. A slot in [head, tail) holds a runnable task; the
 * owner writes a slot only at tail, and a slot is reused only once head has moved past it, so a
 * taker that read a slot and then wins the CAS on head read a valid task.
 * Progress: the owner's append is wait-free; takes are lock-free.
 */
#ifndef CSPLAB_IMPLS_CORO_RUNQ_H
#define CSPLAB_IMPLS_CORO_RUNQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define RUNQ_SIZE 256

struct coro_task;

struct runq {
	_Atomic uint32_t head;
	_Atomic uint32_t tail;
	_Atomic(struct coro_task *) slot[RUNQ_SIZE];
};

/* Owner: append t. False when the ring is full (the caller moves work to the global queue).
 * Inline: it is on every yield's path. */
static inline bool runq_put(struct runq *q, struct coro_task *t)
{
	/* acquire: pairs with takers' CAS on head (release), so the slot we are about to reuse has
	 * been read by whoever took it */
	uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
	uint32_t tl = atomic_load_explicit(&q->tail, memory_order_relaxed); /* only we write it */
	if (tl - h >= RUNQ_SIZE)
		return false;
	/* relaxed: published by the release store of tail below */
	atomic_store_explicit(&q->slot[tl % RUNQ_SIZE], t, memory_order_relaxed);
	/* release: makes the slot visible to takers; pairs with their acquire loads of tail */
	atomic_store_explicit(&q->tail, tl + 1, memory_order_release);
	return true;
}
/* Owner: take the oldest task, or NULL. */
struct coro_task *runq_get(struct runq *q);
/* Owner: take up to n tasks at once into out[] (for moving work to the global queue). */
uint32_t runq_grab(struct runq *q, struct coro_task **out, uint32_t n);
/* Thief: move about half of victim's tasks into thief's ring (owned by the caller); returns one
 * of them to run, or NULL. */
struct coro_task *runq_steal(struct runq *thief, struct runq *victim);
/* Anyone: a hint of the number of tasks queued. */
uint32_t runq_len(struct runq *q);

#endif /* CSPLAB_IMPLS_CORO_RUNQ_H */
