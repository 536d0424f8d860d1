/*
 * mutex/ck-mcs: Concurrency Kit's ck_spinlock_mcs, the MCS queue lock (Mellor-Crummey and Scott,
 * "Algorithms for scalable synchronization on shared-memory multiprocessors", ACM TOCS 9(1),
 * 1991). Each acquisition brings a queue node; lock swaps it into the queue's tail and, if there
 * was a predecessor, links behind it and spins on its own node until the predecessor's unlock
 * clears it. So every waiter spins on its own cache line, and the lock is handed over in FIFO
 * order. CK's own code, through ck.h (waits spin, then yield; TSan annotations).
 *
 * State: CK's `tail` (the last node queued, NULL when free) and `holder`, added here: the node of
 * the acquisition that holds the lock, NULL when free. CK's unlock takes the holder's node as an
 * argument; keeping it in the lock is what makes the lock not owned (any task may unlock: it
 * finds the node here). Nodes come from per-thread pools that any thread may give back to
 * (mcs_pool.h explains the choice).
 * Invariants: holder is written only by the task holding the lock (set after lock() returns,
 * cleared before CK's unlock), so the lock itself orders it; holder != NULL iff the lock is held
 * and its holder has left lock().
 * Misuse: unlock with holder == NULL calls csp_fatal — one relaxed load, no extra atomic.
 * Progress: FIFO (starvation-free); trylock succeeds only on an empty queue. As for any FIFO
 * spin lock, a waiter that is not running when its turn comes holds up everyone behind it.
 * CK's unlock may also wait briefly for a successor that swapped itself in but has not linked yet
 * (that wait goes through ck.h's hook too).
 */
#include "mcs_pool.h"

struct mcs {
	ck_spinlock_mcs_t tail;
	_Atomic(ck_spinlock_mcs_context_t *) holder;
};

static int init(void *self)
{
	struct mcs *m = self;
	ck_spinlock_mcs_init(&m->tail);
	atomic_init(&m->holder, NULL);
	return 0;
}

/* Lock acquired with `node`: record it as the holder's. */
static void acquired(struct mcs *m, ck_spinlock_mcs_context_t *node)
{
	ck_tsan_acquire(m);
	/* relaxed: written inside the critical section; CK's acquire orders it (invariants) */
	atomic_store_explicit(&m->holder, node, memory_order_relaxed);
}

static void lock(void *self)
{
	struct mcs *m = self;
	ck_spinlock_mcs_context_t *node = ck_mcs_node_get();
	ck_spinlock_mcs_lock(&m->tail, node);
	acquired(m, node);
}

static bool trylock(void *self)
{
	struct mcs *m = self;
	ck_spinlock_mcs_context_t *node = ck_mcs_node_get();
	if (!ck_spinlock_mcs_trylock(&m->tail, node)) {
		ck_mcs_node_put(node); /* never queued: nobody else saw it */
		return false;
	}
	acquired(m, node);
	return true;
}

static void unlock(void *self)
{
	struct mcs *m = self;
	/* relaxed, both: inside the critical section, before CK's release (invariants) */
	ck_spinlock_mcs_context_t *node = atomic_load_explicit(&m->holder, memory_order_relaxed);
	if (!node)
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	atomic_store_explicit(&m->holder, NULL, memory_order_relaxed);
	ck_tsan_release(m);
	ck_spinlock_mcs_unlock(&m->tail, node);
	ck_mcs_node_put(node); /* CK's unlock has returned: nothing refers to the node any more */
}

static const csp_mutex_ops mutex_ck_mcs = {
	.info = { "ck-mcs", "ck", "Concurrency Kit ck_spinlock_mcs: MCS queue lock (MCS 1991)",
		CSP_PROP_SPINS | CSP_PROP_STARVATION_FREE },
	.size = sizeof(struct mcs),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_ck_mcs);
