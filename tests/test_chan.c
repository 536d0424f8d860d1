/*
 * Conformance tests for channels: ports of Go's channel tests (runtime/chan_test.go,
 * test/chan/nonblock.go) and checks of the channel semantics Go specifies, run over every
 * registered channel implementation. Select has its own file, test_select.c.
 *
 * Observing "blocks" without sleeping. Where a check wants other tasks blocked in a channel
 * (so that a close, a receive or a send has someone to wake), the body runs a timed operation
 * on that channel that must time out: a check in its own right, during which the other tasks
 * get to block. No check depends on that timing: each holds in every interleaving, the wait
 * only makes the interesting interleaving likely. csp_sleep appears only in tests about time.
 *
 * Shape of a body that starts tasks: observe (into locals), release the tasks, wait for them,
 * then check. A check never returns while tasks still use the body's stack, except when a
 * spawn failed (abandon() then closes the channel the tasks block on).
 */
#include "harness.h"

#include <errno.h>
#include <string.h>

#define BLOCK_WAIT (2 * CSP_MILLISECOND)  /* a timed operation expected to time out */
#define TIMEOUT_D (10 * CSP_MILLISECOND)  /* the duration the timeout tests measure */
#define TIMEOUT_SLACK (1 * CSP_SECOND)    /* lateness beyond which a timeout is a bug */
#define LONG_WAIT (10 * CSP_SECOND)       /* a timed operation expected to succeed */
#define PATIENCE (5 * CSP_SECOND)         /* nonblock.go: how long to retry a try-operation */

enum {
	MAX_TASKS = 64,     /* bound on task counts derived from the CPU count */
	POISON = -7,        /* what an int receive buffer holds before the receive */
	TESTCHAN_CAPS = 20, /* TestChan: capacities 0..19, as Go's -short */
	FIFO_VALUES = 100,  /* TestChan: values per FIFO run */
	MTM_VALUES = 500,   /* TestChan: values per sender in the many-to-many run (Go: 1000) */
	SEQ_STRIDE = 1 << 20, /* per-sender FIFO: value = sender * SEQ_STRIDE + sequence */
};

/* ---- Helpers ---------------------------------------------------------------------------------- */

/* per_cpu tasks for each CPU, at least 2, at most MAX_TASKS. */
static int task_count(int per_cpu)
{
	int n = per_cpu * t_ncpu();
	return n < 2 ? 2 : n > MAX_TASKS ? MAX_TASKS : n;
}

/* Fail unless `status`, returned by a timed operation started at `start` with duration d, is a
 * timeout no earlier than d and not absurdly late. */
static void check_timed_out(tctx *t, int status, int64_t start, csp_duration d, const char *what)
{
	int64_t elapsed = csp_now() - start;
	if (status != CSP_TIMEOUT)
		t_fail(t, "%s: got \"%s\", want a timeout", what, csp_status_str(status));
	else if (elapsed < d)
		t_fail(t, "%s: timed out after %lld ns, before its %lld ns", what, (long long)elapsed,
			(long long)d);
	else if (elapsed > d + TIMEOUT_SLACK)
		t_fail(t, "%s: timed out after %lld ns, far beyond its %lld ns", what,
			(long long)elapsed, (long long)d);
}

/* A timed receive on c, on which nobody sends for now, must time out. */
static void expect_recv_blocks(tctx *t, csp_chan *c, const char *what)
{
	int64_t start = csp_now();
	check_timed_out(t, csp_chan_recv_timeout(c, NULL, NULL, BLOCK_WAIT), start, BLOCK_WAIT, what);
}

/* A timed send of *elem on c, which has no room and no receiver for now, must time out. */
static void expect_send_blocks(tctx *t, csp_chan *c, const void *elem, const char *what)
{
	int64_t start = csp_now();
	check_timed_out(t, csp_chan_send_timeout(c, elem, BLOCK_WAIT), start, BLOCK_WAIT, what);
}

/* Buffer 0..n-1 in c, which must have room for them: a try-send that fails is a failure. */
static void fill(tctx *t, csp_chan *c, int n)
{
	for (int i = 0; i < n; i++) {
		int st = csp_chan_trysend(c, &i);
		T_CHECK(t, st == CSP_OK, "buffering value %d of %d: %s", i, n, csp_status_str(st));
	}
}

/* Receive n values, which must be from, from+1, ... in order. */
static void expect_values(tctx *t, csp_chan *c, int from, int n, bool with_ok)
{
	for (int i = 0; i < n; i++) {
		int v = POISON;
		bool ok = false;
		int st = csp_chan_recv(c, &v, with_ok ? &ok : NULL);
		T_CHECK(t, st == CSP_OK && v == from + i && (ok || !with_ok),
			"receive %d of %d (cap %zu): status %s, value %d, ok %d; want value %d", i, n,
			csp_chan_cap(c), csp_status_str(st), v, ok, from + i);
	}
}

/* Receives from c, closed and drained, report closed with a zeroed value, in both forms. */
static void expect_closed(tctx *t, csp_chan *c)
{
	int v = POISON;
	int st = csp_chan_recv(c, &v, NULL);
	T_CHECK(t, st == CSP_CLOSED && v == 0, "v := <-closed: status %s, value %d",
		csp_status_str(st), v);
	v = POISON;
	bool ok = true;
	st = csp_chan_recv(c, &v, &ok);
	T_CHECK(t, st == CSP_CLOSED && v == 0 && !ok, "v, ok := <-closed: status %s, value %d, ok %d",
		csp_status_str(st), v, ok);
}

/* A spawn failed (the harness failed the test): free the tasks blocked on c, then wait. */
static void abandon(tctx *t, csp_chan *c, tgroup *g)
{
	csp_chan_close(c);
	t_wait(t, g, "tasks released by closing their channel after a failed spawn");
}

/* ---- Tasks ------------------------------------------------------------------------------------ */

/* One blocking receive of an int, after an optional delay (only in tests about time). */
struct receiver {
	csp_chan *c;
	bool with_ok; /* Go's `v, ok := <-c` rather than `v := <-c` */
	csp_duration delay;
	int status;
	int value; /* POISON until the receive stores into it */
	bool ok;
	_Atomic int done; /* the receive returned */
};

static void receiver_init(struct receiver *r, csp_chan *c, bool with_ok)
{
	memset(r, 0, sizeof *r);
	r->c = c;
	r->with_ok = with_ok;
	r->value = POISON;
	r->ok = with_ok; /* so that a receive that forgets to clear it shows */
	atomic_init(&r->done, 0);
}

static void receiver_task(void *arg)
{
	struct receiver *r = arg;
	if (r->delay > 0)
		csp_sleep(r->delay);
	r->status = csp_chan_recv(r->c, &r->value, r->with_ok ? &r->ok : NULL);
	atomic_store(&r->done, 1);
}

/* Start n receivers on c, alternately in the `v, ok :=` and the `v :=` form. */
static bool start_receivers(tctx *t, tgroup *g, struct receiver *r, int n, csp_chan *c)
{
	for (int i = 0; i < n; i++) {
		receiver_init(&r[i], c, i % 2 == 0);
		if (!t_go(t, g, receiver_task, &r[i]))
			return false;
	}
	return true;
}

static int receivers_done(struct receiver *r, int n)
{
	int done = 0;
	for (int i = 0; i < n; i++)
		done += atomic_load(&r[i].done);
	return done;
}

/* Every receiver got "closed", a zeroed value and ok = false. */
static void check_receivers_closed(tctx *t, struct receiver *r, int n)
{
	for (int i = 0; i < n; i++)
		T_CHECK(t, r[i].status == CSP_CLOSED && r[i].value == 0 && !(r[i].with_ok && r[i].ok),
			"receiver %d of %d woken by close: status %s, value %d, ok %d", i, n,
			csp_status_str(r[i].status), r[i].value, r[i].ok);
}

/* One blocking send of an int, after an optional delay (only in tests about time). */
struct sender {
	csp_chan *c;
	int value;
	csp_duration delay;
	int status;
	_Atomic int done; /* the send returned */
};

static void sender_init(struct sender *s, csp_chan *c, int value)
{
	memset(s, 0, sizeof *s);
	s->c = c;
	s->value = value;
	atomic_init(&s->done, 0);
}

static void sender_task(void *arg)
{
	struct sender *s = arg;
	if (s->delay > 0)
		csp_sleep(s->delay);
	s->status = csp_chan_send(s->c, &s->value);
	atomic_store(&s->done, 1);
}

/* Sends base, base+1, ..., base+n-1. */
struct seq_sender {
	tctx *t;
	csp_chan *c;
	int base;
	int n;
};

static void seq_sender_task(void *arg)
{
	struct seq_sender *s = arg;
	for (int i = 0; i < s->n; i++) {
		int v = s->base + i;
		int st = csp_chan_send(s->c, &v);
		T_CHECK(s->t, st == CSP_OK, "send of %d: %s", v, csp_status_str(st));
	}
}

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
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return;
	fill(t, c, (int)cap);
	if (t_failed(t))
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
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return;
	fill(t, c, (int)cap);
	if (t_failed(t))
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
	int64_t n = t_iters(5000); /* Go: 10000 (-short 100) */
	for (int64_t i = 0; i < n && !t_failed(t); i++) {
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

/* ---- test/chan/nonblock.go ------------------------------------------------------------------ */

/* An element type of nonblock.go: its size, the value the program sends to a receiver task and
 * the value a sender task sends to the program. */
struct nb_type {
	const char *name;
	size_t size;
	const void *to_task, *from_task;
};

enum { NB_MAX_SIZE = 16 };

struct nb_peer {
	tctx *t;
	const struct nb_type *ty;
	csp_chan *c, *strobe;
};

static void nb_receiver_task(void *arg)
{
	struct nb_peer *p = arg;
	unsigned char buf[NB_MAX_SIZE] = { 0 };
	int st = csp_chan_recv(p->c, buf, NULL);
	if (st != CSP_OK || memcmp(buf, p->ty->to_task, p->ty->size) != 0)
		t_fail(p->t, "%s receiver: status %s, or a wrong value", p->ty->name, csp_status_str(st));
	bool b = true;
	csp_chan_send(p->strobe, &b);
}

static void nb_sender_task(void *arg)
{
	struct nb_peer *p = arg;
	int st = csp_chan_send(p->c, p->ty->from_task);
	if (st != CSP_OK)
		t_fail(p->t, "%s sender: status %s", p->ty->name, csp_status_str(st));
	bool b = true;
	csp_chan_send(p->strobe, &b);
}

/* Retry a try-operation until it succeeds, yielding between tries (nonblock.go sleeps). */
static int retry_nonblocking(csp_chan *c, bool send, void *elem)
{
	int64_t give_up = csp_now() + PATIENCE;
	for (;;) {
		int st = send ? csp_chan_trysend(c, elem) : csp_chan_tryrecv(c, elem, NULL);
		if (st != CSP_WOULDBLOCK || csp_now() > give_up)
			return st;
		csp_yield();
	}
}

/* One type, one capacity: a try-receive on an empty channel fails; a retried try-send meets a
 * receiver task; a retried try-receive meets a sender task. */
static void nonblock_round(tctx *t, const struct nb_type *ty, size_t cap, csp_chan *strobe)
{
	csp_chan *c = t_chan(t, ty->size, cap);
	if (!c)
		return;
	unsigned char buf[NB_MAX_SIZE] = { 0 };
	int st = csp_chan_tryrecv(c, buf, NULL);
	T_CHECK(t, st == CSP_WOULDBLOCK, "%s cap %zu: tryrecv on an empty channel: %s", ty->name,
		cap, csp_status_str(st));
	tgroup g = { 0 };
	struct nb_peer p = { t, ty, c, strobe };
	if (!t_go(t, &g, nb_receiver_task, &p))
		return;
	memcpy(buf, ty->to_task, ty->size);
	st = retry_nonblocking(c, true, buf);
	if (st != CSP_OK) {
		t_fail(t, "%s cap %zu: trysend never met the receiver: %s", ty->name, cap,
			csp_status_str(st));
		csp_chan_close(c); /* release the receiver */
	}
	csp_chan_recv(strobe, NULL, NULL);
	if (!t_wait(t, &g, "nonblock.go receiver") || t_failed(t))
		return;
	if (!t_go(t, &g, nb_sender_task, &p))
		return;
	if (cap > 0)
		csp_chan_recv(strobe, NULL, NULL);
	memset(buf, 0, sizeof buf);
	st = retry_nonblocking(c, false, buf);
	if (st != CSP_OK) {
		t_fail(t, "%s cap %zu: tryrecv never met the sender: %s", ty->name, cap,
			csp_status_str(st));
		csp_chan_close(c); /* release the sender */
	}
	if (cap == 0)
		csp_chan_recv(strobe, NULL, NULL);
	if (!t_wait(t, &g, "nonblock.go sender"))
		return;
	T_CHECK(t, st != CSP_OK || memcmp(buf, ty->from_task, ty->size) == 0,
		"%s cap %zu: received a wrong value", ty->name, cap);
}

/* test/chan/nonblock.go: non-blocking sends and receives of several element types on
 * unbuffered and 1-buffered channels fail while no partner is there and succeed once one is. */
static void test_nonblock_go(tctx *t)
{
	static const int32_t i32_to = 123, i32_from = 234;
	static const int64_t i64_to = 123456, i64_from = 234567;
	static const bool b_to = true, b_from = true;
	static const char s_to[NB_MAX_SIZE] = "hello", s_from[NB_MAX_SIZE] = "hello again";
	const struct nb_type types[] = {
		{ "int32", sizeof i32_to, &i32_to, &i32_from },
		{ "int64", sizeof i64_to, &i64_to, &i64_from },
		{ "bool", sizeof b_to, &b_to, &b_from },
		{ "string", sizeof s_to, s_to, s_from },
	};
	t_progress(t, "nonblock.go");
	csp_chan *strobe = t_chan(t, sizeof(bool), 0);
	if (!strobe)
		return;
	for (size_t cap = 0; cap < 2; cap++)
		for (size_t i = 0; i < sizeof types / sizeof types[0] && !t_failed(t); i++)
			nonblock_round(t, &types[i], cap, strobe);
}

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
		csp_chan *c = t_chan(t, sizeof(int), cap);
		if (!c)
			return;
		fill(t, c, (int)cap);
		if (t_failed(t))
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

struct rendezvous {
	csp_chan *c;
	int n;
	_Atomic int asked; /* i+1 once the receiver is about to receive value i */
	int bad_status, bad_at, bad_value;
};

static void rendezvous_receiver_task(void *arg)
{
	struct rendezvous *r = arg;
	for (int i = 0; i < r->n; i++) {
		atomic_store(&r->asked, i + 1);
		int v = POISON;
		int st = csp_chan_recv(r->c, &v, NULL);
		if (st != CSP_OK || v != i) {
			r->bad_status = st;
			r->bad_at = i;
			r->bad_value = v;
			return;
		}
	}
}

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

/* ---- Go semantics: close ---------------------------------------------------------------------- */

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
		csp_chan *c = t_chan(t, sizeof(int), cap);
		if (!c)
			return;
		fill(t, c, (int)cap);
		if (t_failed(t))
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
	csp_chan *c = t_chan(t, sizeof(int), CAP);
	if (!c)
		return;
	fill(t, c, CAP);
	if (t_failed(t))
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
	int64_t start = csp_now();
	st = csp_chan_recv_timeout(c, &v, &ok, LONG_WAIT);
	int64_t elapsed = csp_now() - start;
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

/* ---- Go semantics: nil channels and time --------------------------------------------------- */

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
	int64_t start = csp_now();
	check_timed_out(t, csp_chan_send_timeout(NULL, &v, TIMEOUT_D), start, TIMEOUT_D,
		"timed send on nil");
	start = csp_now();
	check_timed_out(t, csp_chan_recv_timeout(NULL, &v, NULL, TIMEOUT_D), start, TIMEOUT_D,
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
		int64_t start = csp_now();
		check_timed_out(t, csp_chan_recv_timeout(c, &v, NULL, TIMEOUT_D), start, TIMEOUT_D,
			"timed receive from an empty channel");
		start = csp_now();
		check_timed_out(t, csp_chan_recv_timeout(c, &v, NULL, 0), start, 0,
			"zero-duration receive from an empty channel");
		fill(t, c, (int)cap);
		int other = 77;
		start = csp_now();
		check_timed_out(t, csp_chan_send_timeout(c, &other, TIMEOUT_D), start, TIMEOUT_D,
			"timed send to a full channel");
		start = csp_now();
		check_timed_out(t, csp_chan_send_timeout(c, &other, -TIMEOUT_D), start, 0,
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
		int64_t start = csp_now();
		int recv_st = csp_chan_recv_timeout(c, &v, &ok, LONG_WAIT);
		int64_t recv_took = csp_now() - start;

		fill(t, c, (int)cap);
		struct receiver r;
		receiver_init(&r, c, true);
		r.delay = BLOCK_WAIT;
		if (!t_go(t, &g, receiver_task, &r))
			return;
		int sent = 43;
		start = csp_now();
		int send_st = csp_chan_send_timeout(c, &sent, LONG_WAIT);
		int64_t send_took = csp_now() - start;
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

/* ---- Elements and creation ------------------------------------------------------------------ */

enum {
	ELEM_MAX = 257, /* largest element size tried */
	ELEM_GUARD = 16, /* bytes after a receive buffer that must stay untouched */
	ELEM_MSGS = 8,
	GUARD_BYTE = 0xA5,
};

static void elem_pattern(unsigned char *p, size_t size, int msg)
{
	for (size_t j = 0; j < size; j++)
		p[j] = (unsigned char)(msg * 37 + (int)j * 11 + 1);
}

struct pattern_sender {
	tctx *t;
	csp_chan *c;
	size_t size;
};

static void pattern_sender_task(void *arg)
{
	struct pattern_sender *s = arg;
	unsigned char buf[ELEM_MAX];
	for (int m = 0; m < ELEM_MSGS; m++) {
		elem_pattern(buf, s->size, m);
		T_CHECK(s->t, csp_chan_send(s->c, buf) == CSP_OK, "send of element %d", m);
	}
}

/* Receive one element into a guarded buffer: the element must be `want` (or zero when want is
 * NULL) and the guard bytes after it untouched. */
static void expect_elem(tctx *t, csp_chan *c, size_t size, const unsigned char *want,
	int want_status)
{
	unsigned char got[ELEM_MAX + ELEM_GUARD];
	memset(got, GUARD_BYTE, sizeof got);
	int st = csp_chan_recv(c, got, NULL);
	T_CHECK(t, st == want_status, "size %zu: receive: %s", size, csp_status_str(st));
	for (size_t j = 0; j < size; j++)
		T_CHECK(t, got[j] == (want ? want[j] : 0), "size %zu: byte %zu is %#x, want %#x", size,
			j, got[j], want ? want[j] : 0);
	for (size_t j = size; j < size + ELEM_GUARD; j++)
		T_CHECK(t, got[j] == GUARD_BYTE, "size %zu: receive wrote past the element (byte %zu)",
			size, j);
}

/* Elements of any size round-trip exactly, through a blocked partner and through the buffer:
 * 1 and 3 bytes, a 40-byte struct, 257 bytes. A receive writes exactly elem_size bytes, and a
 * receive from a closed channel zeroes exactly those. */
static void test_elem_sizes(tctx *t)
{
	static const size_t sizes[] = { 1, 3, 40, ELEM_MAX };
	for (size_t k = 0; k < 2 * (sizeof sizes / sizeof sizes[0]) && !t_failed(t); k++) {
		t_progress(t, "ChanElemSizes");
		size_t size = sizes[k / 2], cap = k % 2 ? 3 : 0;
		csp_chan *c = t_chan(t, size, cap);
		if (!c)
			return;
		T_CHECK(t, csp_chan_elem_size(c) == size && csp_chan_cap(c) == cap,
			"elem_size %zu cap %zu for a channel made with %zu, %zu", csp_chan_elem_size(c),
			csp_chan_cap(c), size, cap);
		tgroup g = { 0 };
		struct pattern_sender s = { t, c, size };
		if (!t_go(t, &g, pattern_sender_task, &s))
			return;
		unsigned char want[ELEM_MAX];
		for (int m = 0; m < ELEM_MSGS && !t_failed(t); m++) {
			elem_pattern(want, size, m);
			expect_elem(t, c, size, want, CSP_OK);
		}
		if (t_failed(t))
			csp_chan_close(c);
		if (!t_wait(t, &g, "element sender"))
			return;
		csp_chan_close(c);
		expect_elem(t, c, size, NULL, CSP_CLOSED);
	}
}

/* A channel of zero-byte elements cannot be made: NULL and EINVAL. */
static void test_make_zero_elem(tctx *t)
{
	t_progress(t, "ChanMakeZeroElem");
	errno = 0;
	csp_chan *c = csp_chan_make(t->impl->name, 0, 1);
	int err = errno;
	csp_chan_free(c);
	T_CHECK(t, c == NULL && err == EINVAL, "csp_chan_make with elem_size 0: %p, errno %d",
		(void *)c, err);
}

const struct tcase chan_tests[] = {
	{ .name = "TestChan", .prim = CSP_PRIM_CHAN, .body = test_chan },
	{ .name = "TestNonblockRecvRace", .prim = CSP_PRIM_CHAN, .body = test_nonblock_recv_race },
	{ .name = "TestMultiConsumer", .prim = CSP_PRIM_CHAN, .body = test_multi_consumer },
	{ .name = "GoChanNonblock", .prim = CSP_PRIM_CHAN, .body = test_nonblock_go },
	{ .name = "ChanFIFOPerSender", .prim = CSP_PRIM_CHAN, .body = test_fifo_per_sender },
	{ .name = "ChanBlockedSendAfterBuffer", .prim = CSP_PRIM_CHAN,
		.body = test_blocked_send_after_buffer },
	{ .name = "ChanUnbufferedRendezvous", .prim = CSP_PRIM_CHAN,
		.body = test_unbuffered_rendezvous },
	{ .name = "ChanCloseWakesReceivers", .prim = CSP_PRIM_CHAN,
		.body = test_close_wakes_receivers },
	{ .name = "ChanCloseWakesSenders", .prim = CSP_PRIM_CHAN, .body = test_close_wakes_senders },
	{ .name = "ChanCloseDrains", .prim = CSP_PRIM_CHAN, .body = test_close_drains },
	{ .name = "ChanSendOnClosed", .prim = CSP_PRIM_CHAN, .body = test_send_on_closed },
	{ .name = "ChanCloseClosed", .prim = CSP_PRIM_CHAN, .body = test_close_closed },
	{ .name = "ChanNil", .prim = CSP_PRIM_CHAN, .body = test_nil_chan },
	{ .name = "ChanTimeouts", .prim = CSP_PRIM_CHAN, .body = test_timeouts },
	{ .name = "ChanTimedOpSucceeds", .prim = CSP_PRIM_CHAN, .body = test_timed_op_succeeds },
	{ .name = "ChanElemSizes", .prim = CSP_PRIM_CHAN, .body = test_elem_sizes },
	{ .name = "ChanMakeZeroElem", .prim = CSP_PRIM_CHAN, .body = test_make_zero_elem },
	{ 0 },
};
