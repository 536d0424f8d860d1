/*
 * Go's scheduler benchmarks that csplab can express (runtime/proc_test.go, Go 1.19), one-to-one,
 * under Go's names: CreateGoroutines, CreateGoroutinesParallel and PingPongHog. They measure the
 * task runtime of the implementation's family through its channels: with OS-thread families,
 * creating a goroutine is creating a thread, and that cost is the finding.
 */
#include "bench.h"

#include <stdlib.h>

/* Go's forcePreemptNS (runtime/proc.go): how long a goroutine may run before sysmon preempts it. */
#define GO_TIME_SLICE (10 * CSP_MILLISECOND)
/* Polls of the hog between looks at the clock. */
#define HOG_CLOCK_EVERY 1024u

static const unsigned char true_byte = 1;

/*
 * benchmarkCreateGoroutines(b, procs): procs chains of b.N/procs tasks, each starting the next
 * and exiting; the last of a chain reports on c. A chain's count is handed from task to task:
 * each touches it only before starting the next, and starting a task orders the two. Tasks start
 * with Go's plain `go` (b_go_plain), as Go's benchmark does: b_go's WaitGroup would add a shared
 * counter's add and done to every spawn, a cache line passed between the cores in the parallel
 * form. Instead the last task of a chain says when it is done with the chain (`finished`), and
 * the body waits for that, untimed, before freeing anything.
 */
struct chain {
	bench_b *b;
	csp_chan *c;
	int64_t n; /* tasks still to start in this chain */
	_Atomic int finished;
};

static void chain_link(void *arg)
{
	struct chain *ch = arg;
	if (ch->n == 0) {
		csp_chan_send(ch->c, &true_byte);
		/* release: the chain's last touch of ch; pairs with run_create's acquire */
		atomic_store_explicit(&ch->finished, 1, memory_order_release);
		return;
	}
	ch->n--;
	b_go_plain(ch->b, chain_link, ch);
}

static void run_create(bench_b *b, int procs)
{
	csp_chan *c = b_chan(b, 1, 0);
	struct chain *chains = malloc((size_t)procs * sizeof *chains);
	if (!c || !chains) {
		if (!chains)
			b_error(b, "out of memory");
		free(chains);
		return;
	}
	for (int i = 0; i < procs; i++) {
		chains[i] = (struct chain){ b, c, b->n / procs, 0 };
		b_go_plain(b, chain_link, &chains[i]);
	}
	for (int i = 0; i < procs; i++)
		csp_chan_recv(c, NULL, NULL);
	b_stop_timer(b);
	for (int i = 0; i < procs; i++)
		/* acquire: pairs with the last task's release; then nothing of the chain runs */
		while (!atomic_load_explicit(&chains[i].finished, memory_order_acquire))
			csp_yield();
	free(chains);
}

static void create_goroutines(bench_b *b) { run_create(b, 1); }
static void create_goroutines_parallel(bench_b *b) { run_create(b, b->procs); }

/*
 * BenchmarkPingPongHog: two tasks pass a token back and forth b.N times while a third spins
 * polling `stop` (a select with default). Go runs it with GOMAXPROCS(1), so the hog competes
 * with the ping-pong for the one processor and the scheduler decides how much it gets. csplab
 * has no GOMAXPROCS for OS threads: b->procs = 1 changes nothing for them (on this machine the
 * hog takes one of the cores); a single-threaded coroutine runtime reproduces Go's setting.
 *
 * Go preempts the hog every GO_TIME_SLICE; this hog yields as often, so a cooperative runtime
 * is shown slow rather than hung.
 */
struct pingpong_hog {
	csp_chan *stop, *done, *ping, *pong;
	int64_t n;
};

static void hog(void *arg)
{
	struct pingpong_hog *h = arg;
	int64_t slice_end = csp_now() + GO_TIME_SLICE;
	for (unsigned i = 1;; i++) {
		if (csp_chan_tryrecv(h->stop, NULL, NULL) != CSP_WOULDBLOCK)
			break; /* closed */
		if (i % HOG_CLOCK_EVERY == 0 && csp_now() >= slice_end) {
			csp_yield();
			slice_end = csp_now() + GO_TIME_SLICE;
		}
	}
	csp_chan_send(h->done, &true_byte);
}

/* pong <- <-ping, b.N times; then close(stop). */
static void ponger(void *arg)
{
	struct pingpong_hog *h = arg;
	unsigned char v;
	for (int64_t j = 0; j < h->n; j++) {
		csp_chan_recv(h->ping, &v, NULL);
		csp_chan_send(h->pong, &v);
	}
	csp_chan_close(h->stop);
	csp_chan_send(h->done, &true_byte);
}

/* ping <- <-pong, b.N times. */
static void pinger(void *arg)
{
	struct pingpong_hog *h = arg;
	unsigned char v;
	for (int64_t i = 0; i < h->n; i++) {
		csp_chan_recv(h->pong, &v, NULL);
		csp_chan_send(h->ping, &v);
	}
	csp_chan_send(h->done, &true_byte);
}

static void pingpong_hog(bench_b *b)
{
	if (b->n == 0)
		return;
	b->procs = 1; /* runtime.GOMAXPROCS(1) */
	struct pingpong_hog h = { b_chan(b, 1, 0), b_chan(b, 1, 0), b_chan(b, 1, 0),
		b_chan(b, 1, 0), b->n };
	if (!h.stop || !h.done || !h.ping || !h.pong)
		return;
	b_go(b, hog, &h);
	b_go(b, ponger, &h);
	b_go(b, pinger, &h);
	b_reset_timer(b);
	csp_chan_send(h.ping, &true_byte); /* start the ping-pong */
	csp_chan_recv(h.stop, NULL, NULL);
	b_stop_timer(b);
	csp_chan_recv(h.ping, NULL, NULL); /* let the last ponger exit */
	for (int i = 0; i < 3; i++)
		csp_chan_recv(h.done, NULL, NULL);
	b_wait(b);
}

static const struct bench_scenario s_create = {
	.name = "CreateGoroutines", .prim = CSP_PRIM_CHAN, .go_origin = true,
	.run = create_goroutines,
};
static const struct bench_scenario s_create_parallel = {
	.name = "CreateGoroutinesParallel", .prim = CSP_PRIM_CHAN, .go_origin = true,
	.run = create_goroutines_parallel,
};
static const struct bench_scenario s_pingpong_hog = {
	.name = "PingPongHog", .prim = CSP_PRIM_CHAN, .go_origin = true, .run = pingpong_hog,
};
BENCH_SCENARIO(s_create)
BENCH_SCENARIO(s_create_parallel)
BENCH_SCENARIO(s_pingpong_hog)
