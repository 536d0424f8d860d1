/*
 * pace: where a spin lock's waiter starts pausing between looks, learned per lock.
 *
 * A lock taken back to back by tasks on two cores (a channel both sides use without blocking)
 * is held nearly all the time: each look a waiter takes fetches the line from the holder, who
 * then pays a cross-core trip to take the lock again, so short pauses between looks slow the
 * holder without getting the waiter in sooner. A lock whose holds are rare and short wants the
 * waiter back at once. The pace tells the two apart from what recent waits needed, as glibc's
 * adaptive mutex sizes its spin from a moving average of the spins recent acquisitions took:
 * a wait that needed several pauses moves the start up, one that needed a single pause (so the
 * start was long enough) moves it down to half that pause. A start that is too long shrinks
 * again; an uncontended acquisition changes nothing and writes nothing.
 *
 * The pace word lives beside the lock word (its line is the holder's anyway) and is written
 * only by a holder, under the lock.
 */
#ifndef CSPLAB_IMPLS_SHARED_PACE_H
#define CSPLAB_IMPLS_SHARED_PACE_H

#include <stdatomic.h>
#include <stdint.h>

#define PACE_MAX 64u /* the longest pause, in PAUSEs (about 2 µs where a PAUSE takes 28 ns) */

/* The first pause of a wait, in PAUSEs (1 .. PACE_MAX). pace: 1/16 PAUSEs, 0 to start. */
static inline unsigned pace_start(_Atomic uint32_t *pace)
{
	/* relaxed: a hint written by earlier holders; a stale value only changes the pacing */
	unsigned p = atomic_load_explicit(pace, memory_order_relaxed) >> 4;
	return p ? p : 1;
}

/* The pause after `pause`: waits double their pause up to PACE_MAX (Anderson's exponential
 * back-off, IEEE TPDS 1990), so a long hold costs the holder few fetches of the line. */
static inline unsigned pace_next(unsigned pause)
{
	return pause < PACE_MAX ? pause * 2 : PACE_MAX;
}

/* A holder's report, under the lock: its wait took `pauses` pauses, the last `last` long.
 * The start moves a quarter of the way to the pause this wait suggests: the last one if it took
 * several, half of it if one was enough. */
static inline void pace_learn(_Atomic uint32_t *pace, unsigned pauses, unsigned last)
{
	if (pauses == 0)
		return;
	unsigned target = pauses == 1 ? last / 2 : last;
	/* relaxed: under the lock (the holder's acquire orders it); read as a hint by waiters */
	uint32_t s = atomic_load_explicit(pace, memory_order_relaxed);
	atomic_store_explicit(pace, s - s / 4 + target * 4, memory_order_relaxed);
}

#endif /* CSPLAB_IMPLS_SHARED_PACE_H */
