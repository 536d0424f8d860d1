/*
 * futex_parker: the parker (parker.h) of every family that parks OS threads on a futex word: one
 * 32-bit word per blocked task, parker.h's announced sleep (awake, unparked, asleep).
 *
 * park announces its sleep and sleeps on the word itself until it reads unparked (futex_wait
 * re-checks, so a wake that arrives before the sleep is not lost); unpark makes the wake system
 * call only if the sleep was announced. The wake may reach the word after
 * its owner has returned and reused the stack slot: that can only be a spurious wake for the
 * slot's next user, and every futex waiter re-checks its condition. Spin phase: OS_PARKER_SPIN
 * polls before the first futex_wait (parker.h).
 */
#ifndef CSPLAB_IMPLS_SHARED_FUTEX_PARKER_H
#define CSPLAB_IMPLS_SHARED_FUTEX_PARKER_H

#include "parker.h"

extern const struct parker_ops futex_parker;

#endif /* CSPLAB_IMPLS_SHARED_FUTEX_PARKER_H */
