/*
 * Stress scenarios of channels (item.h has the values and the exactly-once tallies).
 *
 * chan-mpmc: N producers and M consumers on one channel, one phase per capacity class
 * (0, 1, 8, 1024), with blocking, try and timed operations mixed in. Checks: every value arrives
 * exactly once and intact, each consumer sees each producer's values in order, len never exceeds
 * cap. When the producers are done the body closes the channel with the consumers still
 * receiving: they drain what is buffered, then get CSP_CLOSED with a zeroed element; a send and
 * a second close after it return CSP_CLOSED.
 *
 * chan-close-race: rounds on fresh channels of random capacity (0, 1, 4, 64), each closed by the
 * body after a random delay while senders and receivers are blocked on it or racing. A round is
 * one of four kinds: both sides running; senders first, receivers starting after the close (the
 * buffered values must all be delivered); receivers only; senders only (nobody ever receives:
 * close alone must release the blocked senders, and what they sent with CSP_OK must be exactly
 * what is buffered). Every task must return from every round, no send that starts after close
 * returned may succeed, and every value sent with CSP_OK is received exactly once, in order per
 * sender.
 *
 * Ordering. Values travel only through the channel. The body's own edges are: tasks -> body
 * (done with a phase or round, release) and body -> tasks (the next round, release), neither of
 * which lies between a send and the matching receive.
 */
#include "item.h"

#include <inttypes.h>
#include <stdio.h>

#define STOP INT64_MAX

static csp_duration pick_wait(stask *t)
{
	uint32_t r = s_randn(t, 10);
	if (r == 0)
		return -1; /* try */
	if (r == 1 && !s_det(t->s))
		return (csp_duration)(s_randn(t, 100) + 1) * CSP_MICROSECOND; /* timed */
	return 0; /* blocking */
}

static bool check_len(stask *t, csp_chan *c, size_t cap)
{
	size_t len = csp_chan_len(c);
	if (len > cap) {
		s_fail(t->s, "len %zu exceeds cap %zu", len, cap);
		return false;
	}
	return true;
}

/* ---- chan-mpmc ---------------------------------------------------------------------------- */

struct mpmc {
	csp_chan *c;
	size_t cap;
	int producers, consumers;
	int64_t *sent;             /* per producer, by it */
	struct tally *tally;       /* [consumer][producer], row by its consumer */
	_Atomic int64_t prod_done; /* release: producers -> body */
};

static void producer(stask *t)
{
	struct mpmc *x = t->arg;
	uint64_t seq = 0;
	while (s_running(t)) {
		struct item v = item_make((uint32_t)t->index, seq, x->cap);
		int st = sx_send(t, x->c, &v, pick_wait(t));
		if (st == CSP_OK) {
			seq++;
			s_progress(t);
		} else if (st != CSP_TIMEOUT && st != CSP_WOULDBLOCK) {
			s_fail(t->s, "send on an open channel returned %s", csp_status_str(st));
			break;
		}
		if (s_randn(t, 32) == 0 && !check_len(t, x->c, x->cap))
			break;
	}
	x->sent[t->index] = (int64_t)seq;
	/* release: publishes sent[]; pairs with the body's acquire (s_await_at_least) */
	atomic_fetch_add_explicit(&x->prod_done, 1, memory_order_release);
}

static void consumer(stask *t)
{
	struct mpmc *x = t->arg;
	struct tally *row = x->tally + (size_t)t->index * (size_t)x->producers;
	for (;;) {
		struct item v;
		memset(&v, 0x5a, sizeof v);
		int st = sx_recv(t, x->c, &v, s_failed(t->s) ? 0 : pick_wait(t));
		if (st == CSP_CLOSED) {
			if (!item_is_zero(&v))
				s_fail(t->s, "a receive that returned CSP_CLOSED left the element unzeroed");
			return;
		}
		if (st != CSP_OK)
			continue; /* timeout or would block */
		if (!item_valid(&v, (uint32_t)x->producers) || v.tag != x->cap) {
			s_fail(t->s, "received a corrupt value (src %u, seq %" PRIu64 ")", v.src, v.seq);
			return;
		}
		int64_t last = row[v.src].last;
		if (!tally_add(&row[v.src], v.seq)) {
			s_fail(t->s, "FIFO broken: from producer %u, seq %" PRIu64 " after %" PRId64,
				v.src, v.seq, last);
			return;
		}
		s_progress(t);
		if (s_randn(t, 32) == 0 && !check_len(t, x->c, x->cap))
			return;
	}
}

static void mpmc_phase(sctx *s, struct mpmc *x, const char *name, size_t cap, double fraction)
{
	stask *me = &s->body;
	x->cap = cap;
	x->c = s_chan_temp(s, sizeof(struct item), cap);
	if (!x->c)
		return;
	atomic_store_explicit(&x->prod_done, 0, memory_order_relaxed); /* before the spawns */
	tally_init(x->tally, (size_t)x->consumers * (size_t)x->producers);
	s_phase(s, name, fraction);
	for (int i = 0; i < x->producers; i++)
		if (!s_go(s, "producer", i, producer, x))
			goto out;
	for (int i = 0; i < x->consumers; i++)
		if (!s_go(s, "consumer", i, consumer, x))
			goto out;
	s_doing(me, "awaiting the producers");
	s_await_at_least(me, &x->prod_done, x->producers); /* acquire: producers -> body */
	int st = sx_close(me, x->c);
	if (st != CSP_OK)
		s_fail(s, "close of an open channel returned %s", csp_status_str(st));
	struct item v = item_make(0, 0, 0);
	st = sx_send(me, x->c, &v, -1);
	if (st != CSP_CLOSED)
		s_fail(s, "send on a closed channel returned %s", csp_status_str(st));
out:
	if (s_failed(s))
		csp_chan_close(x->c); /* let blocked consumers out */
	s_join(s);
	if (s_failed(s))
		goto free;
	if ((st = csp_chan_close(x->c)) != CSP_CLOSED)
		s_fail(s, "a second close returned %s", csp_status_str(st));
	if ((st = csp_chan_tryrecv(x->c, &v, NULL)) != CSP_CLOSED)
		s_fail(s, "receive on a closed, drained channel returned %s", csp_status_str(st));
	else if (!item_is_zero(&v))
		s_fail(s, "receive on a closed, drained channel left the element unzeroed");
	int64_t total = 0;
	for (int p = 0; p < x->producers && !s_failed(s); p++) {
		struct tally all;
		tally_init(&all, 1);
		for (int c = 0; c < x->consumers; c++)
			tally_merge(&all, &x->tally[(size_t)c * (size_t)x->producers + (size_t)p]);
		if (!tally_exact(&all, x->sent[p]))
			s_fail(s, "producer %d sent %" PRId64 " values; %" PRId64
				  " were received, not each exactly once",
				p, x->sent[p], all.count);
		total += x->sent[p];
	}
	if (!s_failed(s))
		s_note(s, "cap %zu: %" PRId64 " values", cap, total);
free:
	if (!s_failed(s))
		csp_chan_free(x->c); /* kept after a failure: tasks may still be inside */
}

static void chan_mpmc(sctx *s)
{
	static const struct {
		const char *name;
		size_t cap;
	} caps[] = { { "cap=0", 0 }, { "cap=1", 1 }, { "cap=8", 8 }, { "cap=1024", 1024 } };
	const int n = (int)(sizeof caps / sizeof caps[0]);
	struct mpmc *x = s_alloc(s, sizeof *x);
	if (!x)
		return;
	x->producers = s->ntasks / 2;
	x->consumers = s->ntasks - x->producers;
	x->sent = s_alloc(s, sizeof(int64_t) * (size_t)x->producers);
	x->tally = s_alloc(s, sizeof(struct tally) * (size_t)x->producers * (size_t)x->consumers);
	if (!x->sent || !x->tally)
		return;
	for (int i = 0; i < n && !s_failed(s); i++)
		mpmc_phase(s, x, caps[i].name, caps[i].cap, 1.0 / n);
}

/* ---- chan-close-race ----------------------------------------------------------------------- */

enum { BOTH, SENDERS_FIRST, RECEIVERS_ONLY, SENDERS_ONLY, KINDS };

struct race {
	csp_chan *c;            /* this round's, set before the round is published */
	size_t cap;
	int kind;
	int senders, receivers;
	_Atomic int64_t round;  /* release: body -> tasks */
	_Atomic int64_t closed; /* the last round whose close returned (release: body -> tasks) */
	_Atomic int64_t done;   /* task-rounds finished (release: tasks -> body) */
	int64_t *sent;          /* per sender, this round */
	struct tally *tally;    /* [receiver][sender], this round */
};

/* Blocking, or one time in four a short timeout (never in deterministic mode). */
static csp_duration race_wait(stask *t)
{
	return s_randn(t, 4) || s_det(t->s) ? 0 : 50 * CSP_MICROSECOND;
}

static int64_t race_next(stask *t, struct race *x, int64_t last)
{
	if (!s_await_at_least(t, &x->round, last + 1))
		return STOP;
	/* acquire: pairs with the body's release store, which publishes c, cap and kind */
	return atomic_load_explicit(&x->round, memory_order_acquire);
}

static void race_sender(stask *t)
{
	struct race *x = t->arg;
	for (int64_t r = 0; (r = race_next(t, x, r)) != STOP;) {
		uint64_t seq = 0;
		while (x->kind != RECEIVERS_ONLY) {
			struct item v = item_make((uint32_t)t->index, seq, (uint64_t)r);
			/* acquire: pairs with the body's release store once close returned */
			bool after_close = atomic_load_explicit(&x->closed, memory_order_acquire) == r;
			int st = sx_send(t, x->c, &v, race_wait(t));
			if (st == CSP_CLOSED)
				break;
			if (st == CSP_OK && after_close) {
				s_fail(t->s, "a send that started after close returned got CSP_OK");
				break;
			}
			if (st == CSP_OK)
				seq++;
		}
		x->sent[t->index] = (int64_t)seq;
		s_progress(t);
		/* release: publishes sent[]; pairs with the body's acquire */
		atomic_fetch_add_explicit(&x->done, 1, memory_order_release);
	}
}

static void race_receiver(stask *t)
{
	struct race *x = t->arg;
	struct tally *row = x->tally + (size_t)t->index * (size_t)x->senders;
	for (int64_t r = 0; (r = race_next(t, x, r)) != STOP;) {
		if (x->kind == SENDERS_FIRST && !s_await_at_least(t, &x->closed, r))
			break;
		while (x->kind != SENDERS_ONLY) {
			struct item v;
			int st = sx_recv(t, x->c, &v, race_wait(t));
			if (st == CSP_CLOSED)
				break;
			if (st != CSP_OK)
				continue;
			if (!item_valid(&v, (uint32_t)x->senders) || v.tag != (uint64_t)r) {
				s_fail(t->s, "received a corrupt value (src %u, seq %" PRIu64 ")", v.src,
					v.seq);
				break;
			}
			int64_t last = row[v.src].last;
			if (!tally_add(&row[v.src], v.seq)) {
				s_fail(t->s, "FIFO broken: from sender %u, seq %" PRIu64 " after %" PRId64,
					v.src, v.seq, last);
				break;
			}
		}
		s_progress(t);
		/* release: publishes this receiver's tally; pairs with the body's acquire */
		atomic_fetch_add_explicit(&x->done, 1, memory_order_release);
	}
}

/* After a round nobody received in: what the senders sent with CSP_OK is what is buffered.
 * Receive it here (into receiver 0's tally, unused this round), for the exactly-once check. */
static void drain_unreceived(sctx *s, struct race *x, int64_t r)
{
	int64_t sent = 0;
	for (int p = 0; p < x->senders; p++)
		sent += x->sent[p];
	size_t len = csp_chan_len(x->c);
	if ((int64_t)len != sent) {
		s_fail(s, "round %" PRId64 " (cap %zu), nobody receiving: %" PRId64 " sends returned "
			  "CSP_OK but %zu values are buffered",
			r, x->cap, sent, len);
		return;
	}
	struct item v;
	while (csp_chan_tryrecv(x->c, &v, NULL) == CSP_OK) {
		if (!item_valid(&v, (uint32_t)x->senders) || v.tag != (uint64_t)r ||
			!tally_add(&x->tally[v.src], v.seq)) {
			s_fail(s, "round %" PRId64 ": a buffered value is corrupt or out of order", r);
			return;
		}
	}
}

static void check_race_round(sctx *s, struct race *x, int64_t r)
{
	if (x->kind == SENDERS_ONLY)
		drain_unreceived(s, x, r);
	for (int p = 0; p < x->senders; p++) {
		struct tally all;
		tally_init(&all, 1);
		for (int c = 0; c < x->receivers; c++)
			tally_merge(&all, &x->tally[(size_t)c * (size_t)x->senders + (size_t)p]);
		if (!tally_exact(&all, x->sent[p])) {
			s_fail(s, "round %" PRId64 " (cap %zu, kind %d): sender %d sent %" PRId64
				  " values with CSP_OK; %" PRId64 " were received, not each exactly once",
				r, x->cap, x->kind, p, x->sent[p], all.count);
			return;
		}
	}
}

static void chan_close_race(sctx *s)
{
	static const size_t caps[] = { 0, 1, 4, 64 };
	stask *me = &s->body;
	struct race *x = s_alloc(s, sizeof *x);
	if (!x)
		return;
	x->senders = s->ntasks / 2;
	x->receivers = s->ntasks - x->senders;
	x->sent = s_alloc(s, sizeof(int64_t) * (size_t)x->senders);
	x->tally = s_alloc(s, sizeof(struct tally) * (size_t)x->senders * (size_t)x->receivers);
	if (!x->sent || !x->tally)
		return;
	int64_t r = 0;
	s_phase(s, "rounds", 1.0);
	for (int i = 0; i < x->senders; i++)
		if (!s_go(s, "sender", i, race_sender, x))
			goto stop;
	for (int i = 0; i < x->receivers; i++)
		if (!s_go(s, "receiver", i, race_receiver, x))
			goto stop;
	while (s_running(me)) {
		r++;
		x->cap = caps[s_randn(me, 4)];
		x->kind = (int)s_randn(me, KINDS);
		x->c = s_chan_temp(s, sizeof(struct item), x->cap);
		if (!x->c)
			break;
		tally_init(x->tally, (size_t)x->senders * (size_t)x->receivers);
		atomic_store_explicit(&x->round, r, memory_order_release); /* publishes c, cap, kind */
		s_pause(me, 200);
		int st = sx_close(me, x->c);
		atomic_store_explicit(&x->closed, r, memory_order_release); /* pairs: after_close */
		if (st != CSP_OK) {
			s_fail(s, "close of an open channel returned %s", csp_status_str(st));
			break;
		}
		s_doing(me, "awaiting the round's tasks");
		if (!s_await_at_least(me, &x->done, r * s->ntasks)) /* acquire: tasks -> body */
			break;
		check_race_round(s, x, r);
		if (s_failed(s))
			break;
		csp_chan_free(x->c);
		x->c = NULL;
		s_progress(me);
	}
	if (!s_failed(s))
		s_note(s, "%" PRId64 " rounds", r);
stop:
	atomic_store_explicit(&x->round, STOP, memory_order_release); /* pairs with race_next */
	s_join(s);
	if (x->c && !s_failed(s))
		csp_chan_free(x->c);
}

static const struct scenario chan_scenarios[] = {
	{ .name = "chan-mpmc", .prim = CSP_PRIM_CHAN, .body = chan_mpmc,
		.what = "exactly-once, per-producer FIFO, len <= cap, close drains; caps 0, 1, 8, 1024" },
	{ .name = "chan-close-race", .prim = CSP_PRIM_CHAN, .body = chan_close_race,
		.what = "close wakes every blocked sender and receiver; buffered values drain first" },
	{ .name = NULL },
};
S_REGISTER(chan_scenarios);
