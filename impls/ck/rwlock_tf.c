/*
 * rwlock/ck-tflock: Concurrency Kit's ck_tflock_ticket, a task-fair (FIFO) reader-writer ticket
 * lock (Mellor-Crummey and Scott, "Scalable reader-writer synchronization for shared-memory
 * multiprocessors", PPoPP 1991, the centralised fair lock). Every request takes a ticket in
 * `request` (readers count in its high half, writers in its low half); a writer waits until every
 * earlier request has completed, a reader only until every earlier writer has. So the lock is
 * granted in arrival order, consecutive readers sharing it. lock/rlock/unlock/runlock are CK's
 * own code, through ck.h (waits spin, then yield; TSan annotations); CK has no try variants, so
 * trylock and tryrlock are written here on CK's words.
 *
 * State (CK's): request, completion  two 32-bit words, each readers << 16 | writers. CK keeps
 * each half counting modulo 0x8000 (on overflow it clears the half's top bit before adding), so
 * differences of halves are taken modulo 0x8000: at most 32767 requests outstanding per side.
 * Free iff request == completion. Not owned: unlocks only add to `completion`.
 * Misuse: runlock with no reader outstanding and unlock with no writer outstanding (holding or
 * waiting) call csp_fatal — two loads, no extra atomic; as in Go, a runlock is caught only when
 * no reader holds or waits.
 * Policy (Go's, checked by the suite): FIFO, so a waiting writer keeps later readers out
 * (tryrlock fails), and readers that queued behind it go before the writer queued after them.
 * Progress: starvation-free (FIFO). As for every FIFO spin lock, a waiter that is not running
 * when its turn comes holds up everyone behind it.
 */
#include "ck.h"

#define HALF_MOD 0x7fffU /* each half counts modulo 0x8000 (see the state above) */

enum { READERS = 16, WRITERS = 0 }; /* shifts of the halves */

/* Requests outstanding (holding or waiting) on the side whose half starts at bit `shift`. */
static uint32_t outstanding(ck_tflock_ticket_t *l, int shift)
{
	/* completion first: request only grows, so a request outstanding at the first load is still
	 * counted however the two loads interleave with others */
	uint32_t done = ck_pr_load_32(&l->completion) >> shift;
	uint32_t asked = ck_pr_load_32(&l->request) >> shift;
	return (asked - done) & HALF_MOD;
}

static int init(void *self)
{
	ck_tflock_ticket_init(self);
	return 0;
}

static void rlock(void *self)
{
	ck_tflock_ticket_read_lock(self);
	ck_tsan_acquire(self);
}

/* ck_tflock_ticket_read_lock's ticket, taken only while no writer is outstanding (then the
 * ticket is served at once). */
static bool tryrlock(void *self)
{
	ck_tflock_ticket_t *l = self;
	uint32_t req = ck_pr_load_32(&l->request); /* a guess: the CAS checks it */
	for (;;) {
		uint32_t done = ck_pr_load_32(&l->completion);
		if ((done & CK_TFLOCK_TICKET_W_MASK) != (req & CK_TFLOCK_TICKET_W_MASK))
			return false; /* a writer holds or waits */
		uint32_t next = (req & ~CK_TFLOCK_TICKET_RC_TOPMSK) + CK_TFLOCK_TICKET_RC_INCR;
		if (ck_pr_cas_32_value(&l->request, req, next, &req))
			break;
	}
	ck_pr_fence_lock(); /* as ck_tflock_ticket_read_lock */
	ck_tsan_acquire(self);
	return true;
}

static void runlock(void *self)
{
	if (outstanding(self, READERS) == 0)
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_tflock_ticket_read_unlock(self);
}

static void lock(void *self)
{
	ck_tflock_ticket_write_lock(self);
	ck_tsan_acquire(self);
}

/* ck_tflock_ticket_write_lock's ticket, taken only when every request has completed (then the
 * ticket is served at once). */
static bool trylock(void *self)
{
	ck_tflock_ticket_t *l = self;
	/* request, then completion: equal means every request made by the first load has
	 * completed; the CAS then checks that nobody asked since */
	uint32_t req = ck_pr_load_32(&l->request);
	if (ck_pr_load_32(&l->completion) != req)
		return false; /* someone holds or waits */
	uint32_t next = (req & ~CK_TFLOCK_TICKET_WC_TOPMSK) + CK_TFLOCK_TICKET_WC_INCR;
	if (!ck_pr_cas_32(&l->request, req, next))
		return false; /* someone else asked first */
	ck_pr_fence_lock(); /* as ck_tflock_ticket_write_lock */
	ck_tsan_acquire(self);
	return true;
}

static void unlock(void *self)
{
	if (outstanding(self, WRITERS) == 0)
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_tflock_ticket_write_unlock(self);
}

static const csp_rwlock_ops rwlock_ck_tf = {
	.info = { "ck-tflock", "ck", "Concurrency Kit ck_tflock: task-fair FIFO RW ticket lock "
		"(Mellor-Crummey & Scott 1991)", CSP_PROP_SPINS },
	.size = sizeof(ck_tflock_ticket_t),
	.init = init,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(rwlock, rwlock_ck_tf);
