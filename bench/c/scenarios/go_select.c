/*
 * Go's select benchmarks (runtime/chan_test.go, Go 1.19), one-to-one: the same loop bodies,
 * channel capacities and parallelism, under Go's names. The translation rules are those of
 * go_chan.c: RunParallel -> b_run_parallel, `go` -> b_go, int -> sizeof(int), bool -> 1 byte, and
 * a select with one case and a default -> the non-blocking operation Go compiles it to.
 */
#include "bench.h"

enum {
	CALLS_PER_SCHED = 1000, /* Go's CallsPerSched */
	PRODCONS_CAP = 128,     /* myc in SelectProdCons */
	PRODCONS_WORK = 100,    /* its local work loops */
};

static const int zero = 0, one = 1;

/* BenchmarkSelectUncontended: each task passes one token between two channels of its own. */
static void uncontended_body(bench_pb *pb, void *arg)
{
	bench_b *b = arg;
	csp_chan *c1 = b_chan(b, sizeof(int), 1), *c2 = b_chan(b, sizeof(int), 1);
	if (!c1 || !c2)
		return;
	csp_chan_send(c1, &zero);
	csp_case cases[2] = { { .ch = c1, .dir = CSP_RECV }, { .ch = c2, .dir = CSP_RECV } };
	while (b_next(pb)) {
		if (csp_select(cases, 2, false) == 0)
			csp_chan_send(c2, &zero);
		else
			csp_chan_send(c1, &zero);
	}
}

static void select_uncontended(bench_b *b)
{
	b_run_parallel(b, uncontended_body, b);
}

/*
 * BenchmarkSelectSyncContended: each parallel task starts a sender that offers 0 on three shared
 * unbuffered channels until `done` is closed, and receives from whichever of the three is ready.
 *
 * Go closes `done` after RunParallel returns. b_run_parallel also waits for the senders (they are
 * b_go tasks too), so the last parallel task to finish closes `done` instead and stops the timer
 * there, where Go's would stop: the body task is blocked in b_run_parallel meanwhile, and reads
 * the timer only after every task has finished.
 */
struct sync_contended {
	bench_b *b;
	csp_chan *c[3], *done;
	_Atomic int finished; /* parallel tasks out of their loop */
};

static void sync_contended_sender(void *arg)
{
	struct sync_contended *s = arg;
	csp_case cases[4] = {
		{ .ch = s->c[0], .dir = CSP_SEND, .buf = (void *)&zero },
		{ .ch = s->c[1], .dir = CSP_SEND, .buf = (void *)&zero },
		{ .ch = s->c[2], .dir = CSP_SEND, .buf = (void *)&zero },
		{ .ch = s->done, .dir = CSP_RECV },
	};
	while (csp_select(cases, 4, false) != 3)
		;
}

static void sync_contended_body(bench_pb *pb, void *arg)
{
	struct sync_contended *s = arg;
	b_go(s->b, sync_contended_sender, s);
	csp_case cases[3] = {
		{ .ch = s->c[0], .dir = CSP_RECV },
		{ .ch = s->c[1], .dir = CSP_RECV },
		{ .ch = s->c[2], .dir = CSP_RECV },
	};
	while (b_next(pb))
		csp_select(cases, 3, false);
	if (atomic_fetch_add(&s->finished, 1) + 1 == s->b->procs) {
		csp_chan_close(s->done);
		b_stop_timer(s->b);
	}
}

static void select_sync_contended(bench_b *b)
{
	struct sync_contended s = { .b = b, .done = b_chan(b, sizeof(int), 0) };
	for (int i = 0; i < 3; i++)
		s.c[i] = b_chan(b, sizeof(int), 0);
	if (!s.c[0] || !s.c[1] || !s.c[2] || !s.done)
		return;
	atomic_init(&s.finished, 0);
	b_run_parallel(b, sync_contended_body, &s);
}

/* BenchmarkSelectAsyncContended: every task adds a token to two shared channels of GOMAXPROCS
 * slots, then moves tokens from whichever has one to the other. */
struct async_contended {
	csp_chan *c1, *c2;
};

static void async_contended_body(bench_pb *pb, void *arg)
{
	struct async_contended *a = arg;
	csp_chan_send(a->c1, &zero);
	csp_case cases[2] = { { .ch = a->c1, .dir = CSP_RECV }, { .ch = a->c2, .dir = CSP_RECV } };
	while (b_next(pb)) {
		if (csp_select(cases, 2, false) == 0)
			csp_chan_send(a->c2, &zero);
		else
			csp_chan_send(a->c1, &zero);
	}
}

static void select_async_contended(bench_b *b)
{
	struct async_contended a = { b_chan(b, sizeof(int), (size_t)b->procs),
		b_chan(b, sizeof(int), (size_t)b->procs) };
	if (a.c1 && a.c2)
		b_run_parallel(b, async_contended_body, &a);
}

/* BenchmarkSelectNonblock: four non-blocking selects: receive from and send to an unbuffered
 * channel (never ready), receive from an empty and send to a full buffered one (after the first
 * send, never ready either). */
struct nonblock {
	csp_chan *c1, *c2, *c3, *c4;
};

static void nonblock_body(bench_pb *pb, void *arg)
{
	struct nonblock *nb = arg;
	while (b_next(pb)) {
		csp_chan_tryrecv(nb->c1, NULL, NULL);
		csp_chan_trysend(nb->c2, &zero);
		csp_chan_tryrecv(nb->c3, NULL, NULL);
		csp_chan_trysend(nb->c4, &zero);
	}
}

static void select_nonblock(bench_b *b)
{
	struct nonblock nb = { b_chan(b, sizeof(int), 0), b_chan(b, sizeof(int), 0),
		b_chan(b, sizeof(int), 1), b_chan(b, sizeof(int), 1) };
	if (nb.c1 && nb.c2 && nb.c3 && nb.c4)
		b_run_parallel(b, nonblock_body, &nb);
}

/*
 * BenchmarkSelectProdCons: benchmarkChanProdCons(b, 128, 100) with every send and receive a
 * select that also waits on a timer that does not fire and on a channel that is never closed.
 * csplab has no timers: each task's time.After(time.Hour) is a channel of its own that nothing
 * is sent on, which select sees the same way (one more channel never ready).
 */
struct sel_prodcons {
	bench_b *b;
	csp_chan *myc, *myclose, *c;
	_Atomic int64_t n; /* batches not yet taken (Go's N) */
};

static void sel_producer(void *arg)
{
	struct sel_prodcons *pc = arg;
	int64_t foo = 0;
	csp_case cases[3] = {
		{ .ch = pc->myc, .dir = CSP_SEND, .buf = (void *)&one },
		{ .ch = b_chan(pc->b, 1, 1), .dir = CSP_RECV }, /* mytimer */
		{ .ch = pc->myclose, .dir = CSP_RECV },
	};
	while (atomic_fetch_sub(&pc->n, 1) - 1 >= 0) {
		for (int g = 0; g < CALLS_PER_SCHED; g++) {
			foo = b_work_live(foo, PRODCONS_WORK);
			csp_select(cases, 3, false);
		}
	}
	csp_chan_send(pc->myc, &zero);
	unsigned char is42 = foo == 42; /* Go's `c <- foo == 42`, which keeps foo live */
	csp_chan_send(pc->c, &is42);
}

static void sel_consumer(void *arg)
{
	struct sel_prodcons *pc = arg;
	int64_t foo = 0;
	int v;
	csp_case cases[3] = {
		{ .ch = pc->myc, .dir = CSP_RECV, .buf = &v },
		{ .ch = b_chan(pc->b, 1, 1), .dir = CSP_RECV }, /* mytimer */
		{ .ch = pc->myclose, .dir = CSP_RECV },
	};
	for (;;) {
		if (csp_select(cases, 3, false) == 0 && v == 0)
			break;
		foo = b_work_live(foo, PRODCONS_WORK);
	}
	unsigned char is42 = foo == 42;
	csp_chan_send(pc->c, &is42);
}

static void select_prodcons(bench_b *b)
{
	struct sel_prodcons pc = { .b = b, .myc = b_chan(b, sizeof(int), PRODCONS_CAP),
		.myclose = b_chan(b, 1, 0), .c = b_chan(b, 1, 2 * (size_t)b->procs) };
	if (!pc.myc || !pc.myclose || !pc.c)
		return;
	atomic_init(&pc.n, b->n / CALLS_PER_SCHED);
	for (int p = 0; p < b->procs; p++) {
		b_go(b, sel_producer, &pc);
		b_go(b, sel_consumer, &pc);
	}
	for (int p = 0; p < 2 * b->procs; p++)
		csp_chan_recv(pc.c, NULL, NULL);
	b_stop_timer(b);
	b_wait(b);
}

static const struct bench_scenario s_uncontended = {
	.name = "SelectUncontended", .prim = CSP_PRIM_CHAN, .go_origin = true,
	.run = select_uncontended,
};
static const struct bench_scenario s_sync_contended = {
	.name = "SelectSyncContended", .prim = CSP_PRIM_CHAN, .go_origin = true,
	.run = select_sync_contended,
};
static const struct bench_scenario s_async_contended = {
	.name = "SelectAsyncContended", .prim = CSP_PRIM_CHAN, .go_origin = true,
	.run = select_async_contended,
};
static const struct bench_scenario s_nonblock = {
	.name = "SelectNonblock", .prim = CSP_PRIM_CHAN, .go_origin = true,
	.run = select_nonblock,
};
static const struct bench_scenario s_prodcons = {
	.name = "SelectProdCons", .prim = CSP_PRIM_CHAN, .go_origin = true,
	.run = select_prodcons,
};
BENCH_SCENARIO(s_uncontended)
BENCH_SCENARIO(s_sync_contended)
BENCH_SCENARIO(s_async_contended)
BENCH_SCENARIO(s_nonblock)
BENCH_SCENARIO(s_prodcons)
