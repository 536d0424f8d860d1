/*
 * Conformance tests for select: the semantics Go gives it. Exactly one case fires; the default
 * is taken only when no case is ready; nil cases never fire; a timed select times out, or
 * completes when a partner comes in time; close wakes a blocked select; an unbuffered send case
 * is a rendezvous. Run over every registered channel implementation; how the bodies observe
 * "blocks" and wait for their tasks: chan_util.h (csp_sleep appears only in SelectTimeout).
 */
#include "chan_util.h"

enum { EX_RECV = 3, EX_CASES = 6 };

/* Exactly one case fires: of three ready receives and three ready sends, a select performs the
 * chosen one only; every other channel is left as it was and no other buffer is written. */
static void test_select_exactly_one(tctx *t)
{
	t_progress(t, "SelectExactlyOne");
	csp_chan *c[EX_CASES];
	for (int k = 0; k < EX_CASES; k++) {
		if (!(c[k] = t_chan(t, sizeof(int), 1)))
			return;
		int v = 100 + k;
		if (k < EX_RECV)
			T_CHECK_EQ(t, csp_chan_trysend(c[k], &v), CSP_OK);
	}
	int64_t reps = t_iters(2000);
	for (int64_t i = 0; i < reps; i++) {
		int buf[EX_CASES];
		csp_case cs[EX_CASES];
		for (int k = 0; k < EX_CASES; k++) {
			buf[k] = k < EX_RECV ? POISON : 200 + k;
			cs[k] = k < EX_RECV ? recv_case(c[k], &buf[k]) : send_case(c[k], &buf[k]);
		}
		int r = csp_select(cs, EX_CASES, false);
		T_CHECK(t, r >= 0 && r < EX_CASES && cs[r].ok, "select returned %d", r);
		for (int k = 0; k < EX_CASES; k++) {
			size_t want_len = (k < EX_RECV) != (k == r);
			T_CHECK(t, csp_chan_len(c[k]) == want_len,
				"case %d chosen, yet channel %d has len %zu, want %zu", r, k,
				csp_chan_len(c[k]), want_len);
			if (k < EX_RECV)
				T_CHECK(t, buf[k] == (k == r ? 100 + k : POISON),
					"case %d chosen; receive buffer %d holds %d", r, k, buf[k]);
		}
		int v = r < EX_RECV ? 100 + r : POISON; /* restore channel r */
		int st = r < EX_RECV ? csp_chan_trysend(c[r], &v) : csp_chan_tryrecv(c[r], &v, NULL);
		T_CHECK(t, st == CSP_OK && (r < EX_RECV || v == 200 + r),
			"restoring channel %d: %s, value %d", r, csp_status_str(st), v);
	}
}

/* The default is taken only when no case is ready: over not-ready cases of every kind (empty
 * and full buffers, unbuffered without a partner, nil) a select takes the default; once any
 * one of them becomes ready (a value, room, a close) it takes that case instead. */
static void test_select_default(tctx *t)
{
	enum { NCASES = 6, NREADY = 4 };
	for (int ready = -1; ready < NREADY && !t_failed(t); ready++) {
		t_progress(t, "SelectDefaultOnlyWhenNothingReady");
		csp_chan *empty = t_chan(t, sizeof(int), 1), *full = t_chan(t, sizeof(int), 1),
			 *u1 = t_chan(t, sizeof(int), 0), *u2 = t_chan(t, sizeof(int), 0);
		if (!empty || !full || !u1 || !u2)
			return;
		int v = 1, bufs[NCASES];
		T_CHECK_EQ(t, csp_chan_trysend(full, &v), CSP_OK);
		csp_case cs[NCASES] = { recv_case(empty, &bufs[0]), send_case(full, &v),
			recv_case(u1, &bufs[2]), send_case(u2, &v), recv_case(NULL, &bufs[4]),
			send_case(NULL, &v) };
		for (int rep = 0; rep < 4; rep++) {
			switch (ready) { /* (again) make case `ready` ready */
			case 0: T_CHECK_EQ(t, csp_chan_trysend(empty, &v), CSP_OK); break;
			case 1: T_CHECK_EQ(t, csp_chan_tryrecv(full, NULL, NULL), CSP_OK); break;
			case 2: csp_chan_close(u1); break;
			case 3: csp_chan_close(u2); break;
			default: break;
			}
			expect_chosen(t, cs, NCASES, true, ready < 0 ? CSP_SELECT_DEFAULT : ready,
				ready < 2, ready < 0 ? "nothing ready" : "one case ready");
		}
		if (ready < 0)
			T_CHECK(t, csp_chan_len(empty) == 0 && csp_chan_len(full) == 1,
				"a select that took its default changed a channel");
	}
}

/* NULL channels are never chosen, wherever they sit and in either direction, and leave their
 * buffers alone; with only NULL cases (or none) a select takes its default, or times out. */
static void test_select_nil(tctx *t)
{
	enum { NCASES = 6 };
	t_progress(t, "SelectNilNeverChosen");
	csp_chan *c = t_chan(t, sizeof(int), 1);
	if (!c)
		return;
	int64_t reps = t_iters(600);
	for (int64_t i = 0; i < reps; i++) {
		int p = (int)(i % NCASES), bufs[NCASES], v = 5;
		bool recv = i / NCASES % 2;
		csp_case cs[NCASES];
		for (int k = 0; k < NCASES; k++) {
			bufs[k] = POISON;
			cs[k] = k % 2 ? recv_case(NULL, &bufs[k]) : send_case(NULL, &bufs[k]);
		}
		cs[p] = recv ? recv_case(c, &v) : send_case(c, &v);
		if (recv) /* c is empty here: give the receive its value */
			T_CHECK_EQ(t, csp_chan_trysend(c, &v), CSP_OK);
		expect_chosen(t, cs, NCASES, i % 3 == 0, p, true, "one ready case among NULL ones");
		if (!recv) /* empty c again */
			T_CHECK_EQ(t, csp_chan_tryrecv(c, NULL, NULL), CSP_OK);
		for (int k = 0; k < NCASES; k++)
			T_CHECK(t, k == p || bufs[k] == POISON, "NULL case %d's buffer changed", k);
	}
	csp_case nils[NCASES];
	int buf = POISON;
	for (int k = 0; k < NCASES; k++)
		nils[k] = k % 2 ? recv_case(NULL, &buf) : send_case(NULL, &buf);
	expect_chosen(t, nils, NCASES, true, CSP_SELECT_DEFAULT, false, "only NULL cases, default");
	expect_chosen(t, NULL, 0, true, CSP_SELECT_DEFAULT, false, "no cases, default");
	expect_select_timeout(t, nils, NCASES, TIMEOUT_D, "only NULL cases, timed");
	T_CHECK_EQ(t, buf, POISON);
}

/* A timed select with nothing ready times out no earlier than its duration (promptly for a
 * duration <= 0) and performs nothing; with a case ready it polls; a partner arriving within
 * the duration completes it early. */
static void test_select_timeout(tctx *t)
{
	t_progress(t, "SelectTimeout");
	csp_chan *empty = t_chan(t, sizeof(int), 1), *full = t_chan(t, sizeof(int), 1),
		 *unbuf = t_chan(t, sizeof(int), 0);
	if (!empty || !full || !unbuf)
		return;
	int held = 11, out = 12, in = POISON;
	T_CHECK_EQ(t, csp_chan_trysend(full, &held), CSP_OK);
	csp_case cs[3] = { recv_case(empty, &in), send_case(full, &out), recv_case(unbuf, &in) };
	expect_select_timeout(t, cs, 3, TIMEOUT_D, "timed select, nothing ready");
	expect_select_timeout(t, cs, 3, 0, "zero-duration select, nothing ready");
	expect_select_timeout(t, cs, 3, -TIMEOUT_D, "negative-duration select, nothing ready");
	T_CHECK(t, csp_chan_len(empty) == 0 && csp_chan_len(full) == 1,
		"a select that timed out changed a channel");
	T_CHECK(t, csp_chan_tryrecv(full, &in, NULL) == CSP_OK && in == held,
		"a select that timed out replaced a buffered value (%d)", in);
	int r = csp_select_timeout(cs, 3, 0);
	T_CHECK(t, r == 1 && cs[1].ok, "zero-duration select with room in `full`: %d", r);

	t_progress(t, "SelectTimeout: late partner");
	struct sender late;
	sender_init(&late, unbuf, 13);
	late.delay = BLOCK_WAIT;
	tgroup g = { 0 };
	if (!t_go(t, &g, sender_task, &late))
		return;
	in = POISON;
	twatch w;
	t_watch_start(&w);
	r = csp_select_timeout(cs, 3, LONG_WAIT);
	int64_t took = t_watch_stop(&w, NULL);
	if (!t_wait(t, &g, "late sender"))
		return;
	T_CHECK(t, r == 2 && cs[2].ok && in == 13 && late.status == CSP_OK && took < LONG_WAIT / 2,
		"timed select with a late sender: case %d, value %d, sender %s, %lld ns", r, in,
		csp_status_str(late.status), (long long)took);
}

/* A task blocked in a select over `cases`; records the chosen case. */
struct blocked_select {
	csp_case cases[2];
	int chose;
};

static void blocked_select_task(void *arg)
{
	struct blocked_select *b = arg;
	b->chose = csp_select(b->cases, 2, false);
}

/* Start a select of case `first` and a receive on a channel nobody uses; check it stays blocked
 * during a timed `probe` operation on first's channel (which must time out), close that channel
 * and check the select woke with case 0 and ok = false. */
static void close_wakes_select(tctx *t, csp_case first, bool probe_send)
{
	csp_chan *c = first.ch, *idle = t_chan(t, sizeof(int), 0);
	if (!idle)
		return;
	struct blocked_select b = { { first, recv_case(idle, NULL) }, -3 };
	tgroup g = { 0 };
	if (!t_go(t, &g, blocked_select_task, &b))
		return;
	int v = 99, st;
	twatch w;
	t_watch_start(&w);
	/* two senders (or two receivers) on an unbuffered channel never meet */
	st = probe_send ? csp_chan_send_timeout(c, &v, BLOCK_WAIT)
			: csp_chan_recv_timeout(c, NULL, NULL, BLOCK_WAIT);
	check_took(t, &w, BLOCK_WAIT, "probe of the blocked select's channel");
	csp_chan_close(c);
	if (!t_wait(t, &g, "select woken by close"))
		return;
	T_CHECK(t, st == CSP_TIMEOUT, "probe: %s", csp_status_str(st));
	T_CHECK(t, b.chose == 0 && !b.cases[0].ok, "select woken by close: case %d, ok %d", b.chose,
		b.chose == 0 ? b.cases[0].ok : -1);
}

/* A send case on a closed channel is chosen with ok = false (Go panics), with or without a
 * default and beside a never-ready case; a select blocked on a send is woken by close so. */
static void test_select_closed_send(tctx *t)
{
	static const size_t caps[] = { 0, 2 };
	t_progress(t, "SelectClosedSend");
	for (size_t k = 0; k < 2; k++) {
		csp_chan *c = t_chan(t, sizeof(int), caps[k]), *idle = t_chan(t, sizeof(int), 0);
		if (!c || !idle)
			return;
		csp_chan_close(c);
		int v = 4;
		csp_case cs[2] = { recv_case(idle, NULL), send_case(c, &v) };
		expect_chosen(t, &cs[1], 1, false, 0, false, "send to a closed channel");
		expect_chosen(t, &cs[1], 1, true, 0, false, "send to a closed channel, with default");
		expect_chosen(t, cs, 2, false, 1, false, "send to a closed channel beside an idle one");
		T_CHECK_EQ(t, csp_chan_len(c), 0);
	}
	t_progress(t, "SelectClosedSend: blocked");
	csp_chan *c = t_chan(t, sizeof(int), 0);
	if (!c)
		return;
	int v = 5;
	close_wakes_select(t, send_case(c, &v), true);
	if (!t_failed(t))
		T_CHECK_EQ(t, csp_chan_recv(c, NULL, NULL), CSP_CLOSED); /* nothing was delivered */
}

/* A receive case on a closed channel fires with ok = false and a zeroed value once the buffer
 * is drained (buffered values first, with ok = true); a select blocked on a receive is woken by
 * close so. */
static void test_select_closed_recv(tctx *t)
{
	enum { CAP = 2 };
	t_progress(t, "SelectClosedRecv");
	csp_chan *c = t_chan(t, sizeof(int), CAP), *idle = t_chan(t, sizeof(int), 0);
	if (!c || !idle)
		return;
	for (int i = 0; i < CAP; i++)
		T_CHECK_EQ(t, csp_chan_trysend(c, &i), CSP_OK);
	csp_chan_close(c);
	for (int i = 0; i < CAP + 2; i++) {
		int v = POISON;
		csp_case cs[2] = { recv_case(idle, NULL), recv_case(c, &v) };
		expect_chosen(t, cs, 2, i % 2, 1, i < CAP, "receive from a closed channel");
		T_CHECK(t, v == (i < CAP ? i : 0), "receive %d from a closed channel gave %d", i, v);
	}
	t_progress(t, "SelectClosedRecv: blocked");
	csp_chan *u = t_chan(t, sizeof(int), 0);
	if (!u)
		return;
	int v = POISON;
	close_wakes_select(t, recv_case(u, &v), false);
	T_CHECK(t, t_failed(t) || v == 0, "select woken by close received %d, want a zeroed value", v);
}

/* A select's send case on an unbuffered channel completes only with a receiver: without one the
 * select takes its default or times out; with one, it returns only after the receiver asked
 * for that very value. */
static void test_select_send_rendezvous(tctx *t)
{
	t_progress(t, "SelectSendRendezvous: no receiver");
	csp_chan *c = t_chan(t, sizeof(int), 0), *idle = t_chan(t, sizeof(int), 0);
	if (!c || !idle)
		return;
	int v = 0;
	csp_case cs[2] = { recv_case(idle, NULL), send_case(c, &v) };
	expect_chosen(t, cs, 2, true, CSP_SELECT_DEFAULT, false, "unbuffered send, no receiver");
	expect_select_blocks(t, cs, 2, "unbuffered send, no receiver");
	if (t_failed(t))
		return;

	t_progress(t, "SelectSendRendezvous: with a receiver");
	struct rendezvous r = { .c = c, .n = (int)t_iters(2000), .bad_at = -1 };
	atomic_init(&r.asked, 0);
	tgroup g = { 0 };
	if (!t_go(t, &g, rendezvous_receiver_task, &r))
		return;
	int i, chose = 1, asked = 0;
	for (i = 0; i < r.n; i++) {
		v = i;
		chose = i % 2 ? csp_select_timeout(cs, 2, LONG_WAIT) : csp_select(cs, 2, false);
		asked = atomic_load(&r.asked);
		if (chose != 1 || !cs[1].ok || asked < i + 1) {
			csp_chan_close(c); /* release the receiver */
			break;
		}
	}
	if (!t_wait(t, &g, "rendezvous receiver"))
		return;
	T_CHECK(t, i == r.n, "select send of %d: case %d, returned when the receiver had asked for "
		"%d value(s)", i, chose, asked);
	T_CHECK(t, r.bad_at < 0, "receive %d gave %d", r.bad_at, r.bad_value);
}

static const struct tcase select_semantics_tests[] = {
	{ .name = "SelectExactlyOne", .prim = CSP_PRIM_CHAN, .body = test_select_exactly_one },
	{ .name = "SelectDefaultOnlyWhenNothingReady", .prim = CSP_PRIM_CHAN,
		.body = test_select_default },
	{ .name = "SelectNilNeverChosen", .prim = CSP_PRIM_CHAN, .body = test_select_nil },
	{ .name = "SelectTimeout", .prim = CSP_PRIM_CHAN, .body = test_select_timeout },
	{ .name = "SelectClosedSend", .prim = CSP_PRIM_CHAN, .body = test_select_closed_send },
	{ .name = "SelectClosedRecv", .prim = CSP_PRIM_CHAN, .body = test_select_closed_recv },
	{ .name = "SelectSendRendezvous", .prim = CSP_PRIM_CHAN,
		.body = test_select_send_rendezvous },
	{ 0 },
};
T_REGISTER(select_semantics_tests);
