/*
 * The user API of channels and select: creation, nil-channel semantics, the try/timeout
 * variants, and dispatch to the bound implementation.
 *
 * Implementations see one blocking entry point per operation, with a deadline (CSP_POLL for the
 * try-variants, CSP_FOREVER for plain blocking), so each has a single slow path.
 */
#include "internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHAN_HEAD offsetof(struct csp_chan, state)

/* The limits of csp_chan_make (csplab.h) that the core can check: the element size, and the
 * elements' bytes, elem_size * cap, computed without overflow. The implementation's own
 * per-slot and per-channel bytes are checked by its size(), which reports SIZE_MAX beyond. */
static bool chan_size_ok(size_t elem_size, size_t cap)
{
	size_t bytes;
	return elem_size >= 1 && elem_size <= CSP_CHAN_ELEM_MAX &&
		!__builtin_mul_overflow(elem_size, cap, &bytes) && bytes <= CSP_CHAN_BYTES_MAX;
}

csp_chan *csp_chan_make_ops(const csp_chan_ops *ops, size_t elem_size, size_t cap)
{
	size_t state = ops && chan_size_ok(elem_size, cap) ? ops->size(elem_size, cap) : SIZE_MAX;
	if (state > CSP_CHAN_BYTES_MAX) {
		errno = EINVAL;
		return NULL;
	}
	csp_chan *c = csp__obj_alloc(CHAN_HEAD, state);
	if (!c)
		return NULL;
	c->ops = ops;
	c->elem_size = elem_size;
	c->cap = cap;
	int rc = ops->init(c->state, elem_size, cap);
	if (rc != 0) {
		csp__obj_free(c);
		errno = rc;
		return NULL;
	}
	return c;
}

csp_chan *csp_chan_make(const char *impl, size_t elem_size, size_t cap)
{
	return csp_chan_make_ops(csp__resolve(CSP_PRIM_CHAN, impl), elem_size, cap);
}

void csp_chan_free(csp_chan *c)
{
	if (!c)
		return;
	if (c->ops->destroy)
		c->ops->destroy(c->state);
	csp__obj_free(c);
}

void *csp_chan_self(csp_chan *c) { return c->state; }
const csp_chan_ops *csp_chan_ops_of(csp_chan *c) { return c->ops; }
size_t csp_chan_len(csp_chan *c) { return c ? c->ops->len(c->state) : 0; }
size_t csp_chan_cap(csp_chan *c) { return c ? c->cap : 0; }
size_t csp_chan_elem_size(csp_chan *c) { return c ? c->elem_size : 0; }
const char *csp_chan_impl(csp_chan *c) { return c ? c->ops->info.name : "nil"; }

/* A nil channel never becomes ready: wait out the deadline (forever for CSP_FOREVER). */
static int wait_nil(int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - csp_now();
		if (left <= 0)
			return CSP_TIMEOUT;
		csp_sleep(left < CSP_SECOND ? left : CSP_SECOND);
	}
}

/* An operation polled (deadline CSP_POLL) reports CSP_WOULDBLOCK, and one whose later deadline
 * passed CSP_TIMEOUT (impl.h). polled() is for the nil channel, whose wait reports a timeout;
 * timed() for the timeout variants, whose deadline may come out as CSP_POLL. */
static int polled(int status)
{
	return status == CSP_TIMEOUT ? CSP_WOULDBLOCK : status;
}

static int timed(int status)
{
	return status == CSP_WOULDBLOCK ? CSP_TIMEOUT : status;
}

/* Inlined into each public call, so that the core adds one indirect call to an operation. */
static inline __attribute__((always_inline)) int send_until(csp_chan *c, const void *elem,
	int64_t deadline)
{
	return c ? c->ops->send(c->state, elem, deadline) : wait_nil(deadline);
}

static inline __attribute__((always_inline)) int recv_until(csp_chan *c, void *elem, bool *ok,
	int64_t deadline)
{
	int st = c ? c->ops->recv(c->state, elem, deadline) : wait_nil(deadline);
	if (ok)
		*ok = st == CSP_OK;
	return st;
}

int csp_chan_send(csp_chan *c, const void *elem)
{
	return send_until(c, elem, CSP_FOREVER);
}

/* The try-variants end in a tail call to the operation, whose answer is the caller's: a poll
 * returns to the caller from the implementation (half the time of a call that returns here, on
 * ChanNonblocking and ChanClosed). A nil channel is never ready; `ok` is out of line, so this
 * needs no frame. */
int csp_chan_trysend(csp_chan *c, const void *elem)
{
	if (!c)
		return CSP_WOULDBLOCK;
	return c->ops->send(c->state, elem, CSP_POLL);
}

int csp_chan_send_timeout(csp_chan *c, const void *elem, csp_duration d)
{
	return timed(send_until(c, elem, csp_deadline_after(d)));
}

int csp_chan_recv(csp_chan *c, void *elem, bool *ok)
{
	return recv_until(c, elem, ok, CSP_FOREVER);
}

static __attribute__((noinline)) int tryrecv_ok(csp_chan *c, void *elem, bool *ok)
{
	return polled(recv_until(c, elem, ok, CSP_POLL));
}

int csp_chan_tryrecv(csp_chan *c, void *elem, bool *ok)
{
	if (!c || ok)
		return tryrecv_ok(c, elem, ok);
	return c->ops->recv(c->state, elem, CSP_POLL);
}

int csp_chan_recv_timeout(csp_chan *c, void *elem, bool *ok, csp_duration d)
{
	return timed(recv_until(c, elem, ok, csp_deadline_after(d)));
}

int csp_chan_close(csp_chan *c)
{
	if (!c)
		csp_fatal(CSP_MSG_CLOSE_NIL);
	return c->ops->close(c->state);
}

/* ---- select --------------------------------------------------------------------------------- */

static int select_until(csp_case *cases, size_t n, int64_t deadline)
{
	const csp_chan_ops *ops = NULL;
	for (size_t i = 0; i < n; i++) {
		if (cases[i].dir != CSP_RECV && cases[i].dir != CSP_SEND)
			csp_fatal("csplab: select case direction is neither CSP_RECV nor CSP_SEND");
		if (!cases[i].ch)
			continue;
		if (!ops)
			ops = cases[i].ch->ops;
		else if (cases[i].ch->ops != ops)
			csp_fatal("csplab: select over channels of different implementations");
	}
	if (!ops) { /* only nil channels (or none): only the deadline can end it */
		wait_nil(deadline);
		return CSP_SELECT_TIMEOUT;
	}
	return ops->select(cases, n, deadline);
}

int csp_select(csp_case *cases, size_t n, bool has_default)
{
	int r = select_until(cases, n, has_default ? CSP_POLL : CSP_FOREVER);
	return r == CSP_SELECT_TIMEOUT ? CSP_SELECT_DEFAULT : r;
}

int csp_select_timeout(csp_case *cases, size_t n, csp_duration d)
{
	return select_until(cases, n, csp_deadline_after(d));
}
