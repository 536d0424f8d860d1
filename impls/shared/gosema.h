/*
 * gosema: the semaphore Go's runtime gives sync.Mutex and sync.RWMutex (runtime/sema.go), over a
 * family's parker: a count, and a queue of parked waiters under a small lock.
 * acquire takes a unit or queues (FIFO; lifo = true queues at the front, as Go does for a waiter
 * that was woken before and lost the race). release hands its unit straight to the head waiter
 * when there is one, else adds it to the count.
 */
#ifndef CSPLAB_IMPLS_SHARED_GOSEMA_H
#define CSPLAB_IMPLS_SHARED_GOSEMA_H

#include "fxlock.h"
#include "parker.h"

#include <stdalign.h>

struct gosema_waiter {
	struct gosema_waiter *next;
	alignas(16) unsigned char parker[PARKER_MAX];
};

struct gosema {
	fxlock lock; /* guards count and the queue */
	uint32_t count;
	struct gosema_waiter *head, *tail;
};

/* A zero-filled struct gosema is an empty semaphore. */
void gosema_acquire(struct gosema *s, const struct parker_ops *p, bool lifo, const char *reason);
void gosema_release(struct gosema *s, const struct parker_ops *p);

#endif /* CSPLAB_IMPLS_SHARED_GOSEMA_H */
