/*
 * Conformance tests for select: ports of the runtime/chan_test.go tests that race selects
 * against each other and against plain operations (TestNonblockSelectRace, TestSelfSelect,
 * TestSelectStress, TestSelectDuplicateChannel), run over every registered channel
 * implementation. How the bodies observe "blocks" and wait for their tasks: chan_util.h.
 */
#include "chan_util.h"

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
	for (i = 0; t_more(t, i, n) && got; i++) {
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
	struct receiver b;
	receiver_init(&b, c, false);
	tgroup g = { 0 };
	if (!t_go(t, &g, dup_select_task, &a))
		return;
	expect_recv_blocks(t, e, "A finished with none of its cases ready");
	if (!t_go(t, &g, receiver_task, &b)) {
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

static const struct tcase select_go_tests[] = {
	{ .name = "TestNonblockSelectRace", .prim = CSP_PRIM_CHAN, .body = test_nonblock_select_race },
	{ .name = "TestNonblockSelectRace2", .prim = CSP_PRIM_CHAN,
		.body = test_nonblock_select_race2 },
	{ .name = "TestSelfSelect", .prim = CSP_PRIM_CHAN, .body = test_self_select },
	{ .name = "TestSelectStress", .prim = CSP_PRIM_CHAN, .body = test_select_stress },
	{ .name = "TestSelectDuplicateChannel", .prim = CSP_PRIM_CHAN,
		.body = test_select_duplicate_channel },
	{ 0 },
};
T_REGISTER(select_go_tests);
