/*
 * chan/lockfree: a channel without a lock on its data path.
 *
 *  - buffered (cap >= 1): Vyukov's bounded MPMC ring with per-slot sequence numbers (ring.c),
 *    one CAS per send or receive, close as a bit in the ring's tail word;
 *  - unbuffered: an exchanger arena of offers claimed with one CAS (rendezvous.c, after Scherer,
 *    Lea & Scott), so a send completes only once a receiver has the value;
 *  - blocking, timeouts and select on top (select.c): poll with back-off, post offers where a
 *    partner must find us, and let a CAS on the waiter record pick the one case that fires; a
 *    send or receive blocked on a buffered channel sleeps, after a short spin, on the ring's
 *    event count (evcount.h), which the fast path checks with one load; one blocked on
 *    unbuffered channels sleeps on its waiter record, woken by the task that claims it.
 *
 * Go's semantics: FIFO (ring positions; one rendezvous at a time per task); receives drain a
 * closed channel before reporting it closed; close completes every posted offer as closed and
 * no value moves after it; select chooses uniformly among ready cases and never meets itself;
 * len is a snapshot. Blocked tasks are not served in arrival order (CSP_PROP_WAITERS_UNORDERED):
 * senders of a full ring race for the next free slot, and a partner claims offers from a random
 * slot of the arena (Go queues both). Nothing is per-thread but hints; only OS threads
 * sleep in the kernel, tasks of any other runtime wait by yielding through csp_yield, so tasks
 * of any runtime may use it; this family's are OS threads.
 * Progress: see ring.c, rendezvous.c, select.c. Operations that complete at once never enter the
 * kernel. A blocked send or receive parks (futex) after a short spin, and so does a select
 * whose cases are all unbuffered, so the channel does not declare CSP_PROP_SPINS; a select over
 * several buffered channels, or mixing buffered and unbuffered ones, spins and yields.
 */
#include "chan.h"

#include <stdlib.h>

int lf_try(struct lfchan *c, csp_case *cs, struct rec *self)
{
	if (c->cap > 0) {
		int st = cs->dir == CSP_SEND ? ring_trysend(&c->ring, cs->buf)
					     : ring_tryrecv(&c->ring, cs->buf);
		return st == CSP_WOULDBLOCK ? LF_NOT_READY : st;
	}
	switch (rv_match(lf_rv(c), cs->dir, cs->buf, self)) {
	case RV_OK: return CSP_OK;
	case RV_CLOSED: return CSP_CLOSED;
	default: return LF_NOT_READY;
	}
}

void lf_version(struct lfchan *c, uint64_t v[2])
{
	if (c->cap > 0)
		ring_version(&c->ring, v);
	else
		rv_version(lf_rv(c), v);
}

static size_t size(size_t elem_size, size_t cap)
{
	return cap > 0 ? ring_state_size(sizeof(struct lfchan), elem_size, cap)
		       : sizeof(struct lfchan) + rv_size();
}

static int init(void *self, size_t elem_size, size_t cap)
{
	struct lfchan *c = self;
	c->cap = cap;
	c->elem_size = elem_size;
	if (cap > 0)
		ring_init(&c->ring, elem_size, cap, c->more);
	else
		rv_init(lf_rv(c), elem_size);
	return 0;
}

/* A poll of an unbuffered channel: rv_poll, which needs none of select's set-up. */
static inline int poll_rv(struct lfchan *c, int dir, void *buf)
{
	switch (rv_poll(lf_rv(c), dir, buf)) {
	case RV_OK: return CSP_OK;
	case RV_CLOSED: return CSP_CLOSED;
	default: return CSP_WOULDBLOCK;
	}
}

/* A send or receive that may wait: a select of one case. */
static int one_case(struct lfchan *c, int dir, void *buf, int64_t deadline)
{
	csp_case cs = { .ch = NULL, .dir = dir, .buf = buf };
	if (lf_select(&c, &cs, 1, deadline) == CSP_SELECT_TIMEOUT)
		return CSP_TIMEOUT;
	return cs.ok ? CSP_OK : CSP_CLOSED;
}

/* An operation with a deadline: the ring's one CAS first when buffered, else a select of one
 * case. Out of line, so the polls below need no stack frame. */
static __attribute__((noinline)) int op_until(struct lfchan *c, int dir, void *buf,
	int64_t deadline)
{
	if (c->cap > 0) { /* the fast path: one CAS */
		int st = dir == CSP_SEND ? ring_trysend(&c->ring, buf) : ring_tryrecv(&c->ring, buf);
		if (st != CSP_WOULDBLOCK)
			return st;
	}
	return one_case(c, dir, buf, deadline);
}

static int send(void *self, const void *elem, int64_t deadline)
{
	struct lfchan *c = self;
	if (deadline != CSP_POLL)
		return op_until(c, CSP_SEND, (void *)elem, deadline);
	if (c->cap == 0)
		return poll_rv(c, CSP_SEND, (void *)elem);
	return ring_trysend(&c->ring, elem);
}

static int recv(void *self, void *elem, int64_t deadline)
{
	struct lfchan *c = self;
	if (deadline != CSP_POLL)
		return op_until(c, CSP_RECV, elem, deadline);
	if (c->cap == 0)
		return poll_rv(c, CSP_RECV, elem);
	return ring_tryrecv(&c->ring, elem);
}

static int chan_close(void *self)
{
	struct lfchan *c = self;
	bool first = c->cap > 0 ? ring_close(&c->ring) : rv_close(lf_rv(c));
	return first ? CSP_OK : CSP_CLOSED;
}

static size_t len(void *self)
{
	struct lfchan *c = self;
	return c->cap > 0 ? ring_len(&c->ring) : 0;
}

/* Blocked operations of direction dir (the tests' hook): on an unbuffered channel, the posted
 * offers still waiting; a buffered one cannot tell (its blocked tasks spin or sleep on the event
 * count without announcing themselves). */
static size_t waiting(void *self, int dir)
{
	struct lfchan *c = self;
	return c->cap == 0 ? rv_waiting(lf_rv(c), dir) : SIZE_MAX;
}

static int chan_select(csp_case *cases, size_t n, int64_t deadline)
{
	struct lfchan *small[8], **chans = n <= 8 ? small : malloc(n * sizeof *chans);
	if (!chans)
		csp_fatal("csplab: out of memory in select");
	for (size_t i = 0; i < n; i++)
		chans[i] = cases[i].ch ? csp_chan_self(cases[i].ch) : NULL;
	int r = lf_select(chans, cases, n, deadline);
	if (chans != small)
		free(chans);
	return r;
}

static const csp_chan_ops chan_lockfree = {
	.info = { "lockfree", "lockfree",
		"Vyukov MPMC ring (buffered), exchanger arena (unbuffered), select by claim CAS",
		CSP_PROP_WAITERS_UNORDERED },
	.size = size,
	.init = init,
	.send = send,
	.recv = recv,
	.close = chan_close,
	.len = len,
	.select = chan_select,
	.waiting = waiting,
};
CSP_REGISTER(chan, chan_lockfree);
