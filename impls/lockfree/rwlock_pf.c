/*
 * rwlock/lockfree-pf: the phase-fair ticket RW lock (PF-T).
 *
 * Source: Brandenburg & Anderson, "Spin-based reader-writer synchronization for multiprocessor
 * real-time systems", Real-Time Systems 46(1), 2010, §4.2 (PF-T). Readers and writers alternate
 * in phases: a reader that arrives while a writer holds or awaits the lock waits only for that
 * one writer, and enters before the next writer can; writers are served FIFO by ticket. This is
 * Go's RWMutex policy: a waiting writer keeps new readers out (writer preference), and the
 * readers that queued behind it get in before the next writer.
 *
 * State (rin, rout are 64-bit so their counts never wrap in practice):
 *   rin    readers that entered or wait to, in units of READER_ONE; its two low bits are the
 *          present writer's: WRITER_PRESENT, and PHASE_ID, so that readers can tell one writer's
 *          phase from the next one's
 *   rout   readers that left, in units of READER_ONE
 *   win    writer tickets handed out;   wout   the ticket being served
 *   phase  the PHASE_ID of the last writer phase opened. The paper uses the ticket's low bit;
 *          here a failed trylock takes a ticket without opening a phase, so consecutive tickets
 *          need not alternate, while consecutive phases must: a reader still waiting on one
 *          writer's bits would otherwise take the next-but-one writer's identical bits for the
 *          same phase, and wait for a writer that waits for it
 * Invariants: rout <= rin's count; rin's writer bits are set only by the writer being served,
 * which then waits until rout reaches the count rin had when it set them; a writer clears them
 * before it passes the turn on; consecutive phases have different PHASE_IDs.
 * Progress: rlock and lock are blocking, starvation-free (phase-fair, FIFO among writers);
 * runlock, unlock are wait-free; tryrlock and trylock are lock-free (a CAS retried only when a
 * reader got in meanwhile). Spins and yields; never parks.
 */
#include "spin.h"

#include <stdatomic.h>

#define PHASE_ID ((uint64_t)1)
#define WRITER_PRESENT ((uint64_t)2)
#define WRITER_BITS (PHASE_ID | WRITER_PRESENT)
#define READER_ONE ((uint64_t)4)

struct pflock {
	_Atomic uint64_t rin;
	_Atomic uint64_t rout;
	_Atomic uint32_t win;
	_Atomic uint32_t wout;
	_Atomic uint32_t phase;
};

static int init(void *self)
{
	(void)self; /* the zero-filled state is a free lock */
	return 0;
}

static void rlock(void *self)
{
	struct pflock *l = self;
	/* acquire: pairs with the release in wunlock that cleared the writer bits (the adds since
	 * then continue its release sequence) */
	uint64_t w = atomic_fetch_add_explicit(&l->rin, READER_ONE, memory_order_acquire) & WRITER_BITS;
	if (w == 0)
		return;
	struct spin s = SPIN_INIT;
	/* acquire: as above; the phase ends when that writer clears its bits (a next writer's bits
	 * differ in PHASE_ID, and it waits for us, already counted in rin) */
	while ((atomic_load_explicit(&l->rin, memory_order_acquire) & WRITER_BITS) == w)
		spin_wait(&s);
}

static bool tryrlock(void *self)
{
	struct pflock *l = self;
	/* relaxed: a first guess for the CAS, which orders */
	uint64_t r = atomic_load_explicit(&l->rin, memory_order_relaxed);
	/* A failed try must not touch rout: a writer waiting for rout to reach its count would be
	 * let in early. So enter only with a CAS that saw no writer. */
	while ((r & WRITER_BITS) == 0) {
		/* acquire: as in rlock */
		if (atomic_compare_exchange_weak_explicit(&l->rin, &r, r + READER_ONE,
			    memory_order_acquire, memory_order_relaxed))
			return true;
	}
	return false;
}

static void runlock(void *self)
{
	struct pflock *l = self;
	/* release: publishes the read section to the writer's acquire load of rout */
	uint64_t out = atomic_fetch_add_explicit(&l->rout, READER_ONE, memory_order_release) + READER_ONE;
	/* relaxed: our reader's entry happened before this exit, so rin already counts it; rin
	 * only grows, so more exits than entries can only mean an exit without an entry */
	if (out > (atomic_load_explicit(&l->rin, memory_order_relaxed) & ~WRITER_BITS))
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
}

/* The writer bits of the next phase, for the writer holding the turn. */
static uint64_t next_bits(struct pflock *l)
{
	/* relaxed: only the writer holding the turn reads or writes `phase`; the turn is passed
	 * with release/acquire on wout */
	return WRITER_PRESENT | ((atomic_load_explicit(&l->phase, memory_order_relaxed) ^ 1) & PHASE_ID);
}

/* Record that the phase of `bits` opened. */
static void opened(struct pflock *l, uint64_t bits)
{
	/* relaxed: as in next_bits */
	atomic_store_explicit(&l->phase, (uint32_t)(bits & PHASE_ID), memory_order_relaxed);
}

/* Holding the writers' turn: shut new readers out, then wait for those already counted. */
static void writer_phase(struct pflock *l)
{
	uint64_t bits = next_bits(l);
	opened(l, bits);
	/* acquire: a no-op here (rout's acquire below does the ordering); relaxed would do, but the
	 * add must be an RMW so that each reader's add is wholly before or after it */
	uint64_t entered = atomic_fetch_add_explicit(&l->rin, bits, memory_order_acquire);
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the release add in runlock of every reader counted in `entered` */
	while (atomic_load_explicit(&l->rout, memory_order_acquire) != entered)
		spin_wait(&s);
}

static void wlock(void *self)
{
	struct pflock *l = self;
	/* relaxed: a ticket orders nothing; the acquire load of wout does */
	uint32_t t = atomic_fetch_add_explicit(&l->win, 1, memory_order_relaxed);
	struct spin s = SPIN_INIT;
	/* acquire: pairs with the release store in wunlock (or a failed trylock) passing the turn */
	while (atomic_load_explicit(&l->wout, memory_order_acquire) != t)
		spin_wait(&s);
	writer_phase(l);
}

static bool trywlock(void *self)
{
	struct pflock *l = self;
	/* acquire: pairs with the release store that passed the turn to ticket t */
	uint32_t t = atomic_load_explicit(&l->wout, memory_order_acquire);
	/* relaxed: succeeds only if every ticket handed out was served, so the turn is ours */
	if (!atomic_compare_exchange_strong_explicit(&l->win, &t, t + 1, memory_order_relaxed,
		    memory_order_relaxed))
		return false;
	/* relaxed: a guess for the CAS below; the writer bits are clear (we hold the turn) */
	uint64_t r = atomic_load_explicit(&l->rin, memory_order_relaxed);
	/* acquire: pairs with runlock's release add, as in writer_phase */
	bool drained = atomic_load_explicit(&l->rout, memory_order_acquire) == r;
	uint64_t bits = next_bits(l);
	/* relaxed: succeeds only if no reader entered since r, and rout == r said all had left */
	if (drained && atomic_compare_exchange_strong_explicit(&l->rin, &r, r | bits,
			       memory_order_relaxed, memory_order_relaxed)) {
		opened(l, bits);
		return true;
	}
	/* release: passes the turn on; pairs with the next writer's acquire load of wout */
	atomic_store_explicit(&l->wout, t + 1, memory_order_release);
	return false;
}

static void wunlock(void *self)
{
	struct pflock *l = self;
	/* release: publishes the write section to the readers' acquire on rin */
	uint64_t r = atomic_fetch_and_explicit(&l->rin, ~WRITER_BITS, memory_order_release);
	if ((r & WRITER_PRESENT) == 0)
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	/* release: publishes the write section to the next writer's acquire load of wout; only the
	 * writer being served writes wout, so the add cannot race */
	atomic_fetch_add_explicit(&l->wout, 1, memory_order_release);
}

static const csp_rwlock_ops rwlock_pf = {
	.info = { "lockfree-pf", "lockfree",
		"phase-fair ticket RW lock PF-T (Brandenburg & Anderson 2010)", CSP_PROP_SPINS },
	.size = sizeof(struct pflock),
	.init = init,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = wlock,
	.trylock = trywlock,
	.unlock = wunlock,
};
CSP_REGISTER(rwlock, rwlock_pf);
