/*
 * gochan's internals, shared by gochan.c (the channel operations) and gochan_select.c (select):
 * the channel state, the wait queues and the helpers both halves use. gochan.c states the
 * algorithm and its invariants. Nothing outside impls/shared/gochan*.c includes this.
 */
#ifndef CSPLAB_IMPLS_SHARED_GOCHAN_INTERNAL_H
#define CSPLAB_IMPLS_SHARED_GOCHAN_INTERNAL_H

#include "gochan.h"
#include "preempt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define SEL_WAITING (-1)
#define SEL_CANCELLED (-2)

struct sel {
	_Atomic int state; /* SEL_WAITING, then the fired case index or SEL_CANCELLED */
	bool ok;           /* written by the claimer: a value moved (false: channel closed) */
	alignas(16) unsigned char parker[PARKER_MAX];
};

struct waiter {
	struct waiter *next, *prev; /* in one channel's queue, while queued */
	struct sel *sel;
	void *elem;    /* send: the value; receive: the destination (NULL discards) */
	int index;     /* the case this waiter stands for */
	bool queued;
	struct waiter *wake_next; /* close(): the list woken after the lock is released */
};

struct waitq {
	/* Written under the channel lock (release: see gochan.c, "Fast paths"); read without it
	 * only by the fast paths, to tell "nobody waits". */
	struct waiter *_Atomic head;
	struct waiter *tail;
};

/* Field order: the core puts this state 32 bytes into a line-aligned block, after its header
 * (ops and sizes, read by every call). What no operation writes (sync, sizes, buf) fills the
 * rest of that line, so a send or receive on one CPU does not take from the other the line it
 * reads on every call; the ring's indices, count and queues fill the next line, and the lock
 * has its own. */
struct gochan {
	const struct gochan_sync *sync;
	size_t elem_size, cap;
	unsigned char *buf;
	size_t sendx, recvx; /* ring indices of the next send / receive */
	/* Written under the lock only; read without it by len() and the fast paths (gochan.c). */
	_Atomic size_t count; /* buffered values */
	_Atomic bool closed;
	struct waitq sendq, recvq;
	alignas(16) unsigned char lock[64];
};

/* Wait queues, under the channel lock. */
void gochan_enqueue(struct waitq *q, struct waiter *w);
void gochan_unqueue(struct waitq *q, struct waiter *w); /* no-op unless queued */

/* The non-blocking halves, under the channel lock: true with *st set if the operation happened
 * now (and *wake a peer to unpark once the lock is released), else false. */
bool gochan_send_now(struct gochan *c, const void *elem, int *st, struct waiter **wake);
bool gochan_recv_now(struct gochan *c, void *elem, int *st, struct waiter **wake);

/* ---- Fast paths, without the lock (gochan.c, "Fast paths", has the argument) ---------------- */

/* Go's full(c): a send cannot proceed now (ignoring close). relaxed: see gochan_send_fails. */
static inline bool gochan_full(struct gochan *c)
{
	if (c->cap == 0)
		return atomic_load_explicit(&c->recvq.head, memory_order_relaxed) == NULL;
	return atomic_load_explicit(&c->count, memory_order_relaxed) == c->cap;
}

/* Go's empty(c): a receive cannot proceed now (ignoring close). acquire: pairs with the
 * release stores of count and of the queue heads, so a later load of closed is not older
 * than this observation (see gochan_recv_polled). */
static inline bool gochan_empty(struct gochan *c)
{
	if (c->cap == 0)
		return atomic_load_explicit(&c->sendq.head, memory_order_acquire) == NULL;
	return atomic_load_explicit(&c->count, memory_order_acquire) == 0;
}

/* A non-blocking send that certainly cannot proceed: open and full at one moment. Both loads
 * relaxed, in either order: a closed channel never becomes ready for sending again, so "not
 * closed" and "full", each read atomically, imply a moment when both held (chan.go's
 * argument); nothing is transferred, so nothing needs ordering. */
static inline bool gochan_send_fails(struct gochan *c)
{
	return !atomic_load_explicit(&c->closed, memory_order_relaxed) && gochan_full(c);
}

/* A non-blocking receive decided without the lock: true with *st = CSP_WOULDBLOCK (open and
 * empty at one moment) or CSP_CLOSED (closed and empty; *elem zeroed); false: take the lock. */
static inline bool gochan_recv_polled(struct gochan *c, void *elem, int *st)
{
	if (!gochan_empty(c))
		return false;
	CSP_PREEMPT(); /* seen empty, closed not yet read: a close and a drain may come between */
	/* acquire: pairs with the release store in close, so a receive that reports the close
	 * sees what the closer did before it (Go's memory model) */
	if (!atomic_load_explicit(&c->closed, memory_order_acquire)) {
		*st = CSP_WOULDBLOCK; /* not closed now, so not closed when it was seen empty */
		return true;
	}
	if (!gochan_empty(c)) /* a value sent before the close arrived between the two loads */
		return false;
	if (elem)
		memset(elem, 0, c->elem_size);
	*st = CSP_CLOSED;
	return true;
}

/* Parking. */
void gochan_wake(const struct gochan_sync *y, struct waiter *w); /* w may be NULL */
bool gochan_expired(int64_t deadline);
/* reason and obj: what the task will wait on, for the parker's diagnostics */
void gochan_sel_init(const struct gochan_sync *y, struct sel *s, const char *reason,
	const void *obj);
/* Until a peer claims s (returns its case index) or the deadline passes (SEL_CANCELLED). */
int gochan_sel_wait(const struct gochan_sync *y, struct sel *s, int64_t deadline);

#endif /* CSPLAB_IMPLS_SHARED_GOCHAN_INTERNAL_H */
