/*
 * Conformance tests for channels: close as Go specifies it. Close wakes every blocked receiver
 * and sender, a closed channel's buffer still drains, and the operations Go makes panic (send on
 * a closed channel, close of a closed channel) return "closed" here. Run over every registered
 * channel implementation. How the bodies observe "blocks" and wait for their tasks: chan_util.h.
 */
#include "chan_util.h"

/* Close wakes every blocked receiver: each gets "closed", ok = false and a zeroed value. */
static void test_close_wakes_receivers(tctx *t)
{
	static const size_t caps[] = { 0, 4 };
	int n = task_count(4);
	for (size_t k = 0; k < sizeof caps / sizeof caps[0] && !t_failed(t); k++) {
		t_progress(t, "ChanCloseWakesReceivers");
		csp_chan *c = t_chan(t, sizeof(int), caps[k]);
		if (!c)
			return;
		struct receiver r[MAX_TASKS];
		tgroup g = { 0 };
		if (!start_receivers(t, &g, r, n, c)) {
			abandon(t, c, &g);
			return;
		}
		expect_recv_blocks(t, c, "timed receive from an empty channel");
		int early = receivers_done(r, n);
		int close_st = csp_chan_close(c);
		if (!t_wait(t, &g, "receivers woken by close"))
			return;
		T_CHECK(t, early == 0, "cap %zu: %d receive(s) from an empty channel returned", caps[k],
			early);
		T_CHECK(t, close_st == CSP_OK, "close: %s", csp_status_str(close_st));
		check_receivers_closed(t, r, n);
		expect_closed(t, c);
	}
}

/* Close wakes every blocked sender with "closed"; none of their values gets in: receives then
 * find exactly the values buffered before, then "closed". */
static void test_close_wakes_senders(tctx *t)
{
	static const size_t caps[] = { 0, 3 };
	int n = task_count(4);
	for (size_t k = 0; k < sizeof caps / sizeof caps[0] && !t_failed(t); k++) {
		t_progress(t, "ChanCloseWakesSenders");
		size_t cap = caps[k];
		csp_chan *c = full_chan(t, cap);
		if (!c)
			return;
		struct sender s[MAX_TASKS];
		tgroup g = { 0 };
		for (int i = 0; i < n; i++) {
			sender_init(&s[i], c, 1000 + i);
			if (!t_go(t, &g, sender_task, &s[i])) {
				abandon(t, c, &g);
				return;
			}
		}
		int other = -1;
		expect_send_blocks(t, c, &other, "timed send to a full channel");
		int early = 0;
		for (int i = 0; i < n; i++)
			early += atomic_load(&s[i].done);
		int close_st = csp_chan_close(c);
		if (!t_wait(t, &g, "senders woken by close"))
			return;
		T_CHECK(t, early == 0, "cap %zu: %d send(s) to a full channel returned", cap, early);
		T_CHECK(t, close_st == CSP_OK, "close: %s", csp_status_str(close_st));
		for (int i = 0; i < n; i++)
			T_CHECK(t, s[i].status == CSP_CLOSED, "cap %zu: sender %d woken by close: %s", cap,
				i, csp_status_str(s[i].status));
		expect_values(t, c, 0, (int)cap, true);
		if (!t_failed(t))
			expect_closed(t, c);
	}
}

/* Receives drain a closed channel's buffer, in order and with ok = true, through every receive
 * variant, before any of them reports "closed" (a timed one at once). */
static void test_close_drains(tctx *t)
{
	enum { CAP = 6 };
	t_progress(t, "ChanCloseDrains");
	csp_chan *c = full_chan(t, CAP);
	if (!c)
		return;
	T_CHECK_EQ(t, csp_chan_close(c), CSP_OK);
	T_CHECK_EQ(t, csp_chan_len(c), CAP);
	for (int i = 0; i < CAP; i++) {
		int v = POISON, st;
		bool ok = false;
		switch (i % 3) {
		case 0: st = csp_chan_recv(c, &v, &ok); break;
		case 1: st = csp_chan_tryrecv(c, &v, &ok); break;
		default: st = csp_chan_recv_timeout(c, &v, &ok, LONG_WAIT); break;
		}
		T_CHECK(t, st == CSP_OK && v == i && ok, "receive %d (variant %d) from a closed channel: "
			"status %s, value %d, ok %d", i, i % 3, csp_status_str(st), v, ok);
		T_CHECK_EQ(t, csp_chan_len(c), CAP - 1 - i);
	}
	int v = POISON;
	bool ok = true;
	int st = csp_chan_tryrecv(c, &v, &ok);
	T_CHECK(t, st == CSP_CLOSED && v == 0 && !ok, "tryrecv from a drained closed channel: "
		"status %s, value %d, ok %d", csp_status_str(st), v, ok);
	v = POISON;
	ok = true;
	twatch w;
	t_watch_start(&w);
	st = csp_chan_recv_timeout(c, &v, &ok, LONG_WAIT);
	int64_t elapsed = t_watch_stop(&w, NULL);
	T_CHECK(t, st == CSP_CLOSED && v == 0 && !ok, "timed receive from a drained closed channel: "
		"status %s, value %d, ok %d", csp_status_str(st), v, ok);
	T_CHECK(t, elapsed < TIMEOUT_SLACK, "timed receive from a closed channel took %lld ns",
		(long long)elapsed);
	expect_closed(t, c);
}

/* Sending on a closed channel (Go panics) returns "closed" from every send variant and leaves
 * the channel as it was. */
static void test_send_on_closed(tctx *t)
{
	static const size_t caps[] = { 0, 2 };
	t_progress(t, "ChanSendOnClosed");
	for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
		csp_chan *c = t_chan(t, sizeof(int), caps[k]);
		if (!c)
			return;
		T_CHECK_EQ(t, csp_chan_close(c), CSP_OK);
		int v = 9;
		int st[3] = { csp_chan_send(c, &v), csp_chan_trysend(c, &v),
			csp_chan_send_timeout(c, &v, LONG_WAIT) };
		for (int i = 0; i < 3; i++)
			T_CHECK(t, st[i] == CSP_CLOSED, "cap %zu: send variant %d on a closed channel: %s",
				caps[k], i, csp_status_str(st[i]));
		T_CHECK_EQ(t, csp_chan_len(c), 0);
		expect_closed(t, c);
	}
}

/* Closing a closed channel (Go panics) returns "closed"; values buffered before still drain. */
static void test_close_closed(tctx *t)
{
	t_progress(t, "ChanCloseClosed");
	csp_chan *c = t_chan(t, sizeof(int), 2);
	if (!c)
		return;
	fill(t, c, 2);
	T_CHECK_EQ(t, csp_chan_close(c), CSP_OK);
	T_CHECK_EQ(t, csp_chan_close(c), CSP_CLOSED);
	T_CHECK_EQ(t, csp_chan_close(c), CSP_CLOSED);
	expect_values(t, c, 0, 2, true);
	if (!t_failed(t))
		expect_closed(t, c);
}

static const struct tcase chan_close_tests[] = {
	{ .name = "ChanCloseWakesReceivers", .prim = CSP_PRIM_CHAN,
		.body = test_close_wakes_receivers },
	{ .name = "ChanCloseWakesSenders", .prim = CSP_PRIM_CHAN, .body = test_close_wakes_senders },
	{ .name = "ChanCloseDrains", .prim = CSP_PRIM_CHAN, .body = test_close_drains },
	{ .name = "ChanSendOnClosed", .prim = CSP_PRIM_CHAN, .body = test_send_on_closed },
	{ .name = "ChanCloseClosed", .prim = CSP_PRIM_CHAN, .body = test_close_closed },
	{ 0 },
};
T_REGISTER(chan_close_tests);
