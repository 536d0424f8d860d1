/*
 * gochan: Go's channel algorithm (runtime/chan.go and runtime/select.go), written once and shared
 * by the families that differ only in how they lock a channel and park a blocked task.
 *
 * A family supplies a struct gochan_sync: the channel lock (pthread mutex, futex lock, spin lock,
 * ...) and a pointer to its parker (parker.h, the one parking interface of the shared Go
 * algorithms: futex word, condition variable, coroutine park). The algorithm — ring buffer, FIFO
 * wait queues, direct hand-off to a parked peer, select with one waiter per case sharing one
 * claim word — lives in gochan.c. See that file for the invariants.
 */
#ifndef CSPLAB_IMPLS_SHARED_GOCHAN_H
#define CSPLAB_IMPLS_SHARED_GOCHAN_H

#include "parker.h"

#include <csplab/impl.h>
#include <stdalign.h>
#include <stdatomic.h>

struct gochan_sync {
	size_t lock_size; /* bytes of the channel lock; at most 64 */
	int (*lock_init)(void *lock);
	void (*lock_destroy)(void *lock); /* optional */
	void (*lock)(void *lock);
	void (*unlock)(void *lock);
	/* How one blocked operation (a send, a receive, a whole select) waits: gochan parks it
	 * with parker_wait() and never while holding a channel lock. */
	const struct parker_ops *parker;
};

/* Channel state for csp_chan_ops: use these from a family's ops table (GOCHAN_OPS below). */
size_t gochan_size(size_t elem_size, size_t cap);
int gochan_init(const struct gochan_sync *sync, void *self, size_t elem_size, size_t cap);
void gochan_destroy(void *self);
int gochan_send(void *self, const void *elem, int64_t deadline);
int gochan_recv(void *self, void *elem, int64_t deadline);
int gochan_close(void *self);
size_t gochan_len(void *self);
size_t gochan_waiting(void *self, int dir); /* csp_chan_ops.waiting */
int gochan_select(csp_case *cases, size_t n, int64_t deadline);

/* The members of a csp_chan_ops that every gochan channel shares; a family's table adds its
 * .info and an .init that passes its struct gochan_sync to gochan_init. */
#define GOCHAN_OPS                                                                         \
	.size = gochan_size, .destroy = gochan_destroy, .send = gochan_send,               \
	.recv = gochan_recv, .close = gochan_close, .len = gochan_len,                     \
	.select = gochan_select, .waiting = gochan_waiting

#endif /* CSPLAB_IMPLS_SHARED_GOCHAN_H */
