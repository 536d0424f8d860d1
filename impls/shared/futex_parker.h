/*
 * futex_parker: the parker (parker.h) of every family that parks OS threads on a futex word: one
 * 32-bit word per blocked task: awake (parked but not yet asleep), unparked, or asleep.
 *
 * park announces its sleep (awake -> asleep, one compare-and-swap) and sleeps on the word until
 * it reads unparked (futex_wait re-checks, so a wake that arrives before the sleep is not lost).
 * unpark exchanges in unparked (release) and makes the wake system call only if the old value
 * was asleep: a hand-off to a task still in its spin phase costs no system call on either side,
 * as glibc's mutex skips the wake when no waiter is recorded. The wake may reach the word after
 * its owner has returned and reused the stack slot: that can only be a spurious wake for the
 * slot's next user, and every futex waiter re-checks its condition.
 *
 * Spin phase: FUTEX_PARKER_SPIN polls before the first futex_wait (parker_wait). A hand-off from
 * the other core often comes within a microsecond, where a futex sleep/wake round trip between
 * two threads costs ~19 µs on the 2-core machine csplab is measured on.
 */
#ifndef CSPLAB_IMPLS_SHARED_FUTEX_PARKER_H
#define CSPLAB_IMPLS_SHARED_FUTEX_PARKER_H

#include "parker.h"

#define FUTEX_PARKER_SPIN 200

extern const struct parker_ops futex_parker;

#endif /* CSPLAB_IMPLS_SHARED_FUTEX_PARKER_H */
