/*
 * Conformance tests for channels: nil channels and time. A nil channel is never ready; timed
 * operations time out no earlier than their duration and not absurdly late, poll when the
 * duration is <= 0, and succeed early when a partner comes in time. Run over every registered
 * channel implementation; the only tests of the channel tests that sleep.
 */
#include "chan_util.h"

/* A nil (NULL) channel is never ready: try-operations would block, timed ones time out after
 * their duration, len and cap are 0. */
static void test_nil_chan(tctx *t)
{
	t_progress(t, "ChanNil");
	int v = 3;
	bool ok = true;
	T_CHECK_EQ(t, csp_chan_trysend(NULL, &v), CSP_WOULDBLOCK);
	T_CHECK_EQ(t, csp_chan_tryrecv(NULL, &v, &ok), CSP_WOULDBLOCK);
	T_CHECK(t, v == 3 && !ok, "tryrecv on nil changed the value (%d) or left ok set", v);
	twatch w;
	t_watch_start(&w);
	check_timed_out(t, csp_chan_send_timeout(NULL, &v, TIMEOUT_D), &w, TIMEOUT_D,
		"timed send on nil");
	t_watch_start(&w);
	check_timed_out(t, csp_chan_recv_timeout(NULL, &v, NULL, TIMEOUT_D), &w, TIMEOUT_D,
		"timed receive on nil");
	T_CHECK_EQ(t, csp_chan_len(NULL), 0);
	T_CHECK_EQ(t, csp_chan_cap(NULL), 0);
}

/* Timed operations on a channel that is not ready time out no earlier than their duration and
 * not absurdly late, and leave nothing behind; a duration <= 0 polls. */
static void test_timeouts(tctx *t)
{
	static const size_t caps[] = { 0, 2 };
	for (size_t k = 0; k < sizeof caps / sizeof caps[0] && !t_failed(t); k++) {
		t_progress(t, "ChanTimeouts");
		size_t cap = caps[k];
		csp_chan *c = t_chan(t, sizeof(int), cap);
		if (!c)
			return;
		int v = POISON;
		twatch w;
		t_watch_start(&w);
		check_timed_out(t, csp_chan_recv_timeout(c, &v, NULL, TIMEOUT_D), &w, TIMEOUT_D,
			"timed receive from an empty channel");
		t_watch_start(&w);
		check_timed_out(t, csp_chan_recv_timeout(c, &v, NULL, 0), &w, 0,
			"zero-duration receive from an empty channel");
		fill(t, c, (int)cap);
		int other = 77;
		t_watch_start(&w);
		check_timed_out(t, csp_chan_send_timeout(c, &other, TIMEOUT_D), &w, TIMEOUT_D,
			"timed send to a full channel");
		t_watch_start(&w);
		check_timed_out(t, csp_chan_send_timeout(c, &other, -TIMEOUT_D), &w, 0,
			"negative-duration send to a full channel");
		T_CHECK_EQ(t, csp_chan_len(c), cap);
		if (cap > 0) {
			T_CHECK_EQ(t, csp_chan_recv_timeout(c, &v, NULL, 0), CSP_OK);
			T_CHECK_EQ(t, csp_chan_send_timeout(c, &v, -1), CSP_OK); /* polls: there is room */
			expect_values(t, c, 1, (int)cap - 1, false);
			expect_values(t, c, 0, 1, false);
		}
		T_CHECK_EQ(t, csp_chan_tryrecv(c, &v, NULL), CSP_WOULDBLOCK); /* nothing timed out in */
	}
}

/* A timed receive or send whose partner arrives within the duration succeeds, early. */
static void test_timed_op_succeeds(tctx *t)
{
	static const size_t caps[] = { 0, 1 };
	for (size_t k = 0; k < sizeof caps / sizeof caps[0] && !t_failed(t); k++) {
		t_progress(t, "ChanTimedOpSucceeds");
		size_t cap = caps[k];
		csp_chan *c = t_chan(t, sizeof(int), cap);
		if (!c)
			return;
		tgroup g = { 0 };
		struct sender s;
		sender_init(&s, c, 42);
		s.delay = BLOCK_WAIT; /* arrives while the timed receive waits */
		if (!t_go(t, &g, sender_task, &s))
			return;
		int v = POISON;
		bool ok = false;
		twatch w;
		t_watch_start(&w);
		int recv_st = csp_chan_recv_timeout(c, &v, &ok, LONG_WAIT);
		int64_t recv_took = t_watch_stop(&w, NULL);

		fill(t, c, (int)cap);
		struct receiver r;
		receiver_init(&r, c, true);
		r.delay = BLOCK_WAIT;
		if (!t_go(t, &g, receiver_task, &r))
			return;
		int sent = 43;
		t_watch_start(&w);
		int send_st = csp_chan_send_timeout(c, &sent, LONG_WAIT);
		int64_t send_took = t_watch_stop(&w, NULL);
		if (!t_wait(t, &g, "late partners"))
			return;
		T_CHECK(t, recv_st == CSP_OK && v == 42 && ok && recv_took < LONG_WAIT / 2,
			"cap %zu: timed receive with a late sender: status %s, value %d, ok %d, %lld ns",
			cap, csp_status_str(recv_st), v, ok, (long long)recv_took);
		T_CHECK(t, send_st == CSP_OK && send_took < LONG_WAIT / 2,
			"cap %zu: timed send with a late receiver: status %s, %lld ns", cap,
			csp_status_str(send_st), (long long)send_took);
		T_CHECK(t, r.status == CSP_OK && r.value == (cap ? 0 : 43),
			"cap %zu: late receiver: status %s, value %d", cap, csp_status_str(r.status),
			r.value);
		T_CHECK(t, s.status == CSP_OK, "late sender: %s", csp_status_str(s.status));
		expect_values(t, c, 43, (int)cap, false);
	}
}

static const struct tcase chan_time_tests[] = {
	{ .name = "ChanNil", .prim = CSP_PRIM_CHAN, .body = test_nil_chan },
	{ .name = "ChanTimeouts", .prim = CSP_PRIM_CHAN, .body = test_timeouts },
	{ .name = "ChanTimedOpSucceeds", .prim = CSP_PRIM_CHAN, .body = test_timed_op_succeeds },
	{ 0 },
};
T_REGISTER(chan_time_tests);
