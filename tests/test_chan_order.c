/*
 * Conformance tests for channels: the order in which Go's channels deliver values (FIFO per
 * sender, a blocked sender after the buffer) and the rendezvous of an unbuffered send, run over
 * every registered channel implementation. How the bodies observe "blocks" and wait for their
 * tasks: chan_util.h.
 */
#include "chan_util.h"

enum {
	SEQ_STRIDE = 1 << 20, /* per-sender FIFO: value = sender * SEQ_STRIDE + sequence */
};

/* ---- Go semantics: order ------------------------------------------------------------------- */

/* Go's channels are FIFO: with several senders, each sender's values arrive in the order it
 * sent them, on unbuffered and buffered channels alike. */
static void test_fifo_per_sender(tctx *t)
{
	static const size_t caps[] = { 0, 1, 7 };
	int ns = task_count(2);
	int n = (int)t_iters(1000);
	for (size_t k = 0; k < sizeof caps / sizeof caps[0] && !t_failed(t); k++) {
		t_progress(t, "ChanFIFOPerSender");
		csp_chan *c = t_chan(t, sizeof(int), caps[k]);
		if (!c)
			return;
		struct seq_sender s[MAX_TASKS];
		int next[MAX_TASKS] = { 0 };
		tgroup g = { 0 };
		for (int i = 0; i < ns; i++) {
			s[i] = (struct seq_sender){ t, c, i * SEQ_STRIDE, n };
			if (!t_go(t, &g, seq_sender_task, &s[i])) {
				abandon(t, c, &g);
				return;
			}
		}
		for (int i = 0; i < ns * n; i++) {
			int v = POISON;
			int st = csp_chan_recv(c, &v, NULL);
			int id = v / SEQ_STRIDE, seq = v % SEQ_STRIDE;
			if (st != CSP_OK || v < 0 || id >= ns || seq != next[id]) {
				t_fail(t, "cap %zu: received %d (%s; sender %d, #%d), want sender %d's #%d "
					"next", caps[k], v, csp_status_str(st), id, seq, id,
					v >= 0 && id < ns ? next[id] : -1);
				csp_chan_close(c); /* release the senders */
				break;
			}
			next[id]++;
		}
		t_wait(t, &g, "senders");
	}
}

/* A sender blocked on a full buffered channel comes after every value already buffered: the
 * receives take 0..cap-1 first, then the sender's value. */
static void test_blocked_send_after_buffer(tctx *t)
{
	for (size_t cap = 1; cap <= 4 && !t_failed(t); cap++) {
		t_progress(t, "ChanBlockedSendAfterBuffer");
		csp_chan *c = full_chan(t, cap);
		if (!c)
			return;
		tgroup g = { 0 };
		struct sender s;
		sender_init(&s, c, (int)cap);
		if (!t_go(t, &g, sender_task, &s))
			return;
		int other = -1;
		expect_send_blocks(t, c, &other, "timed send to a full channel");
		expect_values(t, c, 0, (int)cap + 1, true);
		if (t_failed(t))
			csp_chan_close(c);
		if (!t_wait(t, &g, "blocked sender"))
			return;
		T_CHECK(t, s.status == CSP_OK, "cap %zu: blocked send: %s", cap, csp_status_str(s.status));
		T_CHECK(t, csp_chan_len(c) == 0, "cap %zu: %zu values left over", cap, csp_chan_len(c));
	}
}

/* ---- Go semantics: unbuffered channels -------------------------------------------------------- */

/* An unbuffered send is a rendezvous. Without a receiver, trysend fails and a timed send times
 * out leaving nothing behind. With one, a send returns only after the receiver asked for that
 * very value: a send that returned early (as into a buffer of one) finds `asked` behind. */
static void test_unbuffered_rendezvous(tctx *t)
{
	t_progress(t, "ChanUnbufferedRendezvous: no receiver");
	csp_chan *c = t_chan(t, sizeof(int), 0);
	if (!c)
		return;
	int v = 5;
	int st = csp_chan_trysend(c, &v);
	T_CHECK(t, st == CSP_WOULDBLOCK, "trysend without a receiver: %s", csp_status_str(st));
	expect_send_blocks(t, c, &v, "timed send without a receiver");
	st = csp_chan_tryrecv(c, &v, NULL);
	T_CHECK(t, st == CSP_WOULDBLOCK, "tryrecv after the sends failed: %s", csp_status_str(st));
	if (t_failed(t))
		return;

	t_progress(t, "ChanUnbufferedRendezvous: with a receiver");
	struct rendezvous r = { .c = c, .n = (int)t_iters(2000), .bad_status = CSP_OK };
	atomic_init(&r.asked, 0);
	tgroup g = { 0 };
	if (!t_go(t, &g, rendezvous_receiver_task, &r))
		return;
	int i, asked = 0;
	size_t len = 0;
	for (i = 0; i < r.n; i++) {
		st = i % 2 ? csp_chan_send_timeout(c, &i, LONG_WAIT) : csp_chan_send(c, &i);
		asked = atomic_load(&r.asked);
		len = csp_chan_len(c);
		if (st != CSP_OK || asked < i + 1 || len != 0) {
			csp_chan_close(c); /* release the receiver */
			break;
		}
	}
	if (!t_wait(t, &g, "rendezvous receiver"))
		return;
	T_CHECK(t, i == r.n, "send of %d: status %s, returned when the receiver had asked for %d "
		"value(s), len %zu", i, csp_status_str(st), asked, len);
	T_CHECK(t, r.bad_status == CSP_OK, "receive %d: status %s, value %d", r.bad_at,
		csp_status_str(r.bad_status), r.bad_value);
}

static const struct tcase chan_order_tests[] = {
	{ .name = "ChanFIFOPerSender", .prim = CSP_PRIM_CHAN, .body = test_fifo_per_sender },
	{ .name = "ChanBlockedSendAfterBuffer", .prim = CSP_PRIM_CHAN,
		.body = test_blocked_send_after_buffer },
	{ .name = "ChanUnbufferedRendezvous", .prim = CSP_PRIM_CHAN,
		.body = test_unbuffered_rendezvous },
	{ 0 },
};
T_REGISTER(chan_order_tests);
