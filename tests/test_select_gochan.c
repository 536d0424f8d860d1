/*
 * Conformance tests for select: ports of Go's test/chan programs select3.go, doubleselect.go,
 * select6.go and select7.go, run over every registered channel implementation. How the bodies
 * observe "blocks" and wait for their tasks: chan_util.h.
 */
#include "chan_util.h"

#include <stdlib.h>

/* ---- test/chan/select3.go ------------------------------------------------------------------- */

/* test/chan/select3.go: which operations and selects block and which do not, with nil, closed,
 * ready and not-ready channels. Go's panics become CSP_CLOSED / ok = false; its 10 ms
 * "blocks" probe is a timed select; "never blocks" is a plain call. The plain nil-channel
 * operations are checked by ChanNil. */
static void test_select3_go(tctx *t)
{
	t_progress(t, "select3.go");
	csp_chan *closedch = t_chan(t, sizeof(int), 0), *async = t_chan(t, sizeof(int), 1),
		 *unbuf = t_chan(t, sizeof(int), 0);
	if (!closedch || !async || !unbuf)
		return;
	csp_chan_close(closedch);
	int v = 7;

	/* a nil channel in a select is never selected */
	csp_case nil_send = send_case(NULL, &v), nil_recv = recv_case(NULL, &v);
	expect_chosen(t, &nil_send, 1, true, CSP_SELECT_DEFAULT, false, "nil send with default");
	expect_chosen(t, &nil_recv, 1, true, CSP_SELECT_DEFAULT, false, "nil receive with default");

	/* a send to an async channel with room, and receives from a closed one, never block */
	T_CHECK_EQ(t, csp_chan_send(async, &v), CSP_OK);
	for (int i = 0; i < 10; i++) {
		int x = POISON;
		bool ok = true;
		T_CHECK(t, csp_chan_recv(closedch, &x, NULL) == CSP_CLOSED && x == 0, "<-closedch");
		x = POISON;
		T_CHECK(t, csp_chan_recv(closedch, &x, &ok) == CSP_CLOSED && x == 0 && !ok,
			"x, ok := <-closedch gave %d, %d", x, ok);
	}
	/* sending to a closed channel (Go panics) */
	T_CHECK_EQ(t, csp_chan_send(closedch, &v), CSP_CLOSED);

	/* receiving from a non-ready channel blocks; so do empty, nil-only and non-ready selects */
	expect_recv_blocks(t, unbuf, "receive from a non-ready channel");
	expect_select_blocks(t, NULL, 0, "empty select");
	csp_case nil_both[2] = { recv_case(NULL, &v), send_case(NULL, &v) };
	expect_select_blocks(t, &nil_recv, 1, "select on a nil receive");
	expect_select_blocks(t, &nil_send, 1, "select on a nil send");
	expect_select_blocks(t, nil_both, 2, "select on a nil receive and a nil send");
	csp_case unbuf_recv = recv_case(unbuf, &v);
	expect_select_blocks(t, &unbuf_recv, 1, "select on a non-ready receive");

	/* selects with a default do not block */
	expect_chosen(t, NULL, 0, true, CSP_SELECT_DEFAULT, false, "select with only a default");

	/* selects with ready channels do not block */
	csp_chan *fresh = t_chan(t, sizeof(int), 1);
	if (!fresh)
		return;
	csp_case ready_send = send_case(fresh, &v);
	expect_chosen(t, &ready_send, 1, true, 0, true, "send with room, with default");
	int x = POISON;
	csp_case ready_recv = recv_case(async, &x);
	expect_chosen(t, &ready_recv, 1, true, 0, true, "receive of a buffered value, with default");
	T_CHECK_EQ(t, x, 7);

	/* selects with closed channels behave like ordinary operations */
	x = POISON;
	csp_case closed_recv = recv_case(closedch, &x);
	expect_chosen(t, &closed_recv, 1, false, 0, false, "select receive from a closed channel");
	T_CHECK_EQ(t, x, 0);
	closed_recv.buf = NULL;
	expect_chosen(t, &closed_recv, 1, false, 0, false, "select <-closedch, value discarded");
	csp_case closed_send = send_case(closedch, &v);
	expect_chosen(t, &closed_send, 1, false, 0, false, "select send to a closed channel");

	/* a select does not get confused when it sees itself */
	csp_case self[2] = { send_case(unbuf, &v), recv_case(unbuf, &x) };
	expect_select_blocks(t, self, 2, "select over a send and a receive on one channel");
}

/* ---- test/chan/doubleselect.go -------------------------------------------------------------- */

struct double_select {
	tctx *t;
	csp_chan *c[4], *cmux;
	int n;
	_Atomic int muxes_left; /* the last mux to finish closes cmux */
};

struct ds_mux {
	struct double_select *ds;
	int k;
};

static void ds_sender_task(void *arg)
{
	struct double_select *ds = arg;
	for (int i = 0; i < ds->n; i++) {
		csp_case cs[4];
		for (int k = 0; k < 4; k++)
			cs[k] = send_case(ds->c[k], &i);
		int r = csp_select(cs, 4, false);
		if (r < 0 || r > 3 || !cs[r].ok)
			t_fail(ds->t, "sending %d: case %d", i, r);
	}
	for (int k = 0; k < 4; k++)
		csp_chan_close(ds->c[k]);
}

static void ds_mux_task(void *arg)
{
	struct ds_mux *m = arg;
	int v;
	while (csp_chan_recv(m->ds->c[m->k], &v, NULL) == CSP_OK)
		csp_chan_send(m->ds->cmux, &v);
	if (atomic_fetch_sub(&m->ds->muxes_left, 1) == 1)
		csp_chan_close(m->ds->cmux);
}

/* test/chan/doubleselect.go: a select over four unbuffered sends performs exactly one of them:
 * every value, forwarded by four muxes to one receiver, arrives exactly once. */
static void test_double_select_go(tctx *t)
{
	t_progress(t, "doubleselect.go");
	struct double_select ds = { .t = t, .n = (int)t_iters(20000) }; /* Go: 100000 */
	for (int k = 0; k < 4; k++)
		if (!(ds.c[k] = t_chan(t, sizeof(int), 0)))
			return;
	if (!(ds.cmux = t_chan(t, sizeof(int), 0)))
		return;
	atomic_init(&ds.muxes_left, 4);
	unsigned char *seen = calloc((size_t)ds.n, 1);
	T_CHECK(t, seen != NULL, "out of memory");
	struct ds_mux m[4];
	tgroup g = { 0 };
	bool started = t_go(t, &g, ds_sender_task, &ds);
	for (int k = 0; k < 4 && started; k++) {
		m[k] = (struct ds_mux){ &ds, k };
		started = t_go(t, &g, ds_mux_task, &m[k]);
	}
	int received = 0, v;
	while (started && csp_chan_recv(ds.cmux, &v, NULL) == CSP_OK) {
		received++;
		if (v < 0 || v >= ds.n || seen[v]++)
			t_fail(t, "got duplicate or wrong value %d", v);
	}
	free(seen);
	if (!t_wait(t, &g, "sender and muxes") || !started)
		return;
	T_CHECK(t, received == ds.n, "received %d values, sent %d", received, ds.n);
}

/* ---- test/chan/select6.go ------------------------------------------------------------------- */

struct select6 {
	csp_chan *c1, *c2, *c3;
	int chose, status;
};

static void select6_task(void *arg)
{
	struct select6 *s = arg;
	csp_case cs[2] = { recv_case(s->c1, NULL), recv_case(s->c2, NULL) };
	s->chose = csp_select(cs, 2, false);
	int one = 1;
	csp_chan_send(s->c3, &one);
	s->status = csp_chan_recv(s->c1, NULL, NULL);
}

/* test/chan/select6.go (Go issue 2075): a select that waited on c1 behind another receiver and
 * was woken through c2 must leave c1's queue intact: both later sends on c1 find a receiver. */
static void test_select6_go(tctx *t)
{
	t_progress(t, "select6.go");
	struct select6 s = { t_chan(t, sizeof(int), 0), t_chan(t, sizeof(int), 0),
		t_chan(t, sizeof(int), 0), -1, -1 };
	if (!s.c1 || !s.c2 || !s.c3)
		return;
	struct receiver first;
	struct sender wake;
	receiver_init(&first, s.c1, false);
	sender_init(&wake, s.c2, 0);
	tgroup g = { 0 };
	if (!t_go(t, &g, receiver_task, &first) || !t_go(t, &g, select6_task, &s) ||
		!t_go(t, &g, sender_task, &wake)) {
		csp_chan_close(s.c1);
		csp_chan_close(s.c2);
		csp_chan_close(s.c3);
		t_wait(t, &g, "select6.go tasks after a failed spawn");
		return;
	}
	csp_chan_recv(s.c3, NULL, NULL);
	int one = 1;
	int st1 = csp_chan_send(s.c1, &one), st2 = csp_chan_send(s.c1, &one);
	if (!t_wait(t, &g, "select6.go tasks"))
		return;
	T_CHECK(t, s.chose == 1, "the select chose case %d; only c2 was ever ready for it", s.chose);
	T_CHECK(t, st1 == CSP_OK && st2 == CSP_OK && first.status == CSP_OK && s.status == CSP_OK,
		"sends on c1: %s, %s; receives: %s, %s", csp_status_str(st1), csp_status_str(st2),
		csp_status_str(first.status), csp_status_str(s.status));
}

/* ---- test/chan/select7.go ------------------------------------------------------------------- */

enum { S7_PLAIN, S7_SELECT1, S7_SELECT2, S7_FORMS };

/* One operation of select7.go in one of its forms: a plain operation, a select with that one
 * case, or a select with it and a case on `idle`, which nobody uses. Receives discard the
 * value. True if it happened on c. */
static bool s7_op(int form, int dir, csp_chan *c, csp_chan *idle)
{
	int one = 1;
	void *buf = dir == CSP_SEND ? &one : NULL;
	if (form == S7_PLAIN)
		return (dir == CSP_SEND ? csp_chan_send(c, buf) : csp_chan_recv(c, NULL, NULL)) ==
		       CSP_OK;
	csp_case cs[2] = { { .ch = c, .dir = dir, .buf = buf }, { .ch = idle, .dir = dir, .buf = buf } };
	return csp_select(cs, form == S7_SELECT1 ? 1 : 2, false) == 0 && cs[0].ok;
}

struct s7_receiver {
	int form;
	csp_chan *c, *idle;
	bool ok;
};

static void s7_receiver_task(void *arg)
{
	struct s7_receiver *r = arg;
	r->ok = s7_op(r->form, CSP_RECV, r->c, r->idle);
}

/* test/chan/select7.go: every form of send meets every form of receive that discards the value
 * (plain, one-case select, two-case select). */
static void test_select7_go(tctx *t)
{
	t_progress(t, "select7.go");
	for (int rf = 0; rf < S7_FORMS; rf++) {
		for (int sf = 0; sf < S7_FORMS; sf++) {
			struct s7_receiver r = { rf, t_chan(t, sizeof(int), 0), t_chan(t, sizeof(int), 0),
				false };
			csp_chan *idle = t_chan(t, sizeof(int), 0);
			if (!r.c || !r.idle || !idle)
				return;
			tgroup g = { 0 };
			if (!t_go(t, &g, s7_receiver_task, &r))
				return;
			csp_yield();
			bool sent = s7_op(sf, CSP_SEND, r.c, idle);
			if (!t_wait(t, &g, "select7.go receiver"))
				return;
			T_CHECK(t, sent && r.ok, "send form %d to receive form %d: sent %d, received %d",
				sf, rf, sent, r.ok);
		}
	}
}

static const struct tcase select_gochan_tests[] = {
	{ .name = "GoChanSelect3", .prim = CSP_PRIM_CHAN, .body = test_select3_go },
	{ .name = "GoChanDoubleSelect", .prim = CSP_PRIM_CHAN, .body = test_double_select_go },
	{ .name = "GoChanSelect6", .prim = CSP_PRIM_CHAN, .body = test_select6_go },
	{ .name = "GoChanSelect7", .prim = CSP_PRIM_CHAN, .body = test_select7_go },
	{ 0 },
};
T_REGISTER(select_gochan_tests);
