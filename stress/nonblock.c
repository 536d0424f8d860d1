/*
 * chan-nonblock-close: Go's TestNonblockRecvRace (runtime/chan_test.go) as a stress scenario.
 *
 * Each round the body makes T-1 channels of capacity 1, sends one value into each, and
 * publishes the round; poller i try-receives from channel i once, while the body closes every
 * channel and receives from each (one non-blocking receiver per channel, as in Go's test: a
 * second one could take the value before the close). A channel that holds a value and is then closed is ready at every moment: until the
 * value is taken, because of the value, and after, because it is closed. So no try-receive may
 * report would-block; exactly one receive gets the value (ok) and every other one gets a zero
 * value with CSP_CLOSED: per channel, one of the two receives gets it. The window a broken try-receive needs (it checks "open" before the
 * close and "empty" after the value is taken) is a few instructions; the chaos mode's
 * preemption points inside the implementations (impls/shared/preempt.h) widen it.
 *
 * Ordering. The body -> pollers edge (the round, release/acquire) orders the send before the
 * try-receives; that is the scenario's premise, not the edge it checks. Pollers -> body (their
 * count of polls, release) comes after each poller's try-receive has returned.
 */
#include "stress.h"

#include <inttypes.h>

#define STOP INT64_MAX

struct nbc {
	csp_chan **c;           /* this round's channels, one per poller, written before the round */
	int pollers;            /* is published */
	_Atomic int64_t round;  /* body -> pollers (release); STOP ends the run */
	_Atomic int64_t polled; /* pollers -> body: try-receives done, all rounds (release) */
	_Atomic int64_t got;    /* receives that got a value, this round */
};

/* A receive from the round's channel: CSP_OK with the value, or CSP_CLOSED with zero. */
static bool check_recv(stask *t, struct nbc *x, int st, int v, const char *who)
{
	if (st == CSP_OK && v == 1) {
		atomic_fetch_add_explicit(&x->got, 1, memory_order_relaxed); /* read after the polls */
		return true;
	}
	if (st == CSP_CLOSED && v == 0)
		return true;
	if (st == CSP_WOULDBLOCK)
		s_fail(t->s, "%s found not ready a channel that held a value or was closed "
			  "(Go's TestNonblockRecvRace)", who);
	else
		s_fail(t->s, "%s returned %s with value %d (want ok with 1, or closed with 0)", who,
			csp_status_str(st), v);
	return false;
}

static void poller(stask *t)
{
	struct nbc *x = t->arg;
	for (int64_t r = 1;; r++) {
		if (!s_await_at_least(t, &x->round, r))
			return;
		/* acquire (in s_await_at_least): the body published x->c before the round */
		if (atomic_load_explicit(&x->round, memory_order_relaxed) == STOP)
			return;
		int v = -1;
		int st = sx_recv(t, x->c[t->index], &v, -1);
		if (!check_recv(t, x, st, v, "a try-receive"))
			return;
		/* release: this poll is done with x->c; pairs with the body's acquire before free */
		atomic_fetch_add_explicit(&x->polled, 1, memory_order_release);
		s_progress(t);
	}
}

/* The round's channels, each holding one value; false after recording a failure. */
static bool make_round(sctx *s, struct nbc *x)
{
	for (int i = 0; i < x->pollers; i++) {
		x->c[i] = s_chan_temp(s, sizeof(int), 1);
		if (!x->c[i])
			return false;
		int one = 1;
		int st = sx_send(&s->body, x->c[i], &one, -1);
		if (st != CSP_OK) {
			s_fail(s, "a try-send into an empty buffer of 1 returned %s", csp_status_str(st));
			return false;
		}
	}
	return true;
}

static void free_round(struct nbc *x)
{
	for (int i = 0; i < x->pollers; i++) {
		if (x->c[i])
			csp_chan_free(x->c[i]);
		x->c[i] = NULL;
	}
}

static void chan_nonblock_close(sctx *s)
{
	struct nbc *x = s_alloc(s, sizeof *x);
	stask *me = &s->body;
	x->pollers = s->ntasks - 1;
	x->c = x ? s_alloc(s, sizeof(csp_chan *) * (size_t)x->pollers) : NULL;
	if (!x || !x->c)
		return;
	s_phase(s, "rounds", 1.0);
	for (int i = 0; i < x->pollers; i++)
		if (!s_go(s, "poller", i, poller, x))
			goto stop;
	int64_t r = 1;
	for (; s_running(me); r++) {
		if (!make_round(s, x))
			break;
		atomic_store_explicit(&x->got, 0, memory_order_relaxed); /* no poller runs yet */
		/* release: publishes x->c and the buffered values; pairs with the pollers */
		atomic_store_explicit(&x->round, r, memory_order_release);
		bool ok = true;
		for (int i = 0; i < x->pollers && ok; i++) {
			s_pause(me, 0); /* so that the closes land anywhere among the polls */
			sx_close(me, x->c[i]);
			int v = -1;
			int st = sx_recv(me, x->c[i], &v, 0);
			ok = check_recv(me, x, st, v, "the receive after close");
		}
		/* acquire: pairs with each poller's release; then nobody uses the channels any more */
		if (!s_await_at_least(me, &x->polled, r * x->pollers) || !ok)
			goto stop; /* pollers may still use the channels: leak them, the run is failing */
		int64_t got = atomic_load_explicit(&x->got, memory_order_relaxed);
		free_round(x);
		if (got != x->pollers) {
			s_fail(s, "round %" PRId64 ": %" PRId64 " receives got a value from %d channels "
				  "holding one each", r, got, x->pollers);
			break;
		}
		s_progress(me);
	}
	if (!s_failed(s))
		s_note(s, "%" PRId64 " rounds of %d channels", r - 1, x->pollers);
stop:
	atomic_store_explicit(&x->round, STOP, memory_order_release); /* pairs with the pollers */
	s_join(s);
	if (!s_failed(s))
		free_round(x);
}

/*
 * chan-nonblock-close-sync: the same race on unbuffered channels. Each round pairs a sender,
 * blocked on a channel of its own (the implementation's `waiting` hook says when: it is known,
 * not guessed), with a poller that try-receives from it once while the body closes it. A
 * blocked sender is a ready partner until the close, and after it the channel is closed: no
 * try-receive may report would-block. Either the poller got the value and the send succeeded,
 * or both report closed. The window of a broken fast path (the poller reads "open", then close
 * completes the sender, then "no sender") is the one the preemption points widen.
 */
struct nbs {
	csp_chan **c;           /* this round's channels, one per pair, written before the round */
	int pairs;              /* is published */
	int *sent, *polled;     /* per pair: the two statuses, written before `done` */
	int *value;             /* per pair: what the poller received */
	_Atomic int64_t round;  /* body -> senders (release); STOP ends the run */
	_Atomic int64_t go;     /* body -> pollers: every sender is blocked (release); or STOP */
	_Atomic int64_t done;   /* senders and pollers -> body: one per task and round (release) */
};

static void sync_sender(stask *t)
{
	struct nbs *x = t->arg;
	for (int64_t r = 1;; r++) {
		/* acquire (in s_await_at_least): the body published x->c before the round */
		if (!s_await_at_least(t, &x->round, r) ||
		    atomic_load_explicit(&x->round, memory_order_relaxed) == STOP)
			return;
		int one = 1;
		x->sent[t->index] = sx_send(t, x->c[t->index], &one, 0);
		/* release: the status above, and this task is done with x->c; pairs with the body */
		atomic_fetch_add_explicit(&x->done, 1, memory_order_release);
		s_progress(t);
	}
}

static void sync_poller(stask *t)
{
	struct nbs *x = t->arg;
	for (int64_t r = 1;; r++) {
		/* acquire (in s_await_at_least): pairs with the body's release of go */
		if (!s_await_at_least(t, &x->go, r) ||
		    atomic_load_explicit(&x->go, memory_order_relaxed) == STOP)
			return;
		x->value[t->index] = -1;
		x->polled[t->index] = sx_recv(t, x->c[t->index], &x->value[t->index], -1);
		/* release: the status and value above; pairs with the body's acquire */
		atomic_fetch_add_explicit(&x->done, 1, memory_order_release);
		s_progress(t);
	}
}

/* Wait, bounded by the run, until the sender of every channel is blocked. */
static bool senders_blocked(stask *me, struct nbs *x, const csp_chan_ops *ops)
{
	unsigned round = 0;
	for (int i = 0; i < x->pairs; i++)
		while (ops->waiting(csp_chan_self(x->c[i]), CSP_SEND) < 1) {
			if (!s_running(me))
				return false;
			if (round++ < 64)
				csp_yield(); /* the sender needs the CPU to get there */
			else
				s_pause(me, 50);
		}
	return true;
}

/* One pair's outcome: the poller's and the sender's statuses must tell the same story. */
static bool check_pair(sctx *s, struct nbs *x, int i)
{
	int p = x->polled[i], v = x->value[i], snt = x->sent[i];
	if (p == CSP_WOULDBLOCK) {
		s_fail(s, "a try-receive found not ready an unbuffered channel with a blocked sender, "
			  "or closed (the sender then returned %s)", csp_status_str(snt));
		return false;
	}
	if (!(p == CSP_OK && v == 1 && snt == CSP_OK) && !(p == CSP_CLOSED && v == 0 && snt == CSP_CLOSED)) {
		s_fail(s, "try-receive returned %s with %d, its blocked sender %s (want both ok and 1, "
			  "or both closed and 0)", csp_status_str(p), v, csp_status_str(snt));
		return false;
	}
	return true;
}

static void chan_nonblock_close_sync(sctx *s)
{
	const csp_chan_ops *ops = (const csp_chan_ops *)s->impl; /* the head of its ops table */
	if (!ops->waiting) {
		s_note(s, "no waiting hook (csp_chan_ops.waiting): a blocked sender cannot be known");
		return;
	}
	stask *me = &s->body;
	struct nbs *x = s_alloc(s, sizeof *x);
	if (!x)
		return;
	x->pairs = s->ntasks / 2 > 0 ? s->ntasks / 2 : 1;
	size_t n = (size_t)x->pairs;
	x->c = s_alloc(s, n * sizeof(csp_chan *));
	x->sent = s_alloc(s, n * sizeof(int));
	x->polled = s_alloc(s, n * sizeof(int));
	x->value = s_alloc(s, n * sizeof(int));
	if (!x->c || !x->sent || !x->polled || !x->value)
		return;
	s_phase(s, "rounds", 1.0);
	for (int i = 0; i < x->pairs; i++)
		if (!s_go(s, "sender", i, sync_sender, x) || !s_go(s, "poller", i, sync_poller, x))
			goto stop;
	int64_t r = 1;
	for (; s_running(me); r++) {
		for (int i = 0; i < x->pairs; i++)
			if (!(x->c[i] = s_chan_temp(s, sizeof(int), 0)))
				goto stop;
		/* release: publishes x->c; pairs with the senders */
		atomic_store_explicit(&x->round, r, memory_order_release);
		if (ops->waiting(csp_chan_self(x->c[0]), CSP_SEND) == SIZE_MAX) {
			s_note(s, "the waiting hook cannot count this channel's blocked senders");
			goto stop;
		}
		if (!senders_blocked(me, x, ops))
			goto stop; /* senders stay blocked: leak the channels, the run is ending */
		/* release: pairs with the pollers (x->c is published already) */
		atomic_store_explicit(&x->go, r, memory_order_release);
		for (int i = 0; i < x->pairs; i++) {
			s_pause(me, 0); /* so that the closes land anywhere among the polls */
			sx_close(me, x->c[i]);
		}
		/* acquire: pairs with each task's release; then nobody uses the channels any more */
		if (!s_await_at_least(me, &x->done, 2 * r * x->pairs))
			goto stop;
		bool ok = true;
		for (int i = 0; i < x->pairs && ok; i++)
			ok = check_pair(s, x, i);
		for (int i = 0; i < x->pairs; i++) {
			csp_chan_free(x->c[i]);
			x->c[i] = NULL;
		}
		if (!ok)
			break;
		s_progress(me);
	}
	if (!s_failed(s))
		s_note(s, "%" PRId64 " rounds of %d blocked senders", r - 1, x->pairs);
stop:
	/* release, both: pair with the tasks' acquires */
	atomic_store_explicit(&x->round, STOP, memory_order_release);
	atomic_store_explicit(&x->go, STOP, memory_order_release);
	for (int i = 0; i < x->pairs; i++)
		if (x->c[i])
			csp_chan_close(x->c[i]); /* a sender still blocked returns (closed twice: harmless) */
	s_join(s);
	for (int i = 0; i < x->pairs; i++)
		if (x->c[i])
			csp_chan_free(x->c[i]);
}

static const struct scenario nonblock_scenarios[] = {
	{ .name = "chan-nonblock-close", .prim = CSP_PRIM_CHAN, .body = chan_nonblock_close,
		.what = "a try-receive racing close and a receive never finds a ready channel empty" },
	{ .name = "chan-nonblock-close-sync", .prim = CSP_PRIM_CHAN, .body = chan_nonblock_close_sync,
		.what = "a try-receive racing close never finds an unbuffered channel with a blocked "
			"sender, or closed, not ready" },
	{ .name = NULL },
};
S_REGISTER(nonblock_scenarios);
