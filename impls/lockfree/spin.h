/*
 * How the lockfree family waits: spin with bounded exponential back-off, then yield.
 *
 * A waiter re-checks its condition between calls to spin_wait(). The first calls pause the CPU
 * for 1, 2, 4, ... SPIN_BURST_MAX PAUSE instructions (Anderson, "The performance of spin lock
 * alternatives for shared-memory multiprocessors", IEEE TPDS 1990: exponential back-off keeps
 * waiters from hammering the line the holder needs). After that every call yields the CPU
 * (csp_yield), because a waiter that keeps spinning when tasks outnumber cores may be burning the
 * very time slice the holder needs to finish. With one CPU spinning can never help: yield at once.
 *
 * Nothing here parks: implementations that wait only through spin_wait declare CSP_PROP_SPINS.
 * (The channel's blocked sends and receives on a ring spin only up to SPIN_INIT_MAX's bound and
 * then sleep on an event count, evcount.h; the channel does not declare it.)
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_SPIN_H
#define CSPLAB_IMPLS_LOCKFREE_SPIN_H

#include "../shared/futex.h" /* cpu_relax() */

#include <csplab/impl.h>
#include <stdint.h>

/* The longest burst of PAUSEs: 2^8, roughly 5-10 µs on current x86. Short next to a scheduler
 * time slice, long next to a critical section of a few cache misses. */
#define SPIN_BURST_MAX 256u

struct spin {
	uint32_t burst; /* PAUSEs in the next burst; above max: yield instead */
	uint32_t max;   /* the longest burst */
};

#define SPIN_INIT { 1, SPIN_BURST_MAX }
/* Bursts only up to max PAUSEs (a power of two, at most SPIN_BURST_MAX): for waits that are
 * either short or long, where spinning past a short one only takes the CPU from the partner. */
#define SPIN_INIT_MAX(max) { 1, (max) }

static inline void spin_wait(struct spin *s)
{
	if (s->burst <= s->max && csp_ncpu() > 1) {
		for (uint32_t i = 0; i < s->burst; i++)
			cpu_relax();
		s->burst <<= 1;
	} else {
		csp_yield();
	}
}

/* True once the PAUSE bursts are over: further waits yield. */
static inline bool spin_spun(const struct spin *s)
{
	return s->burst > s->max || csp_ncpu() <= 1;
}

/* Start over with short bursts (after progress: the next wait is a new one). */
static inline void spin_reset(struct spin *s)
{
	s->burst = 1;
}

#endif /* CSPLAB_IMPLS_LOCKFREE_SPIN_H */
