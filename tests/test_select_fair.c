/*
 * Conformance tests for select: how it chooses among ready cases. Ports of runtime/chan_test.go
 * TestSelectFairness and TestPseudoRandomSend, and a chi-square check that the choice is
 * uniform, run over every registered channel implementation.
 */
#include "chan_util.h"

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

/* ---- Go semantics: a uniform choice ---------------------------------------------------------- */

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

static const struct tcase select_fair_tests[] = {
	{ .name = "TestSelectFairness", .prim = CSP_PRIM_CHAN, .body = test_select_fairness },
	{ .name = "TestPseudoRandomSend", .prim = CSP_PRIM_CHAN, .body = test_pseudo_random_send },
	{ .name = "SelectUniform", .prim = CSP_PRIM_CHAN, .body = test_select_uniform },
	{ 0 },
};
T_REGISTER(select_fair_tests);
