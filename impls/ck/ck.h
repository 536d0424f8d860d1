/*
 * The ck family's common header: Concurrency Kit's locks (Samy Al Bahra, concurrencykit.org;
 * Debian's libck-dev) plugged into csplab. Every lock the family uses — ck_spinlock (fas, cas,
 * ticket, mcs), ck_rwlock, ck_pflock, ck_tflock — is a static inline function in a header, so
 * nothing links against libck; this header includes them all, after the wait hook below.
 *
 * What the family adds to CK, and nothing more:
 *   - Go's misuse checks (CK has none): each file says which state it reads to detect an unlock
 *     of an unlocked lock, and how cheaply;
 *   - the try variants CK lacks (ck_pflock, ck_tflock): written against CK's own lock words with
 *     CK's primitives (ck_pr), in the file of that lock;
 *   - a bound on spinning (below), and ThreadSanitizer annotations (below).
 * Code written here uses CK's primitives as CK's locks do: ck_pr_load/store are atomic accesses
 * without fences (on x86, acquire and release come free with TSO), ck_pr_cas/faa are LOCK-prefixed
 * and so full barriers, and ck_pr_fence_lock() follows each acquiring step, as in CK.
 *
 * Waiting. Every CK wait loop calls ck_pr_stall() (one PAUSE on x86) and spins until it gets the
 * lock; no lock takes a back-off hook. With more tasks than cores a preempted holder, or in the
 * FIFO locks a preempted next-in-line waiter, keeps every waiter spinning for a whole time slice.
 * So this header redirects ck_pr_stall, by a macro defined before any CK lock header is read, to
 * ck_wait_stall(): a PAUSE, and every CK_WAIT_SPINS-th call (every call on one CPU) a csp_yield()
 * instead. The locks' code is CK's, unchanged; their every stall becomes "spin a while, then let
 * another task run". The count is per thread and not reset between waits (a wait's first yield
 * may come early), which keeps the hook one thread-local increment. ck_pr.h's own CAS retry
 * loops, read before the macro, keep the plain PAUSE. -DCK_WAIT_SPINS=0 restores CK's pure
 * spinning, for measurement only: on 2 cores the suite's contended mutex and RW lock tests then
 * run into their 30 s timeout.
 *
 * ThreadSanitizer does not see CK's atomics (inline assembly), so on its own it would report every
 * critical section as a race. Each lock calls ck_tsan_acquire(lock) when it has acquired (read
 * or write side) and ck_tsan_release(lock) just before it releases: one synchronisation object
 * per lock, and a release joins into it, so a writer acquires what every earlier reader and
 * writer released. Only with CSPLAB_TSAN (the CMake TSan build); no-ops otherwise.
 */
#ifndef CSPLAB_IMPLS_CK_CK_H
#define CSPLAB_IMPLS_CK_CK_H

#include <csplab/impl.h>

#include <ck_pr.h>
#ifdef CSPLAB_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if defined(CK_SPINLOCK_H) || defined(CK_RWLOCK_H) || defined(CK_PFLOCK_H) ||                    \
	defined(CK_TFLOCK_TICKET_H)
#error "include ck.h before any Concurrency Kit lock header, or its wait hook is not applied"
#endif

/* PAUSEs between two yields: ~24 ns each on the 2-core EPYC this was tuned on, so ~3 us of
 * spinning, about Go's own active spin (4 rounds of 30 PAUSEs) and several cache-line hand-offs
 * (~0.5 us each there). */
#ifndef CK_WAIT_SPINS
#define CK_WAIT_SPINS 128
#endif

static inline void ck_wait_stall(void)
{
#if CK_WAIT_SPINS > 0
	static _Thread_local unsigned stalls;
	/* on one CPU the lock cannot change while we spin: yield at once */
	if (++stalls % CK_WAIT_SPINS == 0 || csp_ncpu() == 1) {
		csp_yield();
		return;
	}
#endif
	(ck_pr_stall)(); /* the parentheses reach CK's function, not the macro below */
}

#define ck_pr_stall() ck_wait_stall()

#include <ck_pflock.h>
#include <ck_rwlock.h>
#include <ck_spinlock.h>
#include <ck_tflock.h>

static inline void ck_tsan_acquire(void *lock)
{
#ifdef CSPLAB_TSAN
	__tsan_acquire(lock);
#else
	(void)lock;
#endif
}

static inline void ck_tsan_release(void *lock)
{
#ifdef CSPLAB_TSAN
	__tsan_release(lock);
#else
	(void)lock;
#endif
}

#endif /* CSPLAB_IMPLS_CK_CK_H */
