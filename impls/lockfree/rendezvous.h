/*
 * The lockfree channel's rendezvous (capacity 0): an exchanger arena in which blocked
 * operations post offers that partners claim (rendezvous.c has the algorithm).
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_RENDEZVOUS_H
#define CSPLAB_IMPLS_LOCKFREE_RENDEZVOUS_H

#include "waiter.h"

/* An offer: blocked operation (rec, gen) would perform its case idx in direction dir. */
struct rv_slot {
	_Atomic uint64_t tag; /* version << 2 | SLOT_FREE, SLOT_WRITING or SLOT_POSTED */
	_Atomic(struct rec *) rec;
	_Atomic uint64_t gen;
	_Atomic uint64_t idx_dir; /* idx << 1 | (dir == CSP_SEND) */
};

struct rendezvous {
	_Atomic uint64_t posts;  /* bumped before each offer appears: a version for select */
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
