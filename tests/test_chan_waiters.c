/*
 * Conformance tests for channels: the order in which blocked tasks are served. Go queues the
 * tasks blocked on one channel (runtime/chan.go: recvq and sendq are FIFO), and so do
 * impls/shared/gochan.c and the docs: K receivers that blocked in a known order receive the
 * values sent later in that order, and K blocked senders' values arrive in the order they
 * blocked. Per-producer FIFO (TestChan) cannot see this: each of its producers has one value
 * in flight at a time.
 *
 * "Blocked" is known, not guessed: the implementation's optional `waiting` hook (impl.h) says
 * how many tasks are blocked on the channel, and each task is started only once the previous
 * one is counted. Without the hook the tests are recorded as absent; implementations that
 * declare CSP_PROP_WAITERS_UNORDERED (the lockfree channel) do not promise the order.
 */
#include "chan_util.h"

enum { ORDER_PER_CPU = 4, ORDER_MAX = 16 };

/* Waiters per test: derived from the CPU count, at least 4 so that an order can be wrong in
 * many ways, at most ORDER_MAX. */
static int waiter_count(void)
{
	int n = task_count(ORDER_PER_CPU);
	return n < 4 ? 4 : n > ORDER_MAX ? ORDER_MAX : n;
}

struct blocked {
	const csp_chan_ops *ops;
	csp_chan *c;
	int dir;
	size_t want;
	size_t seen; /* the last count read, for the timeout message */
};

static bool blocked_reached(void *arg)
{
	struct blocked *b = arg;
	b->seen = b->ops->waiting(csp_chan_self(b->c), b->dir);
	return b->seen >= b->want;
}

/* Wait, bounded, until n tasks are blocked on c in direction dir; fails on timeout or on more
 * than n (a task counted twice). */
static bool wait_blocked(tctx *t, csp_chan *c, int dir, size_t n)
{
	struct blocked b = { (const csp_chan_ops *)t->impl, c, dir, n, 0 };
	for (unsigned round = 0; !blocked_reached(&b); round++) {
		if (csp_now() > t->deadline) {
			t_fail(t, "timed out waiting for task %zu to block %s: the waiting hook counts %zu",
				n, dir == CSP_SEND ? "sending" : "receiving", b.seen);
			return false;
		}
		if (round < 64) /* polls the count: the task needs the CPU to get there */
			csp_yield();
		else
			csp_sleep(50 * CSP_MICROSECOND);
	}
	if (b.seen != n) {
		t_fail(t, "the waiting hook counts %zu task(s) blocked %s after %zu blocked", b.seen,
			dir == CSP_SEND ? "sending" : "receiving", n);
		return false;
	}
	return true;
}

static bool has_hook(tctx *t)
{
	if (((const csp_chan_ops *)t->impl)->waiting)
		return true;
	t_absent(t, "no waiting hook (csp_chan_ops.waiting), so blocked tasks cannot be counted");
	return false;
}

/* K receivers block one after the other on an empty channel (unbuffered, then capacity 1);
 * values 0..K-1 sent afterwards reach them in that order. */
static void test_receiver_order(tctx *t)
{
	if (!has_hook(t))
		return;
	int k = waiter_count();
	for (size_t cap = 0; cap <= 1 && !t_failed(t); cap++) {
		t_progress(t, "TestChanWaiterOrderRecv: receivers blocking in turn");
		csp_chan *c = t_chan(t, sizeof(int), cap);
		if (!c)
			return;
		struct receiver r[ORDER_MAX];
		tgroup g = { 0 };
		for (int i = 0; i < k; i++) {
			receiver_init(&r[i], c, false);
			if (!t_go(t, &g, receiver_task, &r[i]) || !wait_blocked(t, c, CSP_RECV, (size_t)i + 1)) {
				abandon(t, c, &g);
				return;
			}
		}
		t_progress(t, "TestChanWaiterOrderRecv: sending to the blocked receivers");
		for (int v = 0; v < k; v++)
			if (csp_chan_send_timeout(c, &v, LONG_WAIT) != CSP_OK) {
				t_fail(t, "cap %zu: send %d to %d blocked receivers did not complete", cap, v, k);
				abandon(t, c, &g);
				return;
			}
		if (!t_wait(t, &g, "receivers served"))
			return;
		for (int i = 0; i < k; i++)
			T_CHECK(t, r[i].status == CSP_OK && r[i].value == i,
				"cap %zu: receiver %d of %d (in the order they blocked) got %d (%s), want %d: "
				"blocked receivers are not served in the order they blocked (Go's recvq is "
				"FIFO)", cap, i, k, r[i].value, csp_status_str(r[i].status), i);
	}
}

/* K senders block one after the other (unbuffered; then capacity 1, already full with -1):
 * receives then see -1 (buffered first), then 0..K-1 in the order the senders blocked. */
static void test_sender_order(tctx *t)
{
	if (!has_hook(t))
		return;
	int k = waiter_count();
	for (size_t cap = 0; cap <= 1 && !t_failed(t); cap++) {
		t_progress(t, "TestChanWaiterOrderSend: senders blocking in turn");
		csp_chan *c = t_chan(t, sizeof(int), cap);
		if (!c)
			return;
		int first = -1;
		if (cap > 0 && csp_chan_trysend(c, &first) != CSP_OK) {
			t_fail(t, "trysend into an empty channel of capacity 1");
			return;
		}
		struct sender s[ORDER_MAX];
		tgroup g = { 0 };
		for (int i = 0; i < k; i++) {
			sender_init(&s[i], c, i);
			if (!t_go(t, &g, sender_task, &s[i]) || !wait_blocked(t, c, CSP_SEND, (size_t)i + 1)) {
				abandon(t, c, &g);
				return;
			}
		}
		t_progress(t, "TestChanWaiterOrderSend: receiving from the blocked senders");
		for (int i = (cap > 0 ? -1 : 0); i < k; i++) {
			int v = POISON;
			int st = csp_chan_recv_timeout(c, &v, NULL, LONG_WAIT);
			if (st != CSP_OK || v != i) {
				t_fail(t, "cap %zu: receive %d of %d got %d (%s), want %d: blocked senders are "
					"not served in the order they blocked (Go's sendq is FIFO)", cap,
					i + (cap > 0 ? 2 : 1), k + (int)cap, v, csp_status_str(st), i);
				abandon(t, c, &g);
				return;
			}
		}
		if (!t_wait(t, &g, "senders served"))
			return;
		for (int i = 0; i < k; i++)
			T_CHECK(t, s[i].status == CSP_OK, "cap %zu: sender %d: %s", cap, i,
				csp_status_str(s[i].status));
	}
}

static const struct tcase chan_waiters_tests[] = {
	{ .name = "TestChanWaiterOrderRecv", .prim = CSP_PRIM_CHAN, .body = test_receiver_order,
		.forbids = CSP_PROP_WAITERS_UNORDERED },
	{ .name = "TestChanWaiterOrderSend", .prim = CSP_PRIM_CHAN, .body = test_sender_order,
		.forbids = CSP_PROP_WAITERS_UNORDERED },
	{ 0 },
};
T_REGISTER(chan_waiters_tests);
