/*
 * The lockfree channel's rendezvous (capacity 0): an exchanger arena in which blocked
 * operations post offers that partners claim (rendezvous.c has the algorithm).
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_RENDEZVOUS_H
#define CSPLAB_IMPLS_LOCKFREE_RENDEZVOUS_H

#include "waiter.h"
#include "../shared/preempt.h"

#include <string.h>

/* An offer: blocked operation (rec, gen) would perform its case idx in direction dir. */
struct rv_slot {
	_Atomic uint64_t tag; /* version << 2 | SLOT_FREE, SLOT_WRITING or SLOT_POSTED */
	_Atomic(struct rec *) rec;
	_Atomic uint64_t gen;
	_Atomic uint64_t idx_dir; /* idx << 1 | (dir == CSP_SEND) */
};

struct rendezvous {
	_Atomic uint64_t posts;  /* bumped before each offer appears: a version for select */
	_Atomic uint32_t live;   /* offers posted or being posted (rv_poll's one-load check) */
	_Atomic uint32_t closed;
	uint32_t nslots;
	size_t elem_size;
	struct rv_slot slots[];
};

enum rv_result {
	RV_NONE,   /* no partner could be claimed */
	RV_OK,     /* a partner was claimed and the value moved */
	RV_CLOSED, /* the channel is closed (a receive's buffer is zeroed) */
};

size_t rv_size(void);
void rv_init(struct rendezvous *rv, size_t elem_size);

/*
 * Meet a partner now: claim an offer of the other direction and move the value (from buf for
 * a send, into buf for a receive, which may be NULL). `self` is the caller's own record if it
 * has offers posted (they are skipped, and it is BUSY), else NULL.
 */
enum rv_result rv_match(struct rendezvous *rv, int dir, void *buf, struct rec *self);

/* rv_poll's slow path: rv_match until it meets a partner or a double collect of the versions
 * finds an instant at which none was there. */
enum rv_result rv_poll_slow(struct rendezvous *rv, int dir, void *buf);

/*
 * A try-operation (one with no offers of its own). The fast path is chan.go's: with no offer
 * posted, one load of `live` and two of `closed` decide it, without a write.
 *
 * The order is the argument. With live == 0 at instant t and the channel still open at a later
 * load, at t nothing could meet us and the channel was open (closed is never reset): "not
 * ready" takes effect at t. The first load of `closed` only makes a closed channel cost one
 * load. Reading `closed` only before `live` would be wrong: an offer posted at that read may
 * be completed by a close before `live` is read, and at no instant was the channel both open
 * and without a partner (stress: chan-nonblock-close-sync). seq_cst, all three loads: their
 * order is the argument; they pair with rv_post's increment, rv_unpost's decrement and
 * rv_close's exchange.
 */
static inline enum rv_result rv_poll(struct rendezvous *rv, int dir, void *buf)
{
	if (atomic_load(&rv->closed)) {
		if (dir == CSP_RECV && buf)
			memset(buf, 0, rv->elem_size);
		return RV_CLOSED;
	}
	if (atomic_load(&rv->live) == 0) {
		CSP_PREEMPT(); /* the gap chan.go warns about */
		if (!atomic_load(&rv->closed))
			return RV_NONE;
	}
	return rv_poll_slow(rv, dir, buf);
}

/* Offers of direction dir posted now (a snapshot, for diagnostics and the tests' waiting hook). */
size_t rv_waiting(struct rendezvous *rv, int dir);

/* Post an offer; the slot's index, or -1 if every slot is taken (the caller keeps polling). */
int rv_post(struct rendezvous *rv, struct rec *r, uint64_t gen, size_t idx, int dir);
/* Withdraw an offer, once its record has left WAITING. */
void rv_unpost(struct rendezvous *rv, int slot);

/* Close: every posted offer is completed as closed. False if it was closed already. */
bool rv_close(struct rendezvous *rv);

static inline void rv_version(struct rendezvous *rv, uint64_t v[2])
{
	v[0] = atomic_load(&rv->posts); /* seq_cst: the readings of one select are ordered */
	v[1] = atomic_load(&rv->closed);
}

#endif /* CSPLAB_IMPLS_LOCKFREE_RENDEZVOUS_H */
