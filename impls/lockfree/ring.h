/*
 * The lockfree channel's buffer: Vyukov's bounded MPMC queue with per-slot sequence numbers,
 * and a closed bit in the tail word (ring.c has the algorithm and its invariants).
 *
 * The try-operations return CSP_OK, CSP_CLOSED or CSP_WOULDBLOCK and never take a lock.
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_RING_H
#define CSPLAB_IMPLS_LOCKFREE_RING_H

#include "evcount.h"

#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdint.h>

#define RING_CLOSED ((uint64_t)1 << 63) /* in `tail`: the channel is closed */

/* A cache line. The hot words `tail` (written by senders) and `head` (by receivers) each get a
 * line of their own: padding of a whole line on both sides keeps anything else off it whatever
 * the state's alignment (only CSP_STATE_ALIGN is promised, so padding rather than alignas). The
 * fields every operation reads sit before them, on the line of the object header, which nobody
 * writes after init; the slots start on a line of their own (ring_init aligns them). */
#define RING_LINE 64
#define RING_PAD (RING_LINE - sizeof(uint64_t))

struct ring {
	/* Read-only after ring_init. */
	size_t cap;
	size_t elem_size;
	size_t stride;        /* bytes per slot: its sequence number, then the element */
	unsigned char *slots; /* cap slots, line-aligned */
	unsigned char pad_ro[RING_LINE];
	_Atomic uint64_t tail; /* next position to send into, | RING_CLOSED */
	unsigned char pad_tail[RING_PAD];
	_Atomic uint64_t head; /* next position to receive from */
	unsigned char pad_head[RING_PAD];
	/* Tasks that sleep (evcount.h): every operation loads one of these, but only a task about
	 * to sleep writes them, so they share a line that stays in every cache while no one does. */
	struct evc room; /* senders that found the ring full; receives and close notify */
	struct evc data; /* receivers that found it empty; sends and close notify */
	unsigned char pad_evc[RING_LINE - 2 * sizeof(struct evc)];
};

/* State bytes of a channel whose `head` bytes are followed by the slots of a ring of cap elements
 * of elem_size bytes (with room to align them to a line): SIZE_MAX beyond CSP_CHAN_BYTES_MAX,
 * which also bounds every offset ring_init and the operations compute. */
size_t ring_state_size(size_t head, size_t elem_size, size_t cap);
/* Set up a ring whose slots follow the head counted by ring_state_size, at `slots`. */
void ring_init(struct ring *r, size_t elem_size, size_t cap, void *slots);

int ring_trysend(struct ring *r, const void *elem);
/* elem may be NULL (discard); on CSP_CLOSED it is zeroed. */
int ring_tryrecv(struct ring *r, void *elem);
/* Close; false if it was closed already. */
bool ring_close(struct ring *r);
size_t ring_len(struct ring *r);

/* Where a task whose case in direction dir found the ring full or empty may sleep. */
static inline struct evc *ring_evc(struct ring *r, int dir)
{
	return dir == CSP_SEND ? &r->room : &r->data;
}

/* A version of the ring's state: it changes whenever a send, a receive or close takes effect,
 * so two equal readings bracket an interval in which the ring did not change. */
static inline void ring_version(struct ring *r, uint64_t v[2])
{
	v[0] = atomic_load(&r->head); /* seq_cst: the readings of one select are ordered */
	v[1] = atomic_load(&r->tail);
}

#endif /* CSPLAB_IMPLS_LOCKFREE_RING_H */
