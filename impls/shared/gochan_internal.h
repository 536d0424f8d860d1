/*
 * gochan's internals, shared by gochan.c (the channel operations) and gochan_select.c (select):
 * the channel state, the wait queues and the helpers both halves use. gochan.c states the
 * algorithm and its invariants. Nothing outside impls/shared/gochan*.c includes this.
 */
#ifndef CSPLAB_IMPLS_SHARED_GOCHAN_INTERNAL_H
#define CSPLAB_IMPLS_SHARED_GOCHAN_INTERNAL_H

#include "gochan.h"

#include <stdbool.h>
#include <stdint.h>

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
	struct waiter *head, *tail;
};

struct gochan {
	const struct gochan_sync *sync;
	size_t elem_size, cap;
	size_t sendx, recvx; /* ring indices of the next send / receive */
	_Atomic size_t count; /* buffered values; written under the lock, read by len() without */
	bool closed;
	struct waitq sendq, recvq;
	unsigned char *buf;
	alignas(16) unsigned char lock[64];
};

/* Wait queues, under the channel lock. */
void gochan_enqueue(struct waitq *q, struct waiter *w);
void gochan_unqueue(struct waitq *q, struct waiter *w); /* no-op unless queued */

/* The non-blocking halves, under the channel lock: true with *st set if the operation happened
 * now (and *wake a peer to unpark once the lock is released), else false. */
bool gochan_send_now(struct gochan *c, const void *elem, int *st, struct waiter **wake);
bool gochan_recv_now(struct gochan *c, void *elem, int *st, struct waiter **wake);

/* Parking. */
void gochan_wake(const struct gochan_sync *y, struct waiter *w); /* w may be NULL */
bool gochan_expired(int64_t deadline);
/* reason and obj: what the task will wait on, for the parker's diagnostics */
void gochan_sel_init(const struct gochan_sync *y, struct sel *s, const char *reason,
	const void *obj);
/* Until a peer claims s (returns its case index) or the deadline passes (SEL_CANCELLED). */
int gochan_sel_wait(const struct gochan_sync *y, struct sel *s, int64_t deadline);

#endif /* CSPLAB_IMPLS_SHARED_GOCHAN_INTERNAL_H */
