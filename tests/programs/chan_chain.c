/*
 * chan-chain: a chain of N tasks passing one value along unbuffered channels (Go's "daisy
 * chain"): task i receives from channel i and sends the value plus one on channel i + 1. The
 * program starts every task, sends 0 into the first channel and receives N from the last.
 * Every task blocks in a receive for most of the run, so the figure shows what a blocked task
 * costs when tasks far outnumber cores: a family that spins collapses, one that parks does not.
 *
 *   chan-chain [--impl NAME] [--tasks N] [--timeout SECONDS]
 *
 * Runs the chain in the implementation's family runtime (OS threads, or coroutines for coro).
 * Last line, machine-readable: "chan-chain impl=<name> tasks=<N> seconds=<wall time>
 * spawn_seconds=<of which starting the tasks> ok=<0|1>".
 * Exit status 0 when the value arrived intact, 1 otherwise, 2 on bad usage. A chain that does
 * not finish within the timeout (default 600 s; the time the process spent waiting for a CPU
 * does not count, as in the test harnesses: harness/hx.h, hx_busy) exits 1 with ok=0.
 */
#define _GNU_SOURCE
#include <csplab/csplab.h>
#include <csplab/impl.h>
#include "hx.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct chain {
	const char *impl;
	long n;
	csp_chan **ch; /* n + 1 channels */
	long got;
	int64_t spawned; /* csp_now() once every task was started */
	_Atomic int done;
};

struct link {
	struct chain *c;
	long i;
};

static void link_task(void *arg)
{
	struct link *l = arg;
	long v;
	if (csp_chan_recv(l->c->ch[l->i], &v, NULL) == CSP_OK)
		v++;
	else
		v = -1; /* a link broke: the last receive sees a wrong value */
	csp_chan_send(l->c->ch[l->i + 1], &v);
}

static void chain_main(void *arg)
{
	struct chain *c = arg;
	struct link *links = calloc((size_t)c->n, sizeof *links);
	c->got = -1;
	if (!links)
		goto out;
	for (long i = 0; i < c->n; i++) {
		links[i] = (struct link){ c, i };
		if (csp_go(link_task, &links[i]) != 0) {
			fprintf(stderr, "chan-chain: cannot start task %ld\n", i);
			goto out; /* the tasks started stay blocked; the program exits */
		}
	}
	c->spawned = csp_now();
	long v = 0;
	csp_chan_send(c->ch[0], &v);
	csp_chan_recv(c->ch[c->n], &c->got, NULL);
	free(links);
out:
	/* release: publishes c->got to main's acquire load */
	atomic_store_explicit(&c->done, 1, memory_order_release);
}

int main(int argc, char **argv)
{
	struct chain c = { .impl = "pthread", .n = 10000 };
	double timeout_s = 600;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--impl") == 0)
			c.impl = argv[i + 1];
		else if (strcmp(argv[i], "--tasks") == 0)
			c.n = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout_s = atof(argv[i + 1]);
		else
			break;
	}
	if (argc % 2 == 0 || c.n < 1 || timeout_s <= 0) {
		fprintf(stderr, "usage: chan-chain [--impl NAME] [--tasks N>=1] [--timeout SECONDS]\n");
		return 2;
	}
	const csp_chan_ops *ops = csp_lookup(CSP_PRIM_CHAN, c.impl);
	if (!ops) {
		fprintf(stderr, "chan-chain: no channel implementation '%s'\n", c.impl);
		return 2;
	}
	c.ch = calloc((size_t)c.n + 1, sizeof *c.ch);
	for (long i = 0; c.ch && i <= c.n; i++)
		if (!(c.ch[i] = csp_chan_make_ops(ops, sizeof(long), 0))) {
			perror("chan-chain: csp_chan_make");
			return 1;
		}
	int64_t start = csp_now();
	int64_t until = start + (int64_t)(timeout_s * CSP_SECOND);
	int rc = csp_runtime_for(ops->info.family)->spawn(chain_main, &c);
	if (rc != 0) {
		fprintf(stderr, "chan-chain: cannot start the chain: %s\n", strerror(rc));
		return 1;
	}
	hx_busy busy;
	hx_busy_start(&busy);
	/* acquire: pairs with the release store at the end of chain_main */
	while (!atomic_load_explicit(&c.done, memory_order_acquire) && csp_now() < until) {
		usleep(1000); /* polls a flag; the program's only wait */
		if (csp_now() - busy.at >= HX_BUSY_PERIOD_NS)
			until += hx_busy_sample(&busy); /* a busy machine moves the deadline */
	}
	int64_t queued = busy.discounted;
	hx_busy_stop(&busy);
	int done = atomic_load_explicit(&c.done, memory_order_acquire);
	double secs = (double)(csp_now() - start) / CSP_SECOND;
	int ok = done && c.got == c.n;
	if (!done)
		fprintf(stderr, "chan-chain: not finished after %.0f s (%.0f s more spent waiting for "
			"a CPU, not counted)\n", timeout_s, (double)queued / CSP_SECOND);
	else if (!ok)
		fprintf(stderr, "chan-chain: the last task received %ld, want %ld\n", c.got, c.n);
	double spawn_secs = done && c.spawned ? (double)(c.spawned - start) / CSP_SECOND : secs;
	printf("chan-chain impl=%s tasks=%ld seconds=%.3f spawn_seconds=%.3f ok=%d\n", c.impl, c.n,
		secs, spawn_secs, ok);
	fflush(stdout);
	_exit(ok ? 0 : 1); /* no teardown: a failed chain leaves tasks blocked */
}
