/*
 * Go's channel benchmarks without select (runtime/chan_test.go, Go 1.19), one-to-one: the same
 * loop bodies, channel capacities and parallelism, under Go's names.
 *
 * Translation: b.RunParallel -> b_run_parallel (b->procs tasks, GOMAXPROCS); `go f()` ->
 * b_go; b.N -> b->n; Go's inline `foo *= 2; foo /= 2` loops, whose foo is live (`c <- foo ==
 * 42`), -> b_work_live, and its localWork(w) (`foo /= foo + 1`) -> b_local_work (bench.h shows
 * what Go compiled each to).
 * Element types: int -> sizeof(int); bool and struct{} -> 1 byte (csplab has no zero-size
 * elements). A select with one case and a default is what Go compiles to a non-blocking
 * operation, so it is csp_chan_tryrecv / csp_chan_trysend here.
 *
 * Where Go's function returns while goroutines it started are still exiting, the body stops the
 * timer there and only then waits for its tasks (b_wait), which must be gone before the harness
 * frees the channels.
 */
#include "bench.h"

#include <stdlib.h>

enum {
	CALLS_PER_SCHED = 1000, /* Go's CallsPerSched */
	BURST = 100,            /* Go's C in ChanUncontended / ChanContended */
	POPULAR = 1000,         /* goroutines in ChanPopular */
	MAKECHAN_CAP = 8,
};

static const int zero = 0, one = 1;
static const unsigned char false_byte = 0, true_byte = 1;

/* BenchmarkChanNonblocking: `select { case <-myc: default: }` on an unbuffered channel no one
 * sends on. */
static void nonblocking_body(bench_pb *pb, void *arg)
{
	csp_chan *c = arg;
	while (b_next(pb))
		csp_chan_tryrecv(c, NULL, NULL);
}

static void chan_nonblocking(bench_b *b)
{
	csp_chan *c = b_chan(b, sizeof(int), 0);
	if (c)
		b_run_parallel(b, nonblocking_body, c);
}

/* BenchmarkChanUncontended / ChanContended: BURST sends then BURST receives per operation, on a
 * channel of each task's own (cap BURST) or one shared by all (cap BURST * GOMAXPROCS). */
static void burst(bench_pb *pb, csp_chan *c)
{
	while (b_next(pb)) {
		for (int i = 0; i < BURST; i++)
			csp_chan_send(c, &zero);
		for (int i = 0; i < BURST; i++)
			csp_chan_recv(c, NULL, NULL);
	}
}

static void uncontended_body(bench_pb *pb, void *arg)
{
	csp_chan *c = b_chan(arg, sizeof(int), BURST);
	if (c)
		burst(pb, c);
}

static void contended_body(bench_pb *pb, void *arg)
{
	burst(pb, arg);
}

static void chan_uncontended(bench_b *b)
{
	b_run_parallel(b, uncontended_body, b);
}

static void chan_contended(bench_b *b)
{
	csp_chan *c = b_chan(b, sizeof(int), (size_t)BURST * (size_t)b->procs);
	if (c)
		b_run_parallel(b, contended_body, c);
}

/* benchmarkChanSync(b, work): two tasks (2 in Go too, not GOMAXPROCS) take batches of
 * CALLS_PER_SCHED exchanges over one unbuffered channel; the batch number's parity decides who
 * receives first, so the two always pair up. */
struct chan_sync {
	csp_chan *myc, *c;
	_Atomic int64_t n; /* batches not yet taken (Go's N) */
	int work;
};

static void chan_sync_task(void *arg)
{
	struct chan_sync *s = arg;
	int64_t i;
	while ((i = atomic_fetch_sub(&s->n, 1) - 1) >= 0) {
		for (int g = 0; g < CALLS_PER_SCHED; g++) {
			if (i % 2 == 0) {
				csp_chan_recv(s->myc, NULL, NULL);
				b_local_work(s->work);
				csp_chan_send(s->myc, &zero);
				b_local_work(s->work);
			} else {
				csp_chan_send(s->myc, &zero);
				b_local_work(s->work);
				csp_chan_recv(s->myc, NULL, NULL);
				b_local_work(s->work);
			}
		}
	}
	csp_chan_send(s->c, &true_byte);
}

static void run_chan_sync(bench_b *b, int work)
{
	const int procs = 2;
	struct chan_sync s = { .myc = b_chan(b, sizeof(int), 0), .c = b_chan(b, 1, procs),
		.work = work };
	if (!s.myc || !s.c)
		return;
	atomic_init(&s.n, b->n / CALLS_PER_SCHED / procs * procs);
	for (int p = 0; p < procs; p++)
		b_go(b, chan_sync_task, &s);
	for (int p = 0; p < procs; p++)
		csp_chan_recv(s.c, NULL, NULL);
	b_stop_timer(b);
	b_wait(b);
}

static void chan_sync(bench_b *b) { run_chan_sync(b, 0); }
static void chan_sync_work(bench_b *b) { run_chan_sync(b, 1000); }

/* benchmarkChanProdCons(b, chanSize, localWork): GOMAXPROCS producers and as many consumers over
 * one channel; producers send 1 in batches of CALLS_PER_SCHED, then one 0 each, which stops one
 * consumer. */
struct prodcons {
	csp_chan *myc, *c;
	_Atomic int64_t n; /* batches not yet taken (Go's N) */
	int work;
};

static void producer(void *arg)
{
	struct prodcons *pc = arg;
	int64_t foo = 0;
	while (atomic_fetch_sub(&pc->n, 1) - 1 >= 0) {
		for (int g = 0; g < CALLS_PER_SCHED; g++) {
			foo = b_work_live(foo, pc->work);
			csp_chan_send(pc->myc, &one);
		}
	}
	csp_chan_send(pc->myc, &zero);
	unsigned char is42 = foo == 42; /* Go's `c <- foo == 42`, which keeps foo live */
	csp_chan_send(pc->c, &is42);
}

static void consumer(void *arg)
{
	struct prodcons *pc = arg;
	int64_t foo = 0;
	int v;
	while (csp_chan_recv(pc->myc, &v, NULL) == CSP_OK && v != 0)
		foo = b_work_live(foo, pc->work);
	unsigned char is42 = foo == 42;
	csp_chan_send(pc->c, &is42);
}

static void run_prodcons(bench_b *b, size_t chan_size, int work)
{
	struct prodcons pc = { .myc = b_chan(b, sizeof(int), chan_size),
		.c = b_chan(b, 1, 2 * (size_t)b->procs), .work = work };
	if (!pc.myc || !pc.c)
		return;
	atomic_init(&pc.n, b->n / CALLS_PER_SCHED);
	for (int p = 0; p < b->procs; p++) {
		b_go(b, producer, &pc);
		b_go(b, consumer, &pc);
	}
	for (int p = 0; p < 2 * b->procs; p++)
		csp_chan_recv(pc.c, NULL, NULL);
	b_stop_timer(b);
	b_wait(b);
}

static void prodcons0(bench_b *b) { run_prodcons(b, 0, 0); }
static void prodcons10(bench_b *b) { run_prodcons(b, 10, 0); }
static void prodcons100(bench_b *b) { run_prodcons(b, 100, 0); }
static void prodcons_work0(bench_b *b) { run_prodcons(b, 0, 100); }
static void prodcons_work10(bench_b *b) { run_prodcons(b, 10, 100); }
static void prodcons_work100(bench_b *b) { run_prodcons(b, 100, 100); }

/* BenchmarkChanSem: a channel of struct{} with GOMAXPROCS slots used as a semaphore. */
static void sem_body(bench_pb *pb, void *arg)
{
	csp_chan *c = arg;
	while (b_next(pb)) {
		csp_chan_send(c, &false_byte);
		csp_chan_recv(c, NULL, NULL);
	}
}

static void chan_sem(bench_b *b)
{
	csp_chan *c = b_chan(b, 1, (size_t)b->procs);
	if (c)
		b_run_parallel(b, sem_body, c);
}

/* BenchmarkChanPopular: POPULAR tasks, each selecting b.N times over a shared channel no one
 * sends on and its own; one operation is a send to every task's own channel. With OS threads
 * that is POPULAR threads, woken one after another. */
struct popular_task {
	csp_chan *c, *d;
	int64_t n;
};

static void popular_task(void *arg)
{
	struct popular_task *t = arg;
	csp_case cases[2] = { { .ch = t->c, .dir = CSP_RECV }, { .ch = t->d, .dir = CSP_RECV } };
	for (int64_t i = 0; i < t->n; i++)
		csp_select(cases, 2, false);
}

static void chan_popular(bench_b *b)
{
	csp_chan *c = b_chan(b, 1, 0);
	struct popular_task *t = malloc(POPULAR * sizeof *t);
	if (!c || !t) {
		if (!t)
			b_error(b, "out of memory");
		free(t);
		return;
	}
	for (int j = 0; j < POPULAR; j++) {
		t[j] = (struct popular_task){ c, b_chan(b, 1, 0), b->n };
		if (!t[j].d)
			goto out; /* no task started yet: nothing to wait for */
	}
	for (int j = 0; j < POPULAR; j++)
		b_go(b, popular_task, &t[j]);
	for (int64_t i = 0; i < b->n; i++)
		for (int j = 0; j < POPULAR; j++)
			csp_chan_send(t[j].d, &true_byte);
	b_wait(b);
out:
	free(t);
}

/* BenchmarkChanClosed: `select { case <-c: default: b.Error(...) }` on a closed channel. */
struct closed {
	csp_chan *c;
	_Atomic int64_t unreachable; /* times the default was taken */
};

static void closed_body(bench_pb *pb, void *arg)
{
	struct closed *cl = arg;
	while (b_next(pb))
		if (csp_chan_tryrecv(cl->c, NULL, NULL) == CSP_WOULDBLOCK)
			/* relaxed: a count read after b_run_parallel has waited for every task */
			atomic_fetch_add_explicit(&cl->unreachable, 1, memory_order_relaxed);
}

static void chan_closed(bench_b *b)
{
	struct closed cl = { .c = b_chan(b, 1, 0) };
	if (!cl.c)
		return;
	atomic_init(&cl.unreachable, 0);
	csp_chan_close(cl.c);
	b_run_parallel(b, closed_body, &cl);
	if (atomic_load(&cl.unreachable))
		b_error(b, "Unreachable: a receive from a closed channel would block (%lld times)",
			(long long)atomic_load(&cl.unreachable));
}

/* BenchmarkMakeChan/Int: make(chan int, 8). Go's garbage collector reclaims the channels; here
 * each is freed at once, so one operation is make + free. (Not b_chan: b->n channels kept until
 * the end of the run would be hundreds of megabytes.) */
static void make_chan(bench_b *b)
{
	const csp_chan_ops *ops = (const csp_chan_ops *)b->impl;
	for (int64_t i = 0; i < b->n; i++) {
		csp_chan *x = csp_chan_make_ops(ops, sizeof(int), MAKECHAN_CAP);
		if (!x) {
			b_error(b, "cannot create a chan of '%s'", b->impl->name);
			return;
		}
		if (i == b->n - 1)
			csp_chan_close(x); /* Go closes the last one */
		csp_chan_free(x);
	}
}

static const struct bench_scenario s_nonblocking = {
	.name = "ChanNonblocking", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_nonblocking,
};
static const struct bench_scenario s_uncontended = {
	.name = "ChanUncontended", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_uncontended,
};
static const struct bench_scenario s_contended = {
	.name = "ChanContended", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_contended,
};
static const struct bench_scenario s_sync = {
	.name = "ChanSync", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_sync,
};
static const struct bench_scenario s_sync_work = {
	.name = "ChanSyncWork", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_sync_work,
};
static const struct bench_scenario s_prodcons0 = {
	.name = "ChanProdCons0", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = prodcons0,
};
static const struct bench_scenario s_prodcons10 = {
	.name = "ChanProdCons10", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = prodcons10,
};
static const struct bench_scenario s_prodcons100 = {
	.name = "ChanProdCons100", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = prodcons100,
};
static const struct bench_scenario s_prodcons_work0 = {
	.name = "ChanProdConsWork0", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = prodcons_work0,
};
static const struct bench_scenario s_prodcons_work10 = {
	.name = "ChanProdConsWork10", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = prodcons_work10,
};
static const struct bench_scenario s_prodcons_work100 = {
	.name = "ChanProdConsWork100", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = prodcons_work100,
};
static const struct bench_scenario s_sem = {
	.name = "ChanSem", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_sem,
};
static const struct bench_scenario s_popular = {
	.name = "ChanPopular", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_popular,
};
static const struct bench_scenario s_closed = {
	.name = "ChanClosed", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = chan_closed,
};
static const struct bench_scenario s_make = {
	.name = "MakeChan", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = make_chan,
};

BENCH_SCENARIO(s_nonblocking)
BENCH_SCENARIO(s_uncontended)
BENCH_SCENARIO(s_contended)
BENCH_SCENARIO(s_sync)
BENCH_SCENARIO(s_sync_work)
BENCH_SCENARIO(s_prodcons0)
BENCH_SCENARIO(s_prodcons10)
BENCH_SCENARIO(s_prodcons100)
BENCH_SCENARIO(s_prodcons_work0)
BENCH_SCENARIO(s_prodcons_work10)
BENCH_SCENARIO(s_prodcons_work100)
BENCH_SCENARIO(s_sem)
BENCH_SCENARIO(s_popular)
BENCH_SCENARIO(s_closed)
BENCH_SCENARIO(s_make)
