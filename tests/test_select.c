/*
 * Conformance tests for select: ports of Go's select tests (runtime/chan_test.go, test/chan/
 * select3.go, doubleselect.go, select6.go, select7.go) and checks of the semantics Go gives
 * select, run over every registered channel implementation.
 *
 * As in test_chan.c, "blocks" is observed with timed operations that must time out (never with
 * sleeps); each check holds in every interleaving, and csp_sleep appears only in the test about
 * time. Bodies that start tasks observe into locals, release the tasks, wait, then check.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_WAIT (2 * CSP_MILLISECOND) /* a timed operation expected to time out */
#define TIMEOUT_D (10 * CSP_MILLISECOND) /* the duration SelectTimeout measures */
#define TIMEOUT_SLACK (1 * CSP_SECOND)   /* lateness beyond which a timeout is a bug */
#define LONG_WAIT (10 * CSP_SECOND)      /* a timed operation expected to succeed */

enum { POISON = -7 }; /* what an int receive buffer holds before the receive */

/* ---- Helpers ---------------------------------------------------------------------------------- */

static csp_case recv_case(csp_chan *c, void *buf)
{
	return (csp_case){ .ch = c, .dir = CSP_RECV, .buf = buf };
}

static csp_case send_case(csp_chan *c, void *buf)
{
	return (csp_case){ .ch = c, .dir = CSP_SEND, .buf = buf };
}

/* Fail unless an operation started at `start` with duration d took at least d, and not
 * absurdly longer. */
static void check_took(tctx *t, int64_t start, csp_duration d, const char *what)
{
	int64_t elapsed = csp_now() - start;
	if (elapsed < d)
		t_fail(t, "%s: timed out after %lld ns, before its %lld ns", what, (long long)elapsed,
			(long long)d);
	else if (elapsed > d + TIMEOUT_SLACK)
		t_fail(t, "%s: timed out after %lld ns, far beyond its %lld ns", what,
			(long long)elapsed, (long long)d);
}

/* The select must time out after d, choosing nothing. */
static void expect_select_timeout(tctx *t, csp_case *cases, size_t n, csp_duration d,
	const char *what)
{
	int64_t start = csp_now();
	int r = csp_select_timeout(cases, n, d);
	T_CHECK(t, r == CSP_SELECT_TIMEOUT, "%s: chose case %d, want a timeout", what, r);
	check_took(t, start, d > 0 ? d : 0, what);
}

/* The select, over cases nobody makes ready for now, blocks: a timed one times out. */
static void expect_select_blocks(tctx *t, csp_case *cases, size_t n, const char *what)
{
	expect_select_timeout(t, cases, n, BLOCK_WAIT, what);
}

/* A timed receive on c, on which nobody sends for now, must time out. */
static void expect_recv_blocks(tctx *t, csp_chan *c, const char *what)
{
	int64_t start = csp_now();
	int st = csp_chan_recv_timeout(c, NULL, NULL, BLOCK_WAIT);
	T_CHECK(t, st == CSP_TIMEOUT, "%s: %s, want a timeout", what, csp_status_str(st));
	check_took(t, start, BLOCK_WAIT, what);
}

/* csp_select must choose case `want` with the given ok, or return CSP_SELECT_DEFAULT if want is
 * that. */
static void expect_chosen(tctx *t, csp_case *cases, size_t n, bool has_default, int want,
	bool want_ok, const char *what)
{
	int r = csp_select(cases, n, has_default);
	T_CHECK(t, r == want, "%s: select returned %d, want %d", what, r, want);
	if (want >= 0)
		T_CHECK(t, cases[want].ok == want_ok, "%s: ok = %d, want %d", what, cases[want].ok,
			want_ok);
}

/* One plain send or receive of an int, after an optional delay (only in the test about time). */
struct op_task {
	csp_chan *c;
	int dir;
	int value; /* sent, or received into (POISON before) */
	csp_duration delay;
	int status;
};

static void op_task_fn(void *arg)
{
	struct op_task *o = arg;
	if (o->delay > 0)
		csp_sleep(o->delay);
	o->status = o->dir == CSP_SEND ? csp_chan_send(o->c, &o->value)
				       : csp_chan_recv(o->c, &o->value, NULL);
}

/* ---- runtime/chan_test.go TestNonblockSelectRace, TestNonblockSelectRace2 ------------------- */

struct nbsel {
	csp_chan *c1, *c2, *done;
};

static void nbsel_task(void *arg)
{
	struct nbsel *a = arg;
	csp_case cs[2] = { recv_case(a->c1, NULL), recv_case(a->c2, NULL) };
	bool got = csp_select(cs, 2, true) != CSP_SELECT_DEFAULT;
	csp_chan_send(a->done, &got);
}

/* Select acts on the channels' state at one instant. From the task's start, c1 or c2 is always
 * ready (c1 holds a value until c2 is made ready, by a send or by close), so its select with a
 * default must never take the default. */
static void nonblock_select_race(tctx *t, bool close_c2)
{
	int64_t n = t_iters(10000);
	csp_chan *done = t_chan(t, sizeof(bool), 1);
	if (!done)
		return;
	tgroup g = { 0 };
	int64_t i;
	bool got = true;
	for (i = 0; i < n && got; i++) {
		csp_chan *c1 = t_chan(t, sizeof(int), 1);
		csp_chan *c2 = t_chan(t, sizeof(int), close_c2 ? 0 : 1);
		if (!c1 || !c2)
			break;
		int one = 1;
		csp_chan_send(c1, &one);
		struct nbsel a = { c1, c2, done }; /* the task is done with it once it sent on done */
		if (!t_go(t, &g, nbsel_task, &a))
			break;
		if (close_c2)
			csp_chan_close(c2);
		else
			csp_chan_send(c2, &one);
		csp_case take_c1 = recv_case(c1, NULL);
		csp_select(&take_c1, 1, true);
		csp_chan_recv(done, &got, NULL);
	}
	if (!t_wait(t, &g, "non-blocking selects"))
		return;
	T_CHECK(t, got, "iteration %lld: the select took its default, yet a channel was ready",
		(long long)i - 1);
}

/* runtime/chan_test.go TestNonblockSelectRace (Go: 100000 rounds, -short 1000; here 10000). */
static void test_nonblock_select_race(tctx *t)
{
	t_progress(t, "TestNonblockSelectRace");
	nonblock_select_race(t, false);
}

/* runtime/chan_test.go TestNonblockSelectRace2: the same with close(c2) for c2 <- 1. */
static void test_nonblock_select_race2(tctx *t)
{
	t_progress(t, "TestNonblockSelectRace2");
	nonblock_select_race(t, true);
}

/* ---- runtime/chan_test.go TestSelfSelect ---------------------------------------------------- */

struct self_select {
	tctx *t;
	csp_chan *c;
	int p; /* the task's number: the value it sends */
	int n;
};

static void self_select_task(void *arg)
{
	struct self_select *s = arg;
	bool unbuffered = csp_chan_cap(s->c) == 0;
	for (int i = 0; i < s->n; i++) {
		int out = s->p, in = POISON;
		csp_case cs[2] = { send_case(s->c, &out), recv_case(s->c, &in) };
		if (s->p == 1 && i % 2 == 1) { /* the other case order */
			cs[0] = recv_case(s->c, &in);
			cs[1] = send_case(s->c, &out);
		}
		int r = csp_select(cs, 2, false);
		if (r < 0 || r > 1 || !cs[r].ok || (cs[r].dir == CSP_RECV && unbuffered && in == s->p)) {
			t_fail(s->t, "task %d, select %d: case %d, ok %d, received %d (a task must never "
				"meet itself)", s->p, i, r, r == 0 || r == 1 ? cs[r].ok : 0, in);
			csp_chan_close(s->c); /* let the other task finish */
			return;
		}
	}
}

/* runtime/chan_test.go TestSelfSelect: two tasks each select over a send and a receive on the
 * same channel; on an unbuffered one a task never receives its own value, and neither
 * deadlocks. */
static void test_self_select(tctx *t)
{
	static const size_t caps[] = { 0, 10 };
	for (size_t k = 0; k < 2 && !t_failed(t); k++) {
		t_progress(t, "TestSelfSelect");
		csp_chan *c = t_chan(t, sizeof(int), caps[k]);
		if (!c)
			return;
		struct self_select s[2];
		tgroup g = { 0 };
		for (int p = 0; p < 2; p++) {
			s[p] = (struct self_select){ t, c, p, (int)t_iters(1000) };
			if (!t_go(t, &g, self_select_task, &s[p])) {
				csp_chan_close(c);
				break;
			}
		}
		t_wait(t, &g, "self-selecting tasks");
	}
}

/* ---- runtime/chan_test.go TestSelectStress -------------------------------------------------- */

enum {
	STRESS_CHANS = 4,
	PLAIN_VALUE = 1,     /* sent by the plain senders */
	SELECT_VALUE = 1000, /* sent by the selecting sender */
};

struct stress {
	tctx *t;
	csp_chan *c[STRESS_CHANS];
	int n;
	_Atomic int64_t sum[STRESS_CHANS]; /* values received per channel */
};

struct stress_plain {
	struct stress *s;
	int k;
};

static void stress_plain_sender(void *arg)
{
	struct stress_plain *p = arg;
	int v = PLAIN_VALUE;
	for (int i = 0; i < p->s->n; i++)
		T_CHECK(p->s->t, csp_chan_send(p->s->c[p->k], &v) == CSP_OK, "plain send on c[%d]",
			p->k);
}

static void stress_plain_receiver(void *arg)
{
	struct stress_plain *p = arg;
	for (int i = 0; i < p->s->n; i++) {
		int v = 0;
		T_CHECK(p->s->t, csp_chan_recv(p->s->c[p->k], &v, NULL) == CSP_OK,
			"plain receive on c[%d]", p->k);
		atomic_fetch_add(&p->s->sum[p->k], v);
	}
}

/* n operations on each channel in one select, a channel's case set to NULL once it is done:
 * a NULL case that fired would push its count past n. order[j] is the channel of case j. */
static void stress_select(struct stress *s, int dir, const int *order)
{
	csp_case cs[STRESS_CHANS];
	int count[STRESS_CHANS] = { 0 }, in[STRESS_CHANS], out = SELECT_VALUE;
	for (int j = 0; j < STRESS_CHANS; j++)
		cs[j] = dir == CSP_SEND ? send_case(s->c[order[j]], &out)
					: recv_case(s->c[order[j]], &in[order[j]]);
	for (int i = 0; i < STRESS_CHANS * s->n; i++) {
		int r = csp_select(cs, STRESS_CHANS, false);
		T_CHECK(s->t, r >= 0 && r < STRESS_CHANS && cs[r].ok, "select %d: case %d", i, r);
		int k = order[r];
		T_CHECK(s->t, ++count[k] <= s->n, "select chose c[%d] after its case was set to NULL", k);
		if (dir == CSP_RECV)
			atomic_fetch_add(&s->sum[k], in[k]);
		if (count[k] == s->n)
			cs[r].ch = NULL;
	}
}

static void stress_select_sender(void *arg)
{
	static const int order[STRESS_CHANS] = { 3, 2, 0, 1 }; /* Go's case order */
	stress_select(arg, CSP_SEND, order);
}

static void stress_select_receiver(void *arg)
{
	static const int order[STRESS_CHANS] = { 0, 1, 2, 3 };
	stress_select(arg, CSP_RECV, order);
}

/* runtime/chan_test.go TestSelectStress (N shrunk): plain senders and receivers and one
 * selecting sender and receiver on two unbuffered and two buffered channels, all at once. Go
 * checks only that it does not deadlock; here also that each channel delivered exactly the
 * values sent (their sum) and that a NULL case never fired. */
static void test_select_stress(tctx *t)
{
	static const size_t caps[STRESS_CHANS] = { 0, 0, 2, 3 };
	t_progress(t, "TestSelectStress");
	struct stress s = { .t = t, .n = (int)t_iters(10000) }; /* Go's -short N */
	for (int k = 0; k < STRESS_CHANS; k++) {
		s.c[k] = t_chan(t, sizeof(int), caps[k]);
		if (!s.c[k])
			return;
		atomic_init(&s.sum[k], 0);
	}
	struct stress_plain p[STRESS_CHANS];
	tgroup g = { 0 };
	bool started = true;
	for (int k = 0; k < STRESS_CHANS && started; k++) {
		p[k] = (struct stress_plain){ &s, k };
		started = t_go(t, &g, stress_plain_sender, &p[k]) &&
			  t_go(t, &g, stress_plain_receiver, &p[k]);
	}
	started = started && t_go(t, &g, stress_select_sender, &s) &&
		  t_go(t, &g, stress_select_receiver, &s);
	if (!t_wait(t, &g, "TestSelectStress tasks") || !started)
		return;
	for (int k = 0; k < STRESS_CHANS; k++)
		T_CHECK(t, atomic_load(&s.sum[k]) == (int64_t)s.n * (PLAIN_VALUE + SELECT_VALUE),
			"c[%d]: received values sum to %lld, want %lld", k,
			(long long)atomic_load(&s.sum[k]),
			(long long)s.n * (PLAIN_VALUE + SELECT_VALUE));
}

/* ---- runtime/chan_test.go TestSelectFairness ------------------------------------------------ */

struct fairness {
	csp_chan *c1, *c2, *c3, *c4, *out, *done;
};

static void fairness_task(void *arg)
{
	struct fairness *f = arg;
	for (;;) {
		unsigned char b = 0;
		csp_case in[4] = { recv_case(f->c3, &b), recv_case(f->c4, &b), recv_case(f->c1, &b),
			recv_case(f->c2, &b) };
		csp_select(in, 4, false);
		csp_case out[2] = { send_case(f->out, &b), recv_case(f->done, NULL) };
		if (csp_select(out, 2, false) == 1)
			return;
	}
}

/* runtime/chan_test.go TestSelectFairness: with two of four cases always ready, each is chosen
 * about half the time, within Go's bound (six nines of confidence). */
static void test_select_fairness(tctx *t)
{
	t_progress(t, "TestSelectFairness");
	int trials = (int)t_iters(10000);
	struct fairness f = {
		t_chan(t, 1, (size_t)trials + 1), t_chan(t, 1, (size_t)trials + 1), t_chan(t, 1, 0),
		t_chan(t, 1, 0), t_chan(t, 1, 0), t_chan(t, 1, 0),
	};
	if (!f.c1 || !f.c2 || !f.c3 || !f.c4 || !f.out || !f.done)
		return;
	unsigned char one = 1, two = 2;
	for (int i = 0; i < trials + 1; i++)
		T_CHECK(t, csp_chan_trysend(f.c1, &one) == CSP_OK &&
				   csp_chan_trysend(f.c2, &two) == CSP_OK,
			"filling the buffered channels");
	tgroup g = { 0 };
	if (!t_go(t, &g, fairness_task, &f))
		return;
	int cnt[3] = { 0 }, other = 0;
	for (int i = 0; i < trials; i++) {
		unsigned char b = 0;
		csp_chan_recv(f.out, &b, NULL);
		if (b == 1 || b == 2)
			cnt[b]++;
		else
			other = b;
	}
	csp_chan_close(f.done);
	if (!t_wait(t, &g, "the selecting task"))
		return;
	T_CHECK(t, other == 0, "unexpected value %d on the channel", other);
	/* Go: |cnt1/trials - 1/2| <= 4.891676 / (2 sqrt(trials)), squared to avoid libm */
	double e = (double)cnt[1] / trials - 0.5;
	T_CHECK(t, 4 * e * e * trials <= 4.891676 * 4.891676,
		"unfair select: in %d trials, results were %d, %d", trials, cnt[1], cnt[2]);
}

/* ---- runtime/chan_test.go TestSelectDuplicateChannel ---------------------------------------- */

struct dup_select {
	csp_chan *c, *d, *e;
	int chose, value;
};

static void dup_select_task(void *arg)
{
	struct dup_select *a = arg;
	a->value = POISON;
	csp_case cs[3] = { recv_case(a->c, &a->value), recv_case(a->c, &a->value),
		recv_case(a->d, &a->value) };
	a->chose = csp_select(cs, 3, false);
	int nine = 9;
	csp_chan_send(a->e, &nine);
}

/* runtime/chan_test.go TestSelectDuplicateChannel: a task whose select waits on the same
 * channel twice, then is woken by another channel, must leave that channel's queue intact: a
 * receiver queued after it is still woken by a send. (Go sleeps so that A queues before B; here
 * timed receives on e, which must time out as A cannot finish, play that part.) */
static void test_select_duplicate_channel(tctx *t)
{
	t_progress(t, "TestSelectDuplicateChannel");
	csp_chan *c = t_chan(t, sizeof(int), 0), *d = t_chan(t, sizeof(int), 0),
		 *e = t_chan(t, sizeof(int), 0);
	if (!c || !d || !e)
		return;
	struct dup_select a = { c, d, e, -1, POISON };
	struct op_task b = { .c = c, .dir = CSP_RECV, .value = POISON };
	tgroup g = { 0 };
	if (!t_go(t, &g, dup_select_task, &a))
		return;
	expect_recv_blocks(t, e, "A finished with none of its cases ready");
	if (!t_go(t, &g, op_task_fn, &b)) {
		csp_chan_close(c);
		csp_chan_close(d);
		t_wait(t, &g, "A, after a failed spawn");
		return;
	}
	expect_recv_blocks(t, e, "A finished with none of its cases ready");
	int seven = 7, eight = 8, nine = POISON;
	csp_chan_send(d, &seven); /* wakes A, which must leave c's queue */
	csp_chan_recv(e, &nine, NULL);
	csp_chan_send(c, &eight); /* must wake B */
	if (!t_wait(t, &g, "A and B"))
		return;
	T_CHECK(t, a.chose == 2 && a.value == 7 && nine == 9, "A: case %d, value %d, then sent %d",
		a.chose, a.value, nine);
	T_CHECK(t, b.status == CSP_OK && b.value == 8, "B: status %s, value %d",
		csp_status_str(b.status), b.value);
}

/* ---- runtime/chan_test.go TestPseudoRandomSend ---------------------------------------------- */

enum { PRS_N = 100 };

struct prs_receiver {
	csp_chan *c;
	int got[PRS_N];
};

static void prs_receiver_task(void *arg)
{
	struct prs_receiver *r = arg;
	for (int i = 0; i < PRS_N; i++) {
		csp_yield();
		r->got[i] = POISON;
		csp_chan_recv(r->c, &r->got[i], NULL);
	}
}

/* runtime/chan_test.go TestPseudoRandomSend: a select over two sends, of 1 and of 0, to the same
 * channel picks each more than a tenth of the time, unbuffered and buffered. */
static void test_pseudo_random_send(tctx *t)
{
	static const size_t caps[] = { 0, PRS_N };
	for (size_t k = 0; k < 2 && !t_failed(t); k++) {
		t_progress(t, "TestPseudoRandomSend");
		struct prs_receiver r = { .c = t_chan(t, sizeof(int), caps[k]) };
		if (!r.c)
			return;
		tgroup g = { 0 };
		if (!t_go(t, &g, prs_receiver_task, &r))
			return;
		for (int i = 0; i < PRS_N; i++) {
			int one = 1, zero = 0;
			csp_case cs[2] = { send_case(r.c, &one), send_case(r.c, &zero) };
			csp_select(cs, 2, false);
		}
		if (!t_wait(t, &g, "the receiver"))
			return;
		int n0 = 0, n1 = 0;
		for (int i = 0; i < PRS_N; i++) {
			T_CHECK(t, r.got[i] == 0 || r.got[i] == 1, "received %d", r.got[i]);
			n0 += r.got[i] == 0;
			n1 += r.got[i] == 1;
		}
		T_CHECK(t, n0 > PRS_N / 10 && n1 > PRS_N / 10,
			"want pseudorandom, got %d zeros and %d ones (chan cap %zu)", n0, n1, caps[k]);
	}
}

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
	struct op_task first = { .c = s.c1, .dir = CSP_RECV }, wake = { .c = s.c2, .dir = CSP_SEND };
	tgroup g = { 0 };
	if (!t_go(t, &g, op_task_fn, &first) || !t_go(t, &g, select6_task, &s) ||
		!t_go(t, &g, op_task_fn, &wake)) {
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

/* ---- Go semantics --------------------------------------------------------------------------- */

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

/* Among ready cases the choice is uniform: four ready cases (three receives, a send) mixed with
 * a never-ready send, chosen with frequencies a chi-square test (3 degrees of freedom) accepts at
 * the 1e-6 level; the never-ready case is never chosen. */
static void test_select_uniform(tctx *t)
{
	enum { NCASES = 5, NEVER = 1 };
	static const double chi2_limit = 30.7; /* P(chi2_3 > 30.7) ~ 1e-6 */
	t_progress(t, "SelectUniform");
	csp_chan *c[NCASES];
	int buf[NCASES] = { 0 };
	csp_case cs[NCASES];
	for (int k = 0; k < NCASES; k++) {
		if (!(c[k] = t_chan(t, sizeof(int), k == NEVER ? 0 : 1)))
			return;
		bool recv = k % 2 == 0;
		cs[k] = recv ? recv_case(c[k], &buf[k]) : send_case(c[k], &buf[k]);
		if (recv && k != NEVER)
			T_CHECK_EQ(t, csp_chan_trysend(c[k], &k), CSP_OK);
	}
	int64_t reps = t_iters(40000);
	int64_t count[NCASES] = { 0 };
	for (int64_t i = 0; i < reps; i++) {
		int r = csp_select(cs, NCASES, false);
		T_CHECK(t, r >= 0 && r < NCASES && r != NEVER, "select returned %d", r);
		count[r]++;
		int v = r; /* make case r ready again */
		int st = cs[r].dir == CSP_RECV ? csp_chan_trysend(c[r], &v)
					       : csp_chan_tryrecv(c[r], &v, NULL);
		T_CHECK(t, st == CSP_OK, "restoring case %d: %s", r, csp_status_str(st));
	}
	double expect = (double)reps / (NCASES - 1), chi2 = 0;
	for (int k = 0; k < NCASES; k++)
		if (k != NEVER)
			chi2 += (count[k] - expect) * (count[k] - expect) / expect;
	T_CHECK(t, chi2 < chi2_limit, "non-uniform choice: counts %lld %lld %lld %lld of %lld "
		"(chi2 %.1f)", (long long)count[0], (long long)count[2], (long long)count[3],
		(long long)count[4], (long long)reps, chi2);
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
	struct op_task late = { .c = unbuf, .dir = CSP_SEND, .value = 13, .delay = BLOCK_WAIT };
	tgroup g = { 0 };
	if (!t_go(t, &g, op_task_fn, &late))
		return;
	in = POISON;
	int64_t start = csp_now();
	r = csp_select_timeout(cs, 3, LONG_WAIT);
	int64_t took = csp_now() - start;
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
	int64_t start = csp_now();
	/* two senders (or two receivers) on an unbuffered channel never meet */
	st = probe_send ? csp_chan_send_timeout(c, &v, BLOCK_WAIT)
			: csp_chan_recv_timeout(c, NULL, NULL, BLOCK_WAIT);
	check_took(t, start, BLOCK_WAIT, "probe of the blocked select's channel");
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

struct sel_rendezvous {
	csp_chan *c;
	int n;
	_Atomic int asked; /* i+1 once the receiver is about to receive value i */
	int bad_at, bad_value;
};

static void sel_rendezvous_receiver(void *arg)
{
	struct sel_rendezvous *r = arg;
	for (int i = 0; i < r->n; i++) {
		atomic_store(&r->asked, i + 1);
		int v = POISON;
		if (csp_chan_recv(r->c, &v, NULL) != CSP_OK || v != i) {
			r->bad_at = i;
			r->bad_value = v;
			return;
		}
	}
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
	struct sel_rendezvous r = { .c = c, .n = (int)t_iters(2000), .bad_at = -1 };
	atomic_init(&r.asked, 0);
	tgroup g = { 0 };
	if (!t_go(t, &g, sel_rendezvous_receiver, &r))
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

const struct tcase select_tests[] = {
	{ .name = "TestNonblockSelectRace", .prim = CSP_PRIM_CHAN, .body = test_nonblock_select_race },
	{ .name = "TestNonblockSelectRace2", .prim = CSP_PRIM_CHAN,
		.body = test_nonblock_select_race2 },
	{ .name = "TestSelfSelect", .prim = CSP_PRIM_CHAN, .body = test_self_select },
	{ .name = "TestSelectStress", .prim = CSP_PRIM_CHAN, .body = test_select_stress },
	{ .name = "TestSelectFairness", .prim = CSP_PRIM_CHAN, .body = test_select_fairness },
	{ .name = "TestSelectDuplicateChannel", .prim = CSP_PRIM_CHAN,
		.body = test_select_duplicate_channel },
	{ .name = "TestPseudoRandomSend", .prim = CSP_PRIM_CHAN, .body = test_pseudo_random_send },
	{ .name = "GoChanSelect3", .prim = CSP_PRIM_CHAN, .body = test_select3_go },
	{ .name = "GoChanDoubleSelect", .prim = CSP_PRIM_CHAN, .body = test_double_select_go },
	{ .name = "GoChanSelect6", .prim = CSP_PRIM_CHAN, .body = test_select6_go },
	{ .name = "GoChanSelect7", .prim = CSP_PRIM_CHAN, .body = test_select7_go },
	{ .name = "SelectExactlyOne", .prim = CSP_PRIM_CHAN, .body = test_select_exactly_one },
	{ .name = "SelectUniform", .prim = CSP_PRIM_CHAN, .body = test_select_uniform },
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
