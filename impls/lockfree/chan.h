/*
 * The lockfree channel's state and the pieces its operations (chan.c) and select (select.c)
 * share. A channel is a ring (capacity >= 1, ring.c) or a rendezvous arena (capacity 0,
 * rendezvous.c); blocked operations wait by polling with back-off (a send or receive on a ring
 * then sleeps on its event count, evcount.h), and post offers on unbuffered channels so that
 * partners can find them (waiter.h).
 */
#ifndef CSPLAB_IMPLS_LOCKFREE_CHAN_H
#define CSPLAB_IMPLS_LOCKFREE_CHAN_H

#include "rendezvous.h"
#include "ring.h"

struct lfchan {
	size_t cap;
	size_t elem_size;
	struct ring ring;     /* cap >= 1 */
	unsigned char more[]; /* the ring's slots (cap >= 1), or the rendezvous (cap == 0) */
};

static inline struct rendezvous *lf_rv(struct lfchan *c)
{
	return (struct rendezvous *)(void *)c->more;
}

#define LF_NOT_READY (-1)

/* Perform case cs on c now if it can be: CSP_OK, CSP_CLOSED, or LF_NOT_READY. `self`: the
 * caller's record if it has offers posted (rendezvous.h). */
int lf_try(struct lfchan *c, csp_case *cs, struct rec *self);

/* A version of c's state for select's double collect (ring_version, rv_version). */
void lf_version(struct lfchan *c, uint64_t v[2]);

/* Select over cases[i] on chans[i] (NULL: never chosen): the index performed, with its ok set,
 * or CSP_SELECT_TIMEOUT once the deadline passed. */
int lf_select(struct lfchan **chans, csp_case *cases, size_t n, int64_t deadline);

#endif /* CSPLAB_IMPLS_LOCKFREE_CHAN_H */
