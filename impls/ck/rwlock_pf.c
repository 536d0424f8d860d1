/*
 * rwlock/ck-pflock: Concurrency Kit's ck_pflock, a phase-fair reader-writer lock (Brandenburg and
 * Anderson, "Spin-based reader-writer synchronization for multiprocessor real-time systems",
 * Real-Time Systems 46(1), 2010). Writers take turns with tickets (win/wout); a writer whose turn
 * it is marks itself present in `rin` and waits for the readers counted before it to leave;
 * readers arriving while a writer is present wait for that one write phase to end, and the next
 * writer waits for them. So read and write phases alternate and neither side starves.
 * lock/rlock/unlock/runlock are CK's own code, through ck.h (waits spin, then yield; TSan
 * annotations); CK has no try variants, so trylock and tryrlock are written here on CK's words.
 *
 * State (CK's): rin, rout  readers that came / left, in units of CK_PFLOCK_RINC; rin's low bits
 *                          (CK_PFLOCK_WBITS) hold the present writer's bit and phase-id bit
 *               win, wout  writer tickets taken / writers done
 * Free iff win == wout and rin (without writer bits) == rout. Not owned: every unlock only adds
 * to a counter or clears rin's writer bits, so any task may do it.
 * Misuse: runlock with no reader counted (rin == rout) and unlock with no writer present (rin's
 * writer bits clear) call csp_fatal: two loads and one load, no extra atomic. As in Go, a runlock
 * is caught only when no reader holds or waits.
 * Policy (Go's, checked by the suite): a present writer keeps new readers out (tryrlock fails),
 * and readers that queued behind it go before the next writer. Unlike Go, the readers that
 * arrive between one writer's unlock and the next writer's turn join that read phase.
 * Progress: starvation-free for both sides (phase-fair); writers are served in ticket order.
 */
#include "ck.h"

static int init(void *self)
{
	ck_pflock_init(self);
	return 0;
}

/* Readers holding the lock or waiting for a write phase to end. */
static uint32_t readers_in(ck_pflock_t *pf)
{
	/* rout first: rin's count only grows, so a reader counted in rin - rout at the first load
	 * is still counted however the two loads interleave with others */
	uint32_t out = ck_pr_load_32(&pf->rout);
	uint32_t in = ck_pr_load_32(&pf->rin) & CK_PFLOCK_LSB;
	return (in - out) / CK_PFLOCK_RINC;
}

static void rlock(void *self)
{
	ck_pflock_read_lock(self);
	ck_tsan_acquire(self);
}

/* Count ourselves in only while no writer is present: a reader counted while one is present
 * could not leave without confusing the writer's count (it waits for rout to reach its ticket). */
static bool tryrlock(void *self)
{
	ck_pflock_t *pf = self;
	uint32_t rin = ck_pr_load_32(&pf->rin); /* a guess: the CAS checks it */
	while ((rin & CK_PFLOCK_WBITS) == 0) {
		if (ck_pr_cas_32_value(&pf->rin, rin, rin + CK_PFLOCK_RINC, &rin)) {
			ck_pr_fence_lock(); /* as ck_pflock_read_lock */
			ck_tsan_acquire(self);
			return true;
		}
	}
	return false;
}

static void runlock(void *self)
{
	if (readers_in(self) == 0)
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_pflock_read_unlock(self);
}

static void lock(void *self)
{
	ck_pflock_write_lock(self);
	ck_tsan_acquire(self);
}

/* ck_pflock_write_lock without its two waits: take the next writer ticket only if it is being
 * served already, then become present; if a reader slipped in meanwhile, leave as unlock does
 * (the readers that saw us present go on at once). */
static bool trylock(void *self)
{
	ck_pflock_t *pf = self;
	/* guesses, to fail without writing: the CAS on win and the check of rout decide */
	uint32_t ticket = ck_pr_load_32(&pf->wout);
	if (ck_pr_load_32(&pf->win) != ticket || readers_in(pf) != 0)
		return false; /* a writer holds or waits, or readers do: leave them undisturbed */
	if (!ck_pr_cas_32(&pf->win, ticket, ticket + 1))
		return false; /* another writer took the ticket */
	/* a full barrier: readers counted before it are in `rin`, later ones see us present */
	uint32_t rin = ck_pr_faa_32(&pf->rin, (ticket & CK_PFLOCK_PHID) | CK_PFLOCK_PRES);
	if (ck_pr_load_32(&pf->rout) != rin) {
		ck_pflock_write_unlock(pf);
		return false;
	}
	ck_pr_fence_lock(); /* as ck_pflock_write_lock */
	ck_tsan_acquire(self);
	return true;
}

static void unlock(void *self)
{
	ck_pflock_t *pf = self;
	/* a check only: CK's unlock below orders the critical section */
	if ((ck_pr_load_32(&pf->rin) & CK_PFLOCK_WBITS) == 0)
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	ck_tsan_release(self);
	ck_pflock_write_unlock(pf);
}

static const csp_rwlock_ops rwlock_ck_pf = {
	.info = { "ck-pflock", "ck", "Concurrency Kit ck_pflock: phase-fair RW lock (Brandenburg "
		"& Anderson 2010)", CSP_PROP_SPINS },
	.size = sizeof(ck_pflock_t),
	.init = init,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = lock,
	.trylock = trylock,
	.unlock = unlock,
};
CSP_REGISTER(rwlock, rwlock_ck_pf);
