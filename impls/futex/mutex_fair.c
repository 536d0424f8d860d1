/*
 * mutex/futex-fair: Go's sync.Mutex (sync/mutex.go, Go 1.19) — normal and starvation modes —
 * on a FIFO semaphore of futex-parked waiters.
 *
 * State word (as Go's):
 *   LOCKED    bit 0  held
 *   WOKEN     bit 1  a waiter is awake (spinning or just woken): unlock need not wake another
 *   STARVING  bit 2  starvation mode: unlock hands the lock to the head waiter, newcomers queue
 *   bits 3..  number of waiters blocked on the semaphore
 * Normal mode: waiters queue FIFO, but a woken waiter competes with newcomers (which usually win:
 * they are already running). A waiter that has waited over 1 ms switches the mutex to starvation
 * mode; there the lock passes directly from the unlocker to the head of the queue, and a waiter
 * that is last in the queue or waited under 1 ms switches it back.
 * Progress: starvation-free (bounded by the queue length once in starvation mode).
 * TryLock fails in starvation mode even if the lock is free, as Go's.
 * All atomics are seq_cst except the spin-loop reads, which are hints.
 */
#include "../shared/fxlock.h"
#include "../shared/preempt.h"

enum {
	LOCKED = 1,
	WOKEN = 2,
	STARVING = 4,
	WAITER_SHIFT = 3,
};
#define STARVATION_NS (1 * CSP_MILLISECOND)
#define SPIN_ROUNDS 4 /* Go's active_spin */
#define SPIN_PAUSES 30 /* Go's active_spin_cnt */
#define PARK_SPIN 100

/* The semaphore Go's runtime gives sync.Mutex: a count and a queue of parked waiters, FIFO, with
 * waiters that were woken before re-queued at the front (LIFO) as Go does. */
struct waiter {
	struct waiter *next;
	_Atomic uint32_t ready; /* 0 parked, 1 released */
};

struct mutex {
	_Atomic int32_t state;
	fxlock qlock; /* protects count and the queue */
	uint32_t count;
	struct waiter *head, *tail;
};

static void sema_acquire(struct mutex *m, bool lifo)
{
	fxlock_lock(&m->qlock);
	if (m->count > 0) {
		m->count--;
		fxlock_unlock(&m->qlock);
		return;
	}
	struct waiter w = { .next = NULL };
	atomic_init(&w.ready, 0);
	if (!m->head) {
		m->head = m->tail = &w;
	} else if (lifo) {
		w.next = m->head;
		m->head = &w;
	} else {
		m->tail->next = &w;
		m->tail = &w;
	}
	fxlock_unlock(&m->qlock);
	CSP_PREEMPT(); /* queued, not yet waiting for the hand-off */
	/* acquire: pairs with the release store in sema_release, which hands over the lock state */
	for (int i = 0; i < PARK_SPIN && !atomic_load_explicit(&w.ready, memory_order_acquire); i++)
		cpu_relax();
	while (!atomic_load_explicit(&w.ready, memory_order_acquire))
		futex_wait(&w.ready, 0, CSP_FOREVER);
}

static void sema_release(struct mutex *m)
{
	fxlock_lock(&m->qlock);
	struct waiter *w = m->head;
	if (!w) {
		m->count++;
		fxlock_unlock(&m->qlock);
		return;
	}
	m->head = w->next;
	if (!m->head)
		m->tail = NULL;
	fxlock_unlock(&m->qlock);
	CSP_PREEMPT(); /* unlinked, not yet handed the lock */
	/* release: the woken waiter reads the state after this; pairs with the acquire loads above.
	 * After the store, w may be gone: the wake can only be spurious for a later user. */
	atomic_store_explicit(&w->ready, 1, memory_order_release);
	futex_wake(&w->ready, 1);
}

static int init(void *self)
{
	(void)self; /* zero-filled: unlocked, no waiters, empty queue */
	return 0;
}

static bool trylock(void *self)
{
	struct mutex *m = self;
	int32_t old = atomic_load(&m->state);
	if (old & (LOCKED | STARVING))
		return false;
	return atomic_compare_exchange_strong(&m->state, &old, old | LOCKED);
}

static bool can_spin(int iter)
{
	return iter < SPIN_ROUNDS && csp_ncpu() > 1;
}

static void lock_slow(struct mutex *m)
{
	int64_t wait_start = 0;
	bool starving = false, awoke = false;
	int iter = 0;
	int32_t old = atomic_load(&m->state);
	for (;;) {
		/* Spin while the lock is held in normal mode; tell unlock not to wake anyone. */
		if ((old & (LOCKED | STARVING)) == LOCKED && can_spin(iter)) {
			if (!awoke && !(old & WOKEN) && (old >> WAITER_SHIFT) != 0 &&
				atomic_compare_exchange_strong(&m->state, &old, old | WOKEN))
				awoke = true;
			for (int i = 0; i < SPIN_PAUSES; i++)
				cpu_relax();
			iter++;
			/* relaxed: re-read for the next decision; every change goes through a CAS */
			old = atomic_load_explicit(&m->state, memory_order_relaxed);
			continue;
		}
		int32_t new = old;
		if (!(old & STARVING))
			new |= LOCKED; /* newcomers do not take a starving mutex: they queue */
		if (old & (LOCKED | STARVING))
			new += 1 << WAITER_SHIFT;
		if (starving && (old & LOCKED))
			new |= STARVING;
		if (awoke) {
			if (!(new & WOKEN))
				csp_fatal("sync: inconsistent mutex state");
			new &= ~WOKEN;
		}
		if (!atomic_compare_exchange_strong(&m->state, &old, new))
			continue; /* old now holds the current state */
		if (!(old & (LOCKED | STARVING)))
			return; /* took it with the CAS */
		bool requeue = wait_start != 0;
		if (!requeue)
			wait_start = csp_now();
		sema_acquire(m, requeue);
		starving = starving || csp_now() - wait_start > STARVATION_NS;
		old = atomic_load(&m->state);
		if (old & STARVING) { /* the unlocker handed the lock to us */
			if ((old & (LOCKED | WOKEN)) || (old >> WAITER_SHIFT) == 0)
				csp_fatal("sync: inconsistent mutex state");
			int32_t delta = LOCKED - (1 << WAITER_SHIFT);
			if (!starving || (old >> WAITER_SHIFT) == 1)
				delta -= STARVING; /* leave starvation mode */
			atomic_fetch_add(&m->state, delta);
			return;
		}
		awoke = true;
		iter = 0;
	}
}

static void lock(void *self)
{
	struct mutex *m = self;
	int32_t unlocked = 0;
	if (!atomic_compare_exchange_strong(&m->state, &unlocked, LOCKED))
		lock_slow(m);
}

static void unlock_slow(struct mutex *m, int32_t new)
{
	if (!((new + LOCKED) & LOCKED))
		csp_fatal(CSP_MSG_UNLOCK_UNLOCKED);
	if (new & STARVING) {
		sema_release(m); /* hand-off: the head waiter owns the lock now */
		return;
	}
	int32_t old = new;
	for (;;) {
		/* Nobody to wake, or someone is already awake or has the lock. */
		if ((old >> WAITER_SHIFT) == 0 || (old & (LOCKED | WOKEN | STARVING)))
			return;
		if (atomic_compare_exchange_strong(&m->state, &old,
			    (old - (1 << WAITER_SHIFT)) | WOKEN)) {
			sema_release(m);
			return;
		}
	}
}

static void unlock(void *self)
{
	struct mutex *m = self;
	int32_t new = atomic_fetch_sub(&m->state, LOCKED) - LOCKED;
	if (new != 0)
		unlock_slow(m, new);
}

static const csp_mutex_ops mutex_futex_fair = {
	.info = { "futex-fair", "futex", "Go's sync.Mutex (normal + starvation modes) on futexes",
		CSP_PROP_STARVATION_FREE },
	.size = sizeof(struct mutex),
	.init = init,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(mutex, mutex_futex_fair);
