/*
 * Queue nodes for mutex/ck-mcs. An MCS lock needs a node per acquisition that stays valid from
 * lock() until the matching unlock() — the holder's node is the queue's head, and the next waiter
 * links itself into it. Go's Mutex is not owned: the unlock may come from another task, after the
 * locking task has exited. So a node cannot live on the locker's stack or in its thread-local
 * storage: it must outlive the locking thread, and it is released by whichever task unlocks.
 *
 * Choice: each thread allocates from a small pool of cache-line-sized nodes (one busy flag each),
 * and the unlock, on whatever thread, frees the node by clearing its flag. Pools outlive their
 * threads: at thread exit the pool goes on a global spare list (under a mutex; thread exit and
 * a thread's first lock are the only times it is taken) and the next new thread adopts it; a
 * node still holding a lock stays busy, and is skipped, until its unlock. So memory is bounded by
 * the peak number of threads (times the chunks each needed at once), nothing is freed while in
 * use, and the fast path is two accesses to the thread's own cache line. Rejected: malloc per
 * acquisition (tens of ns, and cross-thread frees), a node inside the lock (it serves only the
 * holder; waiters are unbounded), a global lock-free free list (ABA, and a shared contended line
 * on every lock).
 *
 * Rules: only the thread that owns a pool (its creator, or its adopter after the creator exited)
 * sets a node busy; any thread clears it, once, at the unlock that ends the node's use.
 */
#ifndef CSPLAB_IMPLS_CK_MCS_POOL_H
#define CSPLAB_IMPLS_CK_MCS_POOL_H

#include "ck.h"

#include <stdatomic.h>

enum { CK_MCS_POOL_NODES = 4 }; /* MCS locks one thread can hold at once before it chains more */

typedef struct ck_mcs_node {
	/* first: a pointer to ctx is a pointer to the node */
	_Alignas(CK_MD_CACHELINE) ck_spinlock_mcs_context_t ctx;
	_Atomic bool busy;
} ck_mcs_node;

typedef struct ck_mcs_pool {
	ck_mcs_node node[CK_MCS_POOL_NODES];
	struct ck_mcs_pool *more;  /* a further chunk, allocated when every node was busy */
	struct ck_mcs_pool *spare; /* next pool on the spare list */
} ck_mcs_pool;

extern _Thread_local ck_mcs_pool *ck_mcs_mine; /* this thread's pool, NULL before its first lock */

ck_spinlock_mcs_context_t *ck_mcs_node_get_slow(void);

/* A free node of this thread's pool, marked busy. */
static inline ck_spinlock_mcs_context_t *ck_mcs_node_get(void)
{
	ck_mcs_pool *p = ck_mcs_mine;
	/* acquire: pairs with the release in ck_mcs_node_put, so that the last unlock to use the
	 * node, on whichever thread, is done with it before it is reused */
	if (p && !atomic_load_explicit(&p->node[0].busy, memory_order_acquire)) {
		/* relaxed: only this thread sets busy; the lock's own atomics publish the node */
		atomic_store_explicit(&p->node[0].busy, true, memory_order_relaxed);
		return &p->node[0].ctx;
	}
	return ck_mcs_node_get_slow();
}

/* Give a node back; from any thread, once the lock no longer uses it. */
static inline void ck_mcs_node_put(ck_spinlock_mcs_context_t *ctx)
{
	/* release: orders the lock's last accesses to the node before its reuse; pairs with the
	 * acquire in ck_mcs_node_get */
	atomic_store_explicit(&((ck_mcs_node *)(void *)ctx)->busy, false, memory_order_release);
}

#endif /* CSPLAB_IMPLS_CK_MCS_POOL_H */
