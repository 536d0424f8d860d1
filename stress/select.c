/*
 * Stress scenarios of select (item.h has the values and the exactly-once tallies).
 *
 * chan-select: every task loops on selects of four cases over three shared channels (capacity 0,
 * 1 and 4; the fourth case repeats one of them), each case a send, a receive or a nil channel at
 * random, with a timeout or a default; one time in four it does a plain timed send or receive
 * instead. Checks: exactly one case fires — the receive buffers of the other cases stay
 * untouched, and every value is delivered exactly once (a select that performed two sends would
 * deliver one value twice; one that performed two receives would lose one); a fired case has
 * ok == true (nothing is closed); a select never receives the value it offers itself.
 *
 * select-fair: every task selects among four cases that are always ready on channels of its own
 * (phase "recv": four receives; phase "mixed": two sends, two receives), topping the channels
 * back up after each select. The counts per case must pass a chi-square test of uniformity at
 * p = 1e-9 (Go picks uniformly among ready cases).
 *
 * Ordering: values travel only through the channels; the harness's edges are tasks -> body at
 * the end (s_join).
 */
#include "item.h"

#include <inttypes.h>
#include <stdio.h>

#define NCH 3
#define NCASES 4
#define CHI2_LIMIT 44.84 /* chi-square, 3 degrees of freedom, p = 1e-9 */
#define MIN_SELECTS 40   /* fewer selects in a phase: the test has no power; noted, not failed */

static const size_t sel_caps[NCH] = { 0, 1, 4 };

struct sel {
	csp_chan *ch[NCH];
	int n;                /* tasks */
	int64_t *sent;        /* per task: values it delivered (its seqs 0..sent-1) */
	struct tally *tally;  /* [receiver][source]; row n is the body's final drain */
	_Atomic int64_t selects;
};

static bool poisoned(const struct item *v)
{
	const unsigned char *p = (const unsigned char *)v;
	for (size_t i = 0; i < sizeof *v; i++)
		if (p[i] != 0x5a)
			return false;
	return true;
}

/* A received value: valid, and not the one this task offered in the same select. */
static bool take(stask *t, struct sel *x, struct tally *row, const struct item *v, uint64_t seq,
	bool offered)
{
	if (!item_valid(v, (uint32_t)x->n)) {
		s_fail(t->s, "received a corrupt value (src %u, seq %" PRIu64 ")", v->src, v->seq);
		return false;
	}
	if (offered && v->src == (uint32_t)t->index && v->seq == seq) {
		s_fail(t->s, "a select received the value it was offering itself (seq %" PRIu64 ")", seq);
		return false;
	}
	tally_add(&row[v->src], v->seq); /* values of one source cross three channels: no order */
	return true;
}

static bool plain_op(stask *t, struct sel *x, struct tally *row, uint64_t *seq)
{
	csp_chan *c = x->ch[s_randn(t, NCH)];
	csp_duration d = (csp_duration)(s_randn(t, 200) + 20) * CSP_MICROSECOND;
	struct item v;
	if (s_randn(t, 2)) {
		v = item_make((uint32_t)t->index, *seq, 9);
		int st = sx_send(t, c, &v, d);
		*seq += st == CSP_OK;
		return st == CSP_OK || st == CSP_TIMEOUT ||
			(s_fail(t->s, "send on an open channel returned %s", csp_status_str(st)), false);
	}
	int st = sx_recv(t, c, &v, d);
	if (st == CSP_OK)
		return take(t, x, row, &v, *seq, false);
	return st == CSP_TIMEOUT ||
		(s_fail(t->s, "receive on an open channel returned %s", csp_status_str(st)), false);
}

static bool one_select(stask *t, struct sel *x, struct tally *row, uint64_t *seq)
{
	csp_case cases[NCASES];
	struct item out[NCASES], in[NCASES];
	bool offered = false;
	for (int k = 0; k < NCASES; k++) {
		int j = k < NCH ? k : (int)s_randn(t, NCH);
		uint32_t kind = k == 0 ? 1 + s_randn(t, 2) : s_randn(t, 3); /* case 0 is never nil */
		memset(&in[k], 0x5a, sizeof in[k]);
		out[k] = item_make((uint32_t)t->index, *seq, (uint64_t)k);
		cases[k] = (csp_case){ .ch = kind ? x->ch[j] : NULL,
			.dir = kind == 1 ? CSP_SEND : CSP_RECV, .buf = kind == 1 ? &out[k] : &in[k] };
		offered |= kind == 1;
	}
	csp_duration d = s_randn(t, 8) == 0 ? -1 : (csp_duration)(s_randn(t, 500) + 50) * CSP_MICROSECOND;
	int i = sx_select(t, cases, NCASES, d);
	for (int k = 0; k < NCASES; k++) {
		if (k != i && cases[k].dir == CSP_RECV && !poisoned(&in[k])) {
			s_fail(t->s, "select returned %d but also wrote the buffer of receive case %d", i,
				k);
			return false;
		}
	}
	if (i < 0)
		return true; /* timeout or default */
	if (i >= NCASES || !cases[i].ch) {
		s_fail(t->s, "select returned case %d, which is %s", i, i < NCASES ? "nil" : "out of range");
		return false;
	}
	if (!cases[i].ok) {
		s_fail(t->s, "select fired case %d with ok = false on an open channel", i);
		return false;
	}
	if (cases[i].dir == CSP_SEND) {
		(*seq)++;
		return true;
	}
	return take(t, x, row, &in[i], *seq, offered);
}

static void select_task(stask *t)
{
	struct sel *x = t->arg;
	struct tally *row = x->tally + (size_t)t->index * (size_t)x->n;
	uint64_t seq = 0;
	int64_t selects = 0;
	while (s_running(t)) {
		bool ok;
		if (s_randn(t, 4) == 0) {
			ok = plain_op(t, x, row, &seq);
		} else {
			selects++;
			ok = one_select(t, x, row, &seq);
		}
		if (!ok)
			break;
		s_progress(t);
	}
	x->sent[t->index] = (int64_t)seq;
	atomic_fetch_add_explicit(&x->selects, selects, memory_order_relaxed); /* read after join */
}

static void chan_select(sctx *s)
{
	struct sel *x = s_alloc(s, sizeof *x);
	if (!x)
		return;
	x->n = s->ntasks;
	x->sent = s_alloc(s, sizeof(int64_t) * (size_t)x->n);
	x->tally = s_alloc(s, sizeof(struct tally) * (size_t)(x->n + 1) * (size_t)x->n);
	if (!x->sent || !x->tally)
		return;
	for (int j = 0; j < NCH; j++)
		if (!(x->ch[j] = s_chan(s, sizeof(struct item), sel_caps[j])))
			return;
	tally_init(x->tally, (size_t)(x->n + 1) * (size_t)x->n);
	s_phase(s, "selects", 1.0);
	for (int i = 0; i < x->n; i++)
		if (!s_go(s, "selector", i, select_task, x))
			break;
	s_join(s);
	if (s_failed(s))
		return;
	struct tally *drain = x->tally + (size_t)x->n * (size_t)x->n;
	for (int j = 0; j < NCH; j++) {
		struct item v;
		while (csp_chan_tryrecv(x->ch[j], &v, NULL) == CSP_OK)
			if (!take(&s->body, x, drain, &v, 0, false))
				return;
	}
	int64_t total = 0;
	for (int src = 0; src < x->n; src++) {
		struct tally all;
		tally_init(&all, 1);
		for (int r = 0; r <= x->n; r++)
			tally_merge(&all, &x->tally[(size_t)r * (size_t)x->n + (size_t)src]);
		if (!tally_exact(&all, x->sent[src])) {
			s_fail(s, "task %d delivered %" PRId64 " values; %" PRId64
				  " were received, not each exactly once",
				src, x->sent[src], all.count);
			return;
		}
		total += x->sent[src];
	}
	s_note(s, "%lld selects, %" PRId64 " values delivered",
		(long long)atomic_load(&x->selects), total);
}

/* ---- select-fair ---------------------------------------------------------------------------- */

struct fair {
	bool mixed;      /* phase "mixed": cases 2 and 3 send */
	double worst;    /* largest chi-square of any task (body reads after join) */
	_Atomic int64_t weak; /* tasks with too few selects for the test */
	double *chi2;    /* per task */
};

static void fair_task(stask *t)
{
	struct fair *x = t->arg;
	csp_chan *ch[NCASES];
	int64_t count[NCASES] = { 0 }, n = 0;
	unsigned char b = 1;
	for (int k = 0; k < NCASES; k++) {
		ch[k] = csp_chan_make_ops((const csp_chan_ops *)t->s->impl, 1, 2);
		if (!ch[k]) {
			s_fail(t->s, "csp_chan_make failed");
			while (k-- > 0)
				csp_chan_free(ch[k]);
			return;
		}
		if (k < 2 || !x->mixed) /* receive cases start full, send cases empty */
			while (csp_chan_trysend(ch[k], &b) == CSP_OK)
				;
	}
	while (s_running(t)) {
		unsigned char in = 0, out = 2;
		csp_case cases[NCASES];
		for (int k = 0; k < NCASES; k++) {
			bool send = x->mixed && k >= 2;
			cases[k] = (csp_case){ .ch = ch[k], .dir = send ? CSP_SEND : CSP_RECV,
				.buf = send ? (void *)&out : (void *)&in };
		}
		int i = sx_select(t, cases, NCASES, 0);
		if (i < 0 || i >= NCASES) {
			s_fail(t->s, "select with every case ready returned %d", i);
			break;
		}
		count[i]++;
		n++;
		/* Top up: a receive case gets its value back, a send case its room. */
		int st = cases[i].dir == CSP_RECV ? csp_chan_trysend(ch[i], &b)
						  : csp_chan_tryrecv(ch[i], &in, NULL);
		if (st != CSP_OK) {
			s_fail(t->s, "topping up case %d after select: %s", i, csp_status_str(st));
			break;
		}
		s_progress(t);
	}
	for (int k = 0; k < NCASES; k++)
		csp_chan_free(ch[k]);
	if (s_failed(t->s))
		return;
	if (n < MIN_SELECTS) {
		atomic_fetch_add_explicit(&x->weak, 1, memory_order_relaxed); /* read after join */
		return;
	}
	double e = (double)n / NCASES, chi2 = 0;
	for (int k = 0; k < NCASES; k++)
		chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
	x->chi2[t->index] = chi2;
	if (chi2 > CHI2_LIMIT)
		s_fail(t->s, "select is not uniform: %lld/%lld/%lld/%lld picks of 4 ready cases "
			     "(chi-square %.1f > %.1f)",
			(long long)count[0], (long long)count[1], (long long)count[2],
			(long long)count[3], chi2, CHI2_LIMIT);
}

static void select_fair(sctx *s)
{
	struct fair *x = s_alloc(s, sizeof *x);
	double *chi2 = s_alloc(s, sizeof(double) * (size_t)s->ntasks);
	if (!x || !chi2)
		return;
	x->chi2 = chi2;
	for (int mixed = 0; mixed <= 1 && !s_failed(s); mixed++) {
		x->mixed = mixed;
		s_phase(s, mixed ? "mixed" : "recv", 0.5);
		for (int i = 0; i < s->ntasks; i++) {
			chi2[i] = 0;
			if (!s_go(s, "selector", i, fair_task, x))
				return;
		}
		s_join(s);
		for (int i = 0; i < s->ntasks; i++)
			x->worst = chi2[i] > x->worst ? chi2[i] : x->worst;
	}
	if (!s_failed(s))
		s_note(s, "largest chi-square %.1f (limit %.1f)%s", x->worst, CHI2_LIMIT,
			atomic_load(&x->weak) ? ", some tasks too slow to test" : "");
}

static const struct scenario select_scenarios[] = {
	{ .name = "chan-select", .prim = CSP_PRIM_CHAN, .body = chan_select,
		.what = "exactly one case fires under contention; exactly-once delivery",
		.timed = true },
	{ .name = "select-fair", .prim = CSP_PRIM_CHAN, .body = select_fair,
		.what = "uniform choice among ready cases (chi-square)",
		.timed = true },
	{ .name = NULL },
};
S_REGISTER(select_scenarios);
