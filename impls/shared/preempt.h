/*
 * Preemption points: CSP_PREEMPT() marks a step of a slow path (between two atomic operations,
 * or between an atomic step and a park) where a race's window opens. In an ordinary build it
 * is nothing at all. The stress binary and the mutants' binaries compile the implementations
 * again with CSPLAB_PREEMPT_POINTS defined (stress/CMakeLists.txt, mutants/CMakeLists.txt); there
 * each point calls csp_preempt_hook if one is set: the stress runner's chaos mode sets it to a
 * seeded decision (a yield, a short spin, or nothing; stress/chaos.c), which turns a window of a
 * few instructions into one that other threads run through. The hook must not block and must
 * not switch coroutines: points sit inside internal locks.
 */
#ifndef CSPLAB_IMPLS_SHARED_PREEMPT_H
#define CSPLAB_IMPLS_SHARED_PREEMPT_H

#ifdef CSPLAB_PREEMPT_POINTS
#include <stdatomic.h>

/* Defined in src/preempt.c; NULL (no hook) unless a stress run set it before starting tasks. */
extern void (*_Atomic csp_preempt_hook)(void);

static inline void csp_preempt_point(void)
{
	/* relaxed: set once before any task starts; the spawns publish it */
	void (*hook)(void) = atomic_load_explicit(&csp_preempt_hook, memory_order_relaxed);
	if (hook)
		hook();
}
#define CSP_PREEMPT() csp_preempt_point()
#else
#define CSP_PREEMPT() ((void)0)
#endif

#endif /* CSPLAB_IMPLS_SHARED_PREEMPT_H */
