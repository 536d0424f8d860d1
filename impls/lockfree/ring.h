/*
 * The lockfree channel's buffer: Vyukov's bounded MPMC queue with per-slot sequence numbers,
 * and a closed bit in the tail word (ring.c has the algorithm and its invariants).
 *
 * The try-operations return CSP_OK, CSP_CLOSED or CSP_WOULDBLOCK and never take a lock.
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_RING_H
#define CSPLAB_IMPLS_LOCKFREE_RING_H

#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdint.h>

#define RING_CLOSED ((uint64_t)1 << 63) /* in `tail`: the channel is closed */

/* Senders write `tail` and receivers `head`: padding keeps them on different cache lines.
 * (Padding, not alignas: channel state is only CSP_STATE_ALIGN-aligned.) */
#define RING_PAD (64 - sizeof(uint64_t))

struct ring {
	_Atomic uint64_t tail; /* next position to send into, | RING_CLOSED */
	unsigned char pad_tail[RING_PAD];
	_Atomic uint64_t head; /* next position to receive from */
	unsigned char pad_head[RING_PAD];
	size_t cap;
	size_t elem_size;
	size_t stride;        /* bytes per slot: its sequence number, then the element */
	unsigned char *slots; /* cap slots */
};

/* Bytes of slots a ring of cap elements of elem_size bytes needs after struct ring. */
size_t ring_slots_size(size_t elem_size, size_t cap);
/* Set up a ring whose slots are the ring_slots_size bytes at `slots`. */
void ring_init(struct ring *r, size_t elem_size, size_t cap, void *slots);

int ring_trysend(struct ring *r, const void *elem);
/* elem may be NULL (discard); on CSP_CLOSED it is zeroed. */
int ring_tryrecv(struct ring *r, void *elem);
/* Close; false if it was closed already. */
bool ring_close(struct ring *r);
size_t ring_len(struct ring *r);

/* A version of the ring's state: it changes whenever a send, a receive or close takes effect,
 * so two equal readings bracket an interval in which the ring did not change. */
static inline void ring_version(struct ring *r, uint64_t v[2])
{
	v[0] = atomic_load(&r->head); /* seq_cst: the readings of one select are ordered */
	v[1] = atomic_load(&r->tail);
}

#endif /* CSPLAB_IMPLS_LOCKFREE_RING_H */
