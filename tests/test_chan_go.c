/*
 * Conformance tests for channels: ports of Go's runtime/chan_test.go (TestChan,
 * TestNonblockRecvRace, TestMultiConsumer), run over every registered channel implementation.
 * How the bodies observe "blocks" and wait for their tasks: chan_util.h.
 */
#include "chan_util.h"

enum {
	TESTCHAN_CAPS = 20, /* TestChan: capacities 0..19, as Go's -short */
	FIFO_VALUES = 100,  /* TestChan: values per FIFO run */
	MTM_VALUES = 500,   /* TestChan: values per sender in the many-to-many run (Go: 1000) */
};

/* ---- runtime/chan_test.go TestChan --------------------------------------------------------- */

/* Receiving from an empty channel blocks, and a non-blocking receive does not. */
static void chan_recv_blocks(tctx *t, size_t cap)
{
	t_progress(t, "TestChan: receive from an empty channel blocks");
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return;
	tgroup g = { 0 };
	struct receiver r[2];
	if (!start_receivers(t, &g, r, 2, c)) {
		abandon(t, c, &g);
		return;
	}
	expect_recv_blocks(t, c, "timed receive from an empty channel");
	int early = receivers_done(r, 2);
	bool ok = true;
	int try_plain = csp_chan_tryrecv(c, NULL, NULL);
	int try_ok = csp_chan_tryrecv(c, NULL, &ok);
	int zero = 0;
	if (early) { /* fail now: with a receiver gone, the sends below could block for good */
		t_fail(t, "chan[%zu]: %d receive(s) from an empty channel returned", cap, early);
		csp_chan_close(c);
	}
	for (int i = 0; i < 2 && !early; i++)
		csp_chan_send(c, &zero); /* release the receivers */
	if (!t_wait(t, &g, "receivers given one value each") || early)
		return;
	T_CHECK(t, try_plain == CSP_WOULDBLOCK && try_ok == CSP_WOULDBLOCK && !ok,
		"chan[%zu]: tryrecv on an empty channel: %s, %s (ok %d)", cap,
		csp_status_str(try_plain), csp_status_str(try_ok), ok);
	for (int i = 0; i < 2; i++)
		T_CHECK(t, r[i].status == CSP_OK && r[i].value == 0 && (r[i].ok || !r[i].with_ok),
			"chan[%zu]: receiver %d: status %s, value %d", cap, i,
			csp_status_str(r[i].status), r[i].value);
}

/* Sending to a full channel blocks, and a non-blocking send does not. */
static void chan_send_blocks(tctx *t, size_t cap)
{
	t_progress(t, "TestChan: send to a full channel blocks");
	csp_chan *c = full_chan(t, cap);
	if (!c)
		return;
	tgroup g = { 0 };
	struct sender s;
	sender_init(&s, c, -1);
	if (!t_go(t, &g, sender_task, &s))
		return;
	int other = -2;
	expect_send_blocks(t, c, &other, "timed send to a full channel");
	int early = atomic_load(&s.done);
	int try_st = csp_chan_trysend(c, &other);
	if (early) { /* fail now: the receive below could block for good */
		t_fail(t, "chan[%zu]: a send to a full channel returned", cap);
		return;
	}
	int v = POISON;
	int recv_st = csp_chan_recv(c, &v, NULL); /* makes room for the sender */
	if (!t_wait(t, &g, "sender unblocked by a receive"))
		return;
	T_CHECK(t, try_st == CSP_WOULDBLOCK, "chan[%zu]: trysend to a full channel: %s", cap,
		csp_status_str(try_st));
	T_CHECK(t, recv_st == CSP_OK && v == (cap ? 0 : s.value),
		"chan[%zu]: receive: status %s, value %d", cap, csp_status_str(recv_st), v);
	T_CHECK(t, s.status == CSP_OK, "chan[%zu]: blocked send: %s", cap, csp_status_str(s.status));
}

/* A closed channel gives its buffered values, then zero values. */
static void chan_closed_gives_zero(tctx *t, size_t cap)
{
	t_progress(t, "TestChan: receive zero from a closed channel");
	csp_chan *c = full_chan(t, cap);
	if (!c)
		return;
	T_CHECK_EQ(t, csp_chan_close(c), CSP_OK);
	expect_values(t, c, 0, (int)cap, false);
	if (!t_failed(t))
		expect_closed(t, c);
}

/* Close unblocks a receiver. */
static void chan_close_unblocks_recv(tctx *t, size_t cap)
{
	t_progress(t, "TestChan: close unblocks a receive");
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return;
	tgroup g = { 0 };
	struct receiver r;
	if (!start_receivers(t, &g, &r, 1, c)) {
		abandon(t, c, &g);
		return;
	}
	expect_recv_blocks(t, c, "timed receive from an empty channel");
	int close_st = csp_chan_close(c);
	if (!t_wait(t, &g, "receiver woken by close"))
		return;
	T_CHECK(t, close_st == CSP_OK, "chan[%zu]: close: %s", cap, csp_status_str(close_st));
	check_receivers_closed(t, &r, 1);
}

/* Values arrive uncorrupted and in order, in both receive forms. */
static void chan_fifo(tctx *t, size_t cap)
{
	t_progress(t, "TestChan: FIFO");
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return;
	for (int form = 0; form < 2 && !t_failed(t); form++) {
		tgroup g = { 0 };
		struct seq_sender s = { t, c, 0, FIFO_VALUES };
		if (!t_go(t, &g, seq_sender_task, &s))
			return;
		expect_values(t, c, 0, FIFO_VALUES, form == 1);
		if (t_failed(t))
			csp_chan_close(c); /* release the sender */
		t_wait(t, &g, "FIFO sender");
	}
}

/* Several senders and receivers: every value sent is received exactly once. */
struct hist_receiver {
	tctx *t;
	csp_chan *c;
	int n;
	_Atomic int *hist; /* hist[v]: times v was received, v < range */
	int range;
};

static void hist_receiver_task(void *arg)
{
	struct hist_receiver *h = arg;
	for (int i = 0; i < h->n; i++) {
		int v = POISON;
		int st = csp_chan_recv(h->c, &v, NULL);
		if (st != CSP_OK || v < 0 || v >= h->range) {
			t_fail(h->t, "receive: status %s, value %d (values sent are 0..%d)",
				csp_status_str(st), v, h->range - 1);
			continue; /* keep receiving so that the senders finish */
		}
		atomic_fetch_add(&h->hist[v], 1);
	}
}

static void chan_many_to_many(tctx *t, size_t cap)
{
	t_progress(t, "TestChan: many senders and receivers");
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return;
	int p = task_count(2) / 2; /* of each kind; Go: 4 */
	p = p < 4 ? 4 : p;
	int len = (int)t_iters(MTM_VALUES);
	_Atomic int hist[MTM_VALUES];
	for (int v = 0; v < MTM_VALUES; v++)
		atomic_init(&hist[v], 0);
	struct seq_sender s[MAX_TASKS / 2];
	struct hist_receiver r[MAX_TASKS / 2];
	tgroup g = { 0 };
	for (int i = 0; i < p; i++) {
		s[i] = (struct seq_sender){ t, c, 0, len };
		r[i] = (struct hist_receiver){ t, c, len, hist, len };
		if (!t_go(t, &g, seq_sender_task, &s[i]) || !t_go(t, &g, hist_receiver_task, &r[i])) {
			abandon(t, c, &g);
			return;
		}
	}
	if (!t_wait(t, &g, "senders and receivers"))
		return;
	for (int v = 0; v < len; v++)
		T_CHECK(t, atomic_load(&hist[v]) == p, "chan[%zu]: value %d received %d times, want %d",
			cap, v, atomic_load(&hist[v]), p);
}

static void chan_len_cap(tctx *t, size_t cap)
{
	t_progress(t, "TestChan: len and cap");
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return;
	T_CHECK(t, csp_chan_len(c) == 0 && csp_chan_cap(c) == cap,
		"chan[%zu]: new channel: len %zu cap %zu", cap, csp_chan_len(c), csp_chan_cap(c));
	fill(t, c, (int)cap);
	T_CHECK(t, csp_chan_len(c) == cap && csp_chan_cap(c) == cap,
		"chan[%zu]: full channel: len %zu cap %zu", cap, csp_chan_len(c), csp_chan_cap(c));
}

/* runtime/chan_test.go TestChan (the -short size): its sub-checks over capacities 0..19. */
static void test_chan(tctx *t)
{
	for (size_t cap = 0; cap < TESTCHAN_CAPS && !t_failed(t); cap++) {
		chan_recv_blocks(t, cap);
		chan_send_blocks(t, cap);
		chan_closed_gives_zero(t, cap);
		chan_close_unblocks_recv(t, cap);
		chan_fifo(t, cap);
		chan_many_to_many(t, cap);
		chan_len_cap(t, cap);
	}
}

/* ---- runtime/chan_test.go TestNonblockRecvRace --------------------------------------------- */

struct nonblock_recv {
	tctx *t;
	csp_chan *c;
};

static void nonblock_recv_task(void *arg)
{
	struct nonblock_recv *a = arg;
	int st = csp_chan_tryrecv(a->c, NULL, NULL);
	if (st == CSP_WOULDBLOCK)
		t_fail(a->t, "tryrecv found not ready a channel that held a value or was closed");
}

/* runtime/chan_test.go TestNonblockRecvRace: a channel holding a value, then closed, is ready
 * for a non-blocking receive at every moment, however the receive races with close and a
 * receive that takes the value. */
static void test_nonblock_recv_race(tctx *t)
{
	t_progress(t, "TestNonblockRecvRace");
	int64_t n = t_iters(10000); /* Go's count (-short: 100); sanitizer builds run an eighth */
	for (int64_t i = 0; t_more(t, i, n) && !t_failed(t); i++) {
		csp_chan *c = t_chan(t, sizeof(int), 1);
		if (!c)
			return;
		int one = 1;
		T_CHECK_EQ(t, csp_chan_send(c, &one), CSP_OK);
		tgroup g = { 0 };
		struct nonblock_recv a = { t, c };
		if (!t_go(t, &g, nonblock_recv_task, &a))
			return;
		csp_chan_close(c);
		int v = POISON;
		int st = csp_chan_recv(c, &v, NULL);
		if (!t_wait(t, &g, "the non-blocking receiver"))
			return;
		T_CHECK(t, (st == CSP_OK && v == 1) || (st == CSP_CLOSED && v == 0),
			"receive after close: status %s, value %d", csp_status_str(st), v);
	}
}

/* ---- runtime/chan_test.go TestMultiConsumer ------------------------------------------------ */

static const int mc_primes[] = { 2, 3, 7, 11, 13, 17, 19, 23, 27, 31 };
#define MC_NPRIMES ((int)(sizeof mc_primes / sizeof mc_primes[0]))

struct multi_consumer {
	tctx *t;
	csp_chan *q, *r;
	int niter;
	_Atomic int workers_left; /* the last worker to finish closes r */
};

struct mc_worker {
	struct multi_consumer *mc;
	int w;
};

static void mc_feeder_task(void *arg)
{
	struct multi_consumer *mc = arg;
	for (int i = 0; i < mc->niter; i++) {
		int v = mc_primes[i % MC_NPRIMES];
		T_CHECK(mc->t, csp_chan_send(mc->q, &v) == CSP_OK, "feeding value %d", i);
	}
	csp_chan_close(mc->q); /* no more work */
}

static void mc_worker_task(void *arg)
{
	struct mc_worker *w = arg;
	struct multi_consumer *mc = w->mc;
	int v;
	while (csp_chan_recv(mc->q, &v, NULL) == CSP_OK) {
		if (mc_primes[w->w % MC_NPRIMES] == v)
			csp_yield(); /* upsets the FIFO-ish order of the workers */
		if (csp_chan_send(mc->r, &v) != CSP_OK)
			t_fail(mc->t, "worker %d: sending a result failed", w->w);
	}
	if (atomic_fetch_sub(&mc->workers_left, 1) == 1)
		csp_chan_close(mc->r); /* every worker is done: no more results */
}

/* runtime/chan_test.go TestMultiConsumer: workers ranging over a closed work channel deliver
 * every item exactly once. Go's 23 workers are 8 per CPU + 7 here; 271828 items shrink. */
static void test_multi_consumer(tctx *t)
{
	t_progress(t, "TestMultiConsumer");
	int nwork = 8 * t_ncpu() + 7;
	nwork = nwork > MAX_TASKS ? MAX_TASKS : nwork;
	struct multi_consumer mc = { .t = t, .niter = (int)t_iters(50000) };
	mc.q = t_chan(t, sizeof(int), (size_t)nwork * 3);
	mc.r = t_chan(t, sizeof(int), (size_t)nwork * 3);
	if (!mc.q || !mc.r)
		return;
	atomic_init(&mc.workers_left, nwork);
	struct mc_worker w[MAX_TASKS];
	tgroup g = { 0 };
	for (int i = 0; i < nwork; i++) {
		w[i] = (struct mc_worker){ &mc, i };
		if (!t_go(t, &g, mc_worker_task, &w[i])) {
			abandon(t, mc.q, &g);
			return;
		}
	}
	if (!t_go(t, &g, mc_feeder_task, &mc)) {
		abandon(t, mc.q, &g);
		return;
	}
	int64_t expect = 0, sum = 0;
	int n = 0, v;
	for (int i = 0; i < mc.niter; i++)
		expect += mc_primes[i % MC_NPRIMES];
	while (csp_chan_recv(mc.r, &v, NULL) == CSP_OK) {
		n++;
		sum += v;
	}
	if (!t_wait(t, &g, "feeder and workers"))
		return;
	T_CHECK(t, n == mc.niter && sum == expect, "expected sum %lld (got %lld) from %d items (saw %d)",
		(long long)expect, (long long)sum, mc.niter, n);
}

static const struct tcase chan_go_tests[] = {
	{ .name = "TestChan", .prim = CSP_PRIM_CHAN, .body = test_chan },
	{ .name = "TestNonblockRecvRace", .prim = CSP_PRIM_CHAN, .body = test_nonblock_recv_race },
	{ .name = "TestMultiConsumer", .prim = CSP_PRIM_CHAN, .body = test_multi_consumer },
	{ 0 },
};
T_REGISTER(chan_go_tests);
