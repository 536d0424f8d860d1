/*
 * Vyukov's bounded multi-producer multi-consumer queue, as the buffer of a lockfree channel.
 *
 * Source: Dmitry Vyukov, "Bounded MPMC queue" (1024cores.net, 2010). Each slot carries a
 * sequence number saying which position it is ready for; a sender or receiver claims a
 * position with one CAS on `tail` or `head`, then owns the slot until it publishes the new
 * sequence number. One atomic read-modify-write per operation.
 *
 * State: positions are 63-bit counters; position p lives in slot p % cap.
 *   slot.seq == 2p      the slot is free for the sender of position p
 *   slot.seq == 2p + 1  the slot holds the value of position p
 *   (doubling keeps "full for p" and "free for p + cap" apart even when cap == 1)
 *   tail   the next position to send into; RING_CLOSED is or-ed in by close, after which the
 *          CAS of every sender fails, so no position is claimed after close
 *   head   the next position to receive from
 * Invariants: head <= tail's position <= head + cap; positions below head are received or
 * being copied out; positions in [head, tail) are buffered or being copied in. A receiver that
 * finds head == tail with RING_CLOSED set has drained the channel: tail can no longer move.
 * In transit: a slot claimed but not yet published (a sender copying in, or a receiver of the
 * previous lap copying out) is waited for, not reported as empty or full, so each operation
 * takes effect at its CAS and a try fails only when the ring really is empty or full.
 * Progress: a try is lock-free, except that it waits for a slot in transit, which another task
 * finishes in a few instructions (it blocks only if that task is preempted mid-copy).
 * Waking: a successful send, a successful receive and close each end with evc_notify on the
 * event count of the tasks they may unblock (evcount.h): one load unless a task sleeps there.
 * Layout (ring.h): the read-only fields, tail, head, and the event counts each on their own
 * cache lines, the slots line-aligned and, for small rings, one per line (RING_PAD_SLOTS_MAX).
 */
#include "ring.h"

#include "spin.h"

#include "../shared/elem_copy.h"

#include <string.h>

#define POS_MASK (~RING_CLOSED)

struct slot {
	_Atomic uint64_t seq;
	unsigned char data[];
};

/* Slots are padded to a cache line each while that costs at most this many bytes (rings of up
 * to RING_PAD_SLOTS_MAX / RING_LINE = 1024 slots), so that a
 * sender filling slot i and a receiver emptying slot i - 1 do not pass a line back and forth
 * (with an int, 4 packed slots share a line). Measured on ChanProdCons (cap 10 and 100, 4
 * threads on 2 cores) against packed slots: 227 -> 205 ns/op (cap 10), 81 -> 57 (cap 100),
 * noisy but consistent. Bigger rings keep the packed layout: padding would multiply their
 * memory, and with many slots sender and receiver are seldom on the same line. */
#define RING_PAD_SLOTS_MAX (64 * 1024)

static size_t stride_of(size_t elem_size, size_t cap)
{
	if (elem_size > CSP_CHAN_ELEM_MAX) /* the core's limit; keeps the sums below from wrapping */
		return SIZE_MAX;
	size_t packed = (sizeof(struct slot) + elem_size + 7) & ~(size_t)7;
	if (cap > RING_PAD_SLOTS_MAX / RING_LINE)
		return packed;
	return (packed + RING_LINE - 1) & ~(size_t)(RING_LINE - 1);
}

size_t ring_state_size(size_t head, size_t elem_size, size_t cap)
{
	size_t fixed;
	if (__builtin_add_overflow(head, RING_LINE - 1, &fixed))
		return SIZE_MAX;
	return csp_chan_state_size(fixed, stride_of(elem_size, cap), cap); /* SIZE_MAX beyond */
}

void ring_init(struct ring *r, size_t elem_size, size_t cap, void *slots)
{
	r->cap = cap;
	r->elem_size = elem_size;
	r->stride = stride_of(elem_size, cap);
	r->slots = (unsigned char *)(((uintptr_t)slots + RING_LINE - 1) & ~(uintptr_t)(RING_LINE - 1));
	atomic_init(&r->tail, 0);
	atomic_init(&r->head, 0);
	evc_init(&r->room);
	evc_init(&r->data);
	for (size_t i = 0; i < cap; i++)
		atomic_init(&((struct slot *)(r->slots + i * r->stride))->seq, 2 * i);
}

static struct slot *slot_at(struct ring *r, uint64_t pos)
{
	return (struct slot *)(r->slots + (pos % r->cap) * r->stride);
}

int ring_trysend(struct ring *r, const void *elem)
{
	struct spin s = SPIN_INIT;
	uint64_t t = atomic_load(&r->tail); /* seq_cst: ordered with the reads of head below */
	for (;;) {
		if (t & RING_CLOSED)
			return CSP_CLOSED;
		struct slot *sl = slot_at(r, t);
		/* acquire: pairs with the release store of the receiver that freed the slot, so its
		 * copy-out happens before our copy-in */
		uint64_t seq = atomic_load_explicit(&sl->seq, memory_order_acquire);
		if (seq == 2 * t) {
			/* seq_cst, not only acquire: the version readings of select order against it */
			if (atomic_compare_exchange_weak(&r->tail, &t, t + 1)) {
				elem_copy(sl->data, elem, r->elem_size);
				/* release: publishes the value to the receiver's acquire load of seq */
				atomic_store_explicit(&sl->seq, 2 * t + 1, memory_order_release);
				evc_notify(&r->data); /* after the seq_cst CAS: evcount.h */
				return CSP_OK;
			}
			continue; /* t was reloaded by the failed CAS */
		}
		if (seq < 2 * t) { /* the slot still holds position t - cap, or is being emptied */
			if (atomic_load(&r->head) + r->cap <= t)
				return CSP_WOULDBLOCK; /* not received yet: full */
			spin_wait(&s);             /* received, being copied out: wait for it */
		}
		t = atomic_load(&r->tail); /* seq_cst: as above */
	}
}

int ring_tryrecv(struct ring *r, void *elem)
{
	struct spin s = SPIN_INIT;
	uint64_t h = atomic_load(&r->head); /* seq_cst: ordered with the reads of tail below */
	for (;;) {
		struct slot *sl = slot_at(r, h);
		/* acquire: pairs with the sender's release store, so its copy-in happens before our
		 * copy-out */
		uint64_t seq = atomic_load_explicit(&sl->seq, memory_order_acquire);
		if (seq == 2 * h + 1) {
			if (atomic_compare_exchange_weak(&r->head, &h, h + 1)) { /* seq_cst: as in send */
				if (elem)
					elem_copy(elem, sl->data, r->elem_size);
				/* release: our copy-out happens before the next lap's copy-in */
				atomic_store_explicit(&sl->seq, 2 * (h + r->cap), memory_order_release);
				evc_notify(&r->room); /* after the seq_cst CAS: evcount.h */
				return CSP_OK;
			}
			continue;
		}
		if (seq < 2 * h + 1) { /* nothing published at h yet */
			uint64_t t = atomic_load(&r->tail);
			if ((t & POS_MASK) == h) { /* nothing claimed either: empty */
				if (!(t & RING_CLOSED))
					return CSP_WOULDBLOCK;
				if (elem)
					memset(elem, 0, r->elem_size);
				return CSP_CLOSED;
			}
			spin_wait(&s); /* a sender claimed h and is copying in: wait for it */
		}
		h = atomic_load(&r->head);
	}
}

bool ring_close(struct ring *r)
{
	bool first = !(atomic_fetch_or(&r->tail, RING_CLOSED) & RING_CLOSED);
	evc_notify(&r->room); /* after the seq_cst fetch_or: evcount.h */
	evc_notify(&r->data);
	return first;
}

size_t ring_len(struct ring *r)
{
	/* relaxed, both: a snapshot, as Go's len(ch); pairs with nothing */
	uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed) & POS_MASK;
	return t <= h ? 0 : t - h > r->cap ? r->cap : (size_t)(t - h);
}
