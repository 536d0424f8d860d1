/*
 * gochan: Go's channel algorithm, after runtime/chan.go and runtime/select.go (Go 1.19).
 *
 * State: a lock, a ring buffer of `cap` slots, and two FIFO queues of waiters (Go's sudogs): the
 * tasks blocked sending (sendq) and receiving (recvq). Every field is written only under the
 * lock; `count`, `closed` and the queues' heads are atomics, also read without it by len() and
 * the fast paths.
 *
 * Invariants (as chan.go states them):
 *  - at least one of sendq and recvq is empty, except for an unbuffered channel with one task
 *    blocked in a select that both sends and receives on it;
 *  - buffered: count > 0 implies recvq is empty, and count < cap implies sendq is empty;
 *  - a closed channel has both queues empty.
 *
 * A blocked operation (a plain send/receive, or a whole select) is one `struct sel`: a claim word
 * and a parker. It puts one waiter per case on the queues. A peer that finds a waiter claims its
 * sel with a CAS on the claim word (WAITING -> case index), copies the value straight into or out
 * of the waiter's buffer while holding the channel lock, and unparks it after releasing the lock.
 * Exactly one claim succeeds, so exactly one case of a select fires; waiters whose sel was claimed
 * elsewhere (or timed out: WAITING -> CANCELLED) are skipped and dropped by dequeue. The owner of
 * a sel removes its remaining waiters after it wakes.
 *
 * Lock order: a select locks all its channels in address order (each once); nothing else holds
 * two channel locks. No lock is held while parking or unparking.
 *
 * Fast paths (chan.go's chansend/chanrecv "Fast path"): a non-blocking operation that fails, and
 * a non-blocking receive from a closed empty channel, are decided without the lock
 * (gochan_send_fails, gochan_recv_polled in gochan_internal.h), from single-word atomic reads:
 *  - send: "not closed" and "full" (count == cap; unbuffered: no receiver queued). A closed
 *    channel cannot go from ready to not ready for sending, so the two reads, in either order,
 *    imply a moment when the channel was open and full: the send fails as if made then.
 *  - receive: "empty" (count == 0; unbuffered: no sender queued) FIRST, then "closed". Not
 *    closed: it was not closed when seen empty either (no reopening), so it was open and empty
 *    then. Reading closed first would be wrong: a channel that held a value, was closed and
 *    then drained would read "open" and then "empty", a state it never had (Go's
 *    TestNonblockRecvRace). Closed: re-check empty, since a value sent before the close may
 *    have arrived between the two reads; empty again means closed and drained for good.
 *    Orders: the empty reads are acquire and every store of count and of a queue head is
 *    release, so the closed read that follows is no older than the emptying it saw (a close
 *    happens before the drain that follows it, through the lock); closed is stored with
 *    release and read with acquire, so a value sent before the close is seen by the re-check.
 * Nothing is transferred on a fast path; every other case takes the lock as before. Select with
 * a default and a single channel case uses the same paths (as Go's compiler turns it into a
 * non-blocking send or receive); a select over several channels takes the locks: separate
 * lock-free looks at several channels do not show one moment when none was ready.
 *
 * Progress: blocking (the lock), FIFO among waiters of one channel; the fast paths are wait-free.
 *
 * Files: this one has the channel operations; gochan_select.c has select; gochan_internal.h has
 * the state and the helpers both use.
 */
#include "elem_copy.h"
#include "gochan_internal.h"
#include "preempt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- Queues (under the channel lock) -------------------------------------------------------- */

/* The queue's head, under the lock. relaxed: the lock orders every writer before us. */
static struct waiter *first(struct waitq *q)
{
	return atomic_load_explicit(&q->head, memory_order_relaxed);
}

/* release: pairs with the acquire load in gochan_empty (a fast-path receive that sees the
 * sendq empty must not then read an older `closed`) */
static void set_first(struct waitq *q, struct waiter *w)
{
	atomic_store_explicit(&q->head, w, memory_order_release);
}

void gochan_enqueue(struct waitq *q, struct waiter *w)
{
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		set_first(q, w);
	q->tail = w;
	w->queued = true;
}

void gochan_unqueue(struct waitq *q, struct waiter *w)
{
	if (!w->queued)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		set_first(q, w->next);
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->queued = false;
}

/* The first waiter whose sel this call manages to claim, removed from q; NULL if none. */
static struct waiter *dequeue(struct waitq *q)
{
	struct waiter *w;
	while ((w = first(q)) != NULL) {
		gochan_unqueue(q, w);
		int expected = SEL_WAITING;
		CSP_PREEMPT(); /* unqueued, not yet claimed: its owner may cancel first */
		/* seq_cst: this CAS races only with other claimers and the owner's cancel; the values
		 * it publishes travel through the parker. */
		if (atomic_compare_exchange_strong(&w->sel->state, &expected, w->index))
			return w;
	}
	return NULL;
}

/* ---- The non-blocking halves (under the channel lock) ---------------------------------------- */

static unsigned char *slot(struct gochan *c, size_t i)
{
	return c->buf + i * c->elem_size;
}

static size_t next_index(struct gochan *c, size_t i)
{
	return i + 1 == c->cap ? 0 : i + 1;
}

/* Send now if possible: true with *st set (and *wake the receiver to unpark), else false. */
bool gochan_send_now(struct gochan *c, const void *elem, int *st, struct waiter **wake)
{
	size_t count = atomic_load_explicit(&c->count, memory_order_relaxed); /* we hold the lock */
	if (atomic_load_explicit(&c->closed, memory_order_relaxed)) { /* relaxed: we hold the lock */
		*st = CSP_CLOSED;
		return true;
	}
	struct waiter *w = dequeue(&c->recvq);
	if (w) { /* a receiver waits, so the buffer is empty: hand the value over directly */
		if (w->elem)
			elem_copy(w->elem, elem, c->elem_size);
		w->sel->ok = true;
		*wake = w;
		*st = CSP_OK;
		return true;
	}
	if (count < c->cap) {
		elem_copy(slot(c, c->sendx), elem, c->elem_size);
		c->sendx = next_index(c, c->sendx);
		/* release: pairs with the acquire load in gochan_empty (the lock orders writers) */
		atomic_store_explicit(&c->count, count + 1, memory_order_release);
		*st = CSP_OK;
		return true;
	}
	return false;
}

/* Receive now if possible: true with *st set (and *wake a sender to unpark), else false. */
bool gochan_recv_now(struct gochan *c, void *elem, int *st, struct waiter **wake)
{
	size_t count = atomic_load_explicit(&c->count, memory_order_relaxed); /* we hold the lock */
	struct waiter *w = dequeue(&c->sendq);
	if (w) {
		if (c->cap == 0) { /* unbuffered: take the value from the sender */
			if (elem)
				elem_copy(elem, w->elem, c->elem_size);
		} else {
			/* Full buffer: take its head, and the sender's value goes to the tail, which is
			 * the same slot, so it is ordered after everything already buffered. */
			if (elem)
				elem_copy(elem, slot(c, c->recvx), c->elem_size);
			elem_copy(slot(c, c->recvx), w->elem, c->elem_size);
			c->recvx = next_index(c, c->recvx);
			c->sendx = c->recvx;
		}
		w->sel->ok = true;
		*wake = w;
		*st = CSP_OK;
		return true;
	}
	if (count > 0) {
		if (elem)
			elem_copy(elem, slot(c, c->recvx), c->elem_size);
		c->recvx = next_index(c, c->recvx);
		/* release: as in send_now; a fast-path receive that sees this drain then sees the
		 * close that preceded it */
		atomic_store_explicit(&c->count, count - 1, memory_order_release);
		*st = CSP_OK;
		return true;
	}
	if (atomic_load_explicit(&c->closed, memory_order_relaxed)) { /* relaxed: we hold the lock */
		if (elem)
			memset(elem, 0, c->elem_size);
		*st = CSP_CLOSED;
		return true;
	}
	return false;
}

/* ---- Parking -------------------------------------------------------------------------------- */

void gochan_wake(const struct gochan_sync *y, struct waiter *w)
{
	CSP_PREEMPT(); /* claimed and filled, not yet unparked */
	if (w)
		y->parker->unpark(w->sel->parker); /* the last touch: w may be gone once this returns */
}

bool gochan_expired(int64_t deadline)
{
	return deadline == CSP_POLL || (deadline != CSP_FOREVER && csp_now() >= deadline);
}

/* Wait until a peer claims the sel (its case index) or the deadline passes (SEL_CANCELLED). */
int gochan_sel_wait(const struct gochan_sync *y, struct sel *s, int64_t deadline)
{
	if (!parker_wait(y->parker, s->parker, deadline)) {
		int expected = SEL_WAITING;
		CSP_PREEMPT(); /* timed out, not yet cancelled: a peer may claim first */
		if (atomic_compare_exchange_strong(&s->state, &expected, SEL_CANCELLED))
			return SEL_CANCELLED;
		/* A peer claimed it as the deadline passed; its unpark is on the way. */
		y->parker->park(s->parker, CSP_FOREVER);
	}
	return atomic_load(&s->state);
}

void gochan_sel_init(const struct gochan_sync *y, struct sel *s, const char *reason,
	const void *obj)
{
	atomic_init(&s->state, SEL_WAITING);
	s->ok = false;
	y->parker->init(s->parker, reason, obj);
}

/* Block one send or receive on c, whose lock the caller holds; releases it. */
static int block_one(struct gochan *c, int dir, void *elem, int64_t deadline)
{
	const struct gochan_sync *y = c->sync;
	struct sel s;
	gochan_sel_init(y, &s, dir == CSP_SEND ? "chan send" : "chan receive", c);
	struct waiter w = { .sel = &s, .elem = elem, .index = 0 };
	struct waitq *q = dir == CSP_SEND ? &c->sendq : &c->recvq;
	gochan_enqueue(q, &w);
	y->unlock(c->lock);

	CSP_PREEMPT(); /* queued, lock released, not yet parked */
	int r = gochan_sel_wait(y, &s, deadline);
	if (r == SEL_CANCELLED) {
		y->lock(c->lock);
		gochan_unqueue(q, &w);
		y->unlock(c->lock);
	}
	parker_destroy(y->parker, s.parker);
	return r == SEL_CANCELLED ? CSP_TIMEOUT : s.ok ? CSP_OK : CSP_CLOSED;
}

/* ---- Operations ----------------------------------------------------------------------------- */

size_t gochan_size(size_t elem_size, size_t cap)
{
	return csp_chan_state_size(sizeof(struct gochan), elem_size, cap); /* SIZE_MAX beyond */
}

int gochan_init(const struct gochan_sync *sync, void *self, size_t elem_size, size_t cap)
{
	struct gochan *c = self;
	if (sync->lock_size > sizeof c->lock)
		return EINVAL;
	c->sync = sync;
	c->elem_size = elem_size;
	c->cap = cap;
	c->buf = (unsigned char *)(c + 1);
	atomic_init(&c->count, 0);
	atomic_init(&c->closed, false);
	atomic_init(&c->sendq.head, NULL);
	atomic_init(&c->recvq.head, NULL);
	c->sendq.tail = c->recvq.tail = NULL;
	return sync->lock_init(c->lock);
}

void gochan_destroy(void *self)
{
	struct gochan *c = self;
	if (c->sync->lock_destroy)
		c->sync->lock_destroy(c->lock);
}
size_t gochan_waiting(void *self, int dir)
{
	struct gochan *c = self;
	const struct gochan_sync *y = c->sync;
	size_t n = 0;
	y->lock(c->lock);
	for (struct waiter *w = first(dir == CSP_SEND ? &c->sendq : &c->recvq); w; w = w->next)
		/* seq_cst: a claim elsewhere (a select's other case) leaves w queued until its owner
		 * removes it; only unclaimed waiters are blocked */
		n += atomic_load(&w->sel->state) == SEL_WAITING;
	y->unlock(c->lock);
	return n;
}


size_t gochan_len(void *self)
{
	struct gochan *c = self;
	/* relaxed: a snapshot, as Go's len(ch); pairs with nothing */
	return atomic_load_explicit(&c->count, memory_order_relaxed);
}

/* A send or receive under the lock: now, else a timeout, else blocked until a peer or the
 * deadline. Out of line, so the fast paths' callers stay small (no frame for the slow path). */
static __attribute__((noinline)) int op_locked(struct gochan *c, int dir, void *elem,
	int64_t deadline)
{
	struct waiter *w = NULL;
	int st;
	c->sync->lock(c->lock);
	if (dir == CSP_SEND ? gochan_send_now(c, elem, &st, &w) : gochan_recv_now(c, elem, &st, &w)) {
		c->sync->unlock(c->lock);
		gochan_wake(c->sync, w);
		return st;
	}
	if (gochan_expired(deadline)) {
		c->sync->unlock(c->lock);
		return deadline == CSP_POLL ? CSP_WOULDBLOCK : CSP_TIMEOUT;
	}
	return block_one(c, dir, elem, deadline);
}

int gochan_send(void *self, const void *elem, int64_t deadline)
{
	struct gochan *c = self;
	if (deadline == CSP_POLL && gochan_send_fails(c))
		return CSP_WOULDBLOCK; /* the fast path: open and full at one moment */
	return op_locked(c, CSP_SEND, (void *)elem, deadline);
}

int gochan_recv(void *self, void *elem, int64_t deadline)
{
	struct gochan *c = self;
	int st;
	if (deadline == CSP_POLL && gochan_recv_polled(c, elem, &st))
		return st; /* the fast path: open and empty, or closed and drained */
	return op_locked(c, CSP_RECV, elem, deadline);
}

/* Claim every waiter of q for close: receivers get a zero value, everyone gets ok = false. */
static void claim_all(struct gochan *c, struct waitq *q, struct waiter ***tail)
{
	struct waiter *w;
	while ((w = dequeue(q)) != NULL) {
		if (q == &c->recvq && w->elem)
			memset(w->elem, 0, c->elem_size);
		w->sel->ok = false;
		w->wake_next = NULL;
		**tail = w;
		*tail = &w->wake_next;
	}
}

int gochan_close(void *self)
{
	struct gochan *c = self;
	const struct gochan_sync *y = c->sync;
	y->lock(c->lock);
	if (atomic_load_explicit(&c->closed, memory_order_relaxed)) { /* relaxed: we hold the lock */
		y->unlock(c->lock);
		return CSP_CLOSED;
	}
	/* release: pairs with the acquire load in gochan_recv_polled (a fast-path receive that
	 * reports the close sees what preceded it) */
	atomic_store_explicit(&c->closed, true, memory_order_release);
	struct waiter *list = NULL, **tail = &list;
	claim_all(c, &c->recvq, &tail);
	claim_all(c, &c->sendq, &tail);
	y->unlock(c->lock);
	CSP_PREEMPT(); /* closed and claimed, not yet woken */
	/* Wake after unlocking (as chan.go does), so the woken do not run into the held lock. */
	while (list) {
		struct waiter *next = list->wake_next; /* read before the wake frees it */
		gochan_wake(y, list);
		list = next;
	}
	return CSP_OK;
}
