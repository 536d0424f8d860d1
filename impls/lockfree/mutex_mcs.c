/*
 * mutex/lockfree-mcs: the MCS queue lock, in the K42 form whose lock word is the holder's node.
 *
 * Source: Mellor-Crummey & Scott, "Algorithms for scalable synchronization on shared-memory
 * multiprocessors" (ACM TOCS 9(1), 1991), Fig. 5; the node-free interface is the K42 variant
 * (Auslander et al., IBM K42; described in Scott, "Shared-Memory Synchronization", Morgan &
 * Claypool 2013, §4.3.1). Each waiter spins on a flag in its own queue node, so a hand-over
 * touches one cache line of one waiter, however many wait.
 *
 * Where the queue node comes from. Classic MCS needs the holder's node in unlock, and a csplab
 * mutex may be unlocked by another task, after lock() has returned. So no node outlives lock():
 * a waiter's node lives on its stack only while it waits; once it holds the lock it copies its
 * successor link into the lock itself (`next`) and makes the lock, not its node, the queue's
 * head. unlock() then needs only the lock, from any task.
 *
 * State: a qnode { tail, next }.
 *   lock.tail   NULL: free; the lock itself: held, nobody queued; a waiter's node: held, and that
 *               node is the last in line.
 *   lock.next   the first waiter, once it has linked itself in; NULL when none has.
 *   node.tail   WAITING until the previous holder grants the lock by storing NULL.
 *   node.next   the waiter queued behind this one, once linked.
 * Invariants: the lock is held iff tail != NULL; the holder owns no node once lock() returns;
 * a node is referenced by the queue only while its owner waits inside lock(), and its owner does
 * not return before every task that found it as predecessor has stored its `next`.
 * Progress: lock is starvation-free (FIFO), given that holders unlock; trylock is wait-free;
 * unlock is wait-free unless a waiter is between joining the tail and linking itself in, when it
 * waits for that one store. FIFO, so it has Go's starvation guarantee and more
 * (CSP_PROP_STARVATION_FREE). Spins and yields; never parks.
 */
#include "spin.h"

#include <stdatomic.h>

struct qnode {
	_Atomic(struct qnode *) tail;
	_Atomic(struct qnode *) next;
};

#define WAITING ((struct qnode *)1)

static int init(void *self)
{
	struct qnode *l = self;
	atomic_init(&l->tail, NULL);
	atomic_init(&l->next, NULL);
	return 0;
}

static bool trylock(void *self)
{
	struct qnode *l = self;
	struct qnode *prev = NULL;
	/* acquire: pairs with the release CAS in unlock that freed the lock */
	return atomic_compare_exchange_strong_explicit(&l->tail, &prev, l, memory_order_acquire,
		memory_order_relaxed);
}

/* The successor linked behind node n: wait for a waiter that took the tail from n to link. */
static struct qnode *await_next(struct qnode *n)
{
	struct spin s = SPIN_INIT;
	struct qnode *succ;
	/* acquire: pairs with the waiter's release store of n->next, so its node's initial state
	 * happens before anything we later do to that node */
	while ((succ = atomic_load_explicit(&n->next, memory_order_acquire)) == NULL)
		spin_wait(&s);
	return succ;
}

/* Wait in line behind prev, as node n, then take over as head. False if prev left the tail. */
static bool queue_behind(struct qnode *l, struct qnode *prev)
{
	struct qnode n;
	atomic_init(&n.tail, WAITING);
	atomic_init(&n.next, NULL);
	/* acq_rel. release: publishes n's initial state to the next waiter, who stores n.next.
	 * acquire: pairs with the release of the task that made prev the tail (its node's state, or
	 * for prev == l the holder's reset of l->next) before we store prev->next. */
	if (!atomic_compare_exchange_strong_explicit(&l->tail, &prev, &n, memory_order_acq_rel,
		    memory_order_relaxed))
		return false;
	/* release: publishes n's initial state to whoever reads prev->next and will grant n */
	atomic_store_explicit(&prev->next, &n, memory_order_release);
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the release store in unlock that grants the lock: the critical
	 * section starts here */
	while (atomic_load_explicit(&n.tail, memory_order_acquire) == WAITING)
		spin_wait(&s);

	/* Now the holder: move the queue's head from n into the lock, so n can go. */
	/* acquire: as in await_next */
	struct qnode *succ = atomic_load_explicit(&n.next, memory_order_acquire);
	if (succ == NULL) {
		/* relaxed: read only by this task's unlock, or by one that synchronised with it */
		atomic_store_explicit(&l->next, NULL, memory_order_relaxed);
		struct qnode *expected = &n;
		/* release: orders the reset of l->next before the next waiter that finds tail == l
		 * stores l->next; acquire is not needed, n.next is read with acquire below */
		if (atomic_compare_exchange_strong_explicit(&l->tail, &expected, l,
			    memory_order_release, memory_order_relaxed))
			return true;
		succ = await_next(&n); /* a waiter took the tail from n: wait until it links in */
	}
	/* release: hands succ's initial state on to the unlock that will grant it (acquire load) */
	atomic_store_explicit(&l->next, succ, memory_order_release);
	return true;
}

static void lock(void *self)
{
	struct qnode *l = self;
	for (;;) {
		/* relaxed: only chooses the path; the CAS in trylock or queue_behind orders */
		struct qnode *prev = atomic_load_explicit(&l->tail, memory_order_relaxed);
		if (prev == NULL ? trylock(l) : queue_behind(l, prev))
			return;
	}
}

static void unlock(void *self)
{
	struct qnode *l = self;
	/* acquire: pairs with the release store of l->next by the waiter that linked in (or the
	 * holder that moved it from its node), so succ's state happens before our grant */
	struct qnode *succ = atomic_load_explicit(&l->next, memory_order_acquire);
	if (succ == NULL) {
		struct qnode *expected = l;
		/* release: publishes the critical section to the next trylock's acquire CAS */
		if (atomic_compare_exchange_strong_explicit(&l->tail, &expected, NULL,
			    memory_order_release, memory_order_relaxed))
			return;
		if (expected == NULL)
			csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
		succ = await_next(l); /* a waiter took the tail from l: wait until it links in */
	}
	/* release: publishes the critical section to succ's acquire spin; succ's node may vanish
	 * as soon as this store lands, so it is the last touch */
	atomic_store_explicit(&succ->tail, NULL, memory_order_release);
}

static const csp_mutex_ops mutex_mcs = {
	.info = { "lockfree-mcs", "lockfree",
		"MCS queue lock (Mellor-Crummey & Scott 1991), K42 form: nodes only while waiting",
		CSP_PROP_SPINS | CSP_PROP_STARVATION_FREE },
	.size = sizeof(struct qnode),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_mcs);
