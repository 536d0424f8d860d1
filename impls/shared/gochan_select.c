/*
 * gochan's select, after Go's runtime/select.go (Go 1.19); gochan.c has the channel algorithm
 * and the invariants this relies on.
 *
 * Pass 1 locks every channel of the select in address order (each once) and performs the first
 * ready case in a uniformly random order. Otherwise pass 2 puts one waiter per case on the
 * channels' queues, all sharing one claim word (struct sel), releases the locks and parks; a peer
 * that claims the sel performs exactly that case. Pass 3, after waking, withdraws the waiters no
 * peer took. A deadline that passes first cancels the claim word instead.
 *
 * A select with a default (deadline CSP_POLL) over a single channel is that channel's
 * non-blocking operation, and takes its lock-free fast path first (gochan.c, "Fast paths"), as
 * Go's compiler makes it selectnbsend/selectnbrecv. Over several channels it takes the locks.
 *
 * Progress: blocking (the channel locks).
 */
#include "gochan_internal.h"
#include "preempt.h"

#include <stdlib.h>
#include <string.h>

struct gc_case { /* a select case resolved to channel state */
	struct gochan *c;
	int index;
};

#define SELECT_STACK_CASES 8

static int channel_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct gc_case *)a)->c;
	uintptr_t y = (uintptr_t)((const struct gc_case *)b)->c;
	return (x > y) - (x < y);
}

static void sort_by_channel(struct gc_case *a, size_t n)
{
	if (n > 4 * SELECT_STACK_CASES) {
		qsort(a, n, sizeof *a, channel_cmp);
		return;
	}
	/* Insertion sort: most selects have a handful of cases. */
	for (size_t i = 1; i < n; i++) {
		struct gc_case x = a[i];
		size_t j = i;
		while (j > 0 && (uintptr_t)a[j - 1].c > (uintptr_t)x.c) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
}

static void lock_all(const struct gochan_sync *y, struct gc_case *byaddr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (i == 0 || byaddr[i].c != byaddr[i - 1].c)
			y->lock(byaddr[i].c->lock);
}

static void unlock_all(const struct gochan_sync *y, struct gc_case *byaddr, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (i == 0 || byaddr[i].c != byaddr[i - 1].c)
			y->unlock(byaddr[i].c->lock);
}

/* Pass 1, all locks held: perform the first ready case in a uniformly random order. */
static int select_ready(csp_case *cases, struct gc_case *order, size_t m, struct waiter **w)
{
	for (size_t k = 0; k < m; k++) {
		int i = order[k].index, st;
		struct gochan *c = order[k].c;
		bool done = cases[i].dir == CSP_RECV ? gochan_recv_now(c, cases[i].buf, &st, w)
						     : gochan_send_now(c, cases[i].buf, &st, w);
		if (done) {
			cases[i].ok = st == CSP_OK;
			return i;
		}
	}
	return SEL_WAITING;
}

static int select_block(csp_case *cases, struct gc_case *byaddr, size_t m, int64_t deadline,
	struct waiter *ws)
{
	const struct gochan_sync *y = byaddr[0].c->sync;
	struct sel s;
	gochan_sel_init(y, &s, "select", NULL);
	for (size_t k = 0; k < m; k++) { /* pass 2: a waiter on every channel */
		int i = byaddr[k].index;
		ws[k] = (struct waiter){ .sel = &s, .elem = cases[i].buf, .index = i };
		struct gochan *c = byaddr[k].c;
		gochan_enqueue(cases[i].dir == CSP_SEND ? &c->sendq : &c->recvq, &ws[k]);
	}
	unlock_all(y, byaddr, m);

	CSP_PREEMPT(); /* queued on every channel, not yet parked */
	int r = gochan_sel_wait(y, &s, deadline);
	for (size_t k = 0; k < m; k++) { /* pass 3: withdraw the waiters no peer took */
		struct gochan *c = byaddr[k].c;
		y->lock(c->lock);
		int i = byaddr[k].index;
		gochan_unqueue(cases[i].dir == CSP_SEND ? &c->sendq : &c->recvq, &ws[k]);
		y->unlock(c->lock);
	}
	parker_destroy(y->parker, s.parker);
	if (r == SEL_CANCELLED)
		return CSP_SELECT_TIMEOUT;
	cases[r].ok = s.ok;
	return r;
}

/* A select with a default over exactly one channel, decided by the fast path: true with *r set
 * (CSP_SELECT_TIMEOUT for "not ready", or the case index of a receive from a closed empty
 * channel); false: take the locks. */
static bool select_polled(csp_case *cases, size_t n, int *r)
{
	size_t one = n;
	for (size_t i = 0; i < n; i++) {
		if (!cases[i].ch)
			continue;
		if (one != n)
			return false; /* two channel cases: no single moment to observe */
		one = i;
	}
	if (one == n)
		return false;
	csp_case *k = &cases[one];
	struct gochan *c = csp_chan_self(k->ch);
	int st;
	if (k->dir == CSP_SEND) {
		if (!gochan_send_fails(c))
			return false;
		st = CSP_WOULDBLOCK;
	} else if (!gochan_recv_polled(c, k->buf, &st)) {
		return false;
	}
	if (st == CSP_CLOSED) {
		k->ok = false;
		*r = (int)one;
	} else {
		*r = CSP_SELECT_TIMEOUT;
	}
	return true;
}

/* The select under the locks (passes 1 to 3). Out of line: its frame holds the case arrays. */
static __attribute__((noinline)) int select_locked(csp_case *cases, size_t n, int64_t deadline)
{
	struct gc_case small[2 * SELECT_STACK_CASES];
	struct waiter small_w[SELECT_STACK_CASES];
	struct gc_case *mem = n <= SELECT_STACK_CASES ? small : malloc(2 * n * sizeof *mem);
	struct waiter *ws = n <= SELECT_STACK_CASES ? small_w : malloc(n * sizeof *ws);
	if (!mem || !ws)
		csp_fatal("csplab: out of memory in select");
	struct gc_case *order = mem, *byaddr = mem + n;

	/* The poll order: an inside-out Fisher-Yates shuffle of the cases with a channel. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!cases[i].ch)
			continue;
		size_t j = csp_fastrandn((uint32_t)m + 1);
		if (j != m)
			order[m] = order[j];
		order[j] = (struct gc_case){ csp_chan_self(cases[i].ch), (int)i };
		m++;
	}
	memcpy(byaddr, order, m * sizeof *order);
	sort_by_channel(byaddr, m);

	struct waiter *w = NULL;
	int r;
	const struct gochan_sync *y = m ? byaddr[0].c->sync : NULL;
	if (m == 0) { /* the core never passes only nil channels; be safe if called directly */
		r = CSP_SELECT_TIMEOUT;
	} else {
		lock_all(y, byaddr, m);
		r = select_ready(cases, order, m, &w);
		if (r != SEL_WAITING) {
			unlock_all(y, byaddr, m);
			gochan_wake(y, w);
		} else if (gochan_expired(deadline)) {
			unlock_all(y, byaddr, m);
			r = CSP_SELECT_TIMEOUT;
		} else {
			r = select_block(cases, byaddr, m, deadline, ws);
		}
	}
	if (mem != small) {
		free(mem);
		free(ws);
	}
	return r;
}

int gochan_select(csp_case *cases, size_t n, int64_t deadline)
{
	int polled;
	if (deadline == CSP_POLL && select_polled(cases, n, &polled))
		return polled;
	return select_locked(cases, n, deadline);
}
