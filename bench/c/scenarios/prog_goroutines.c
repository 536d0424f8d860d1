/*
 * prog/Goroutines: Go's test/chan/goroutines.go as a benchmark, on every channel
 * implementation; bench/go/prog.go has the Go twin under the same row name. A chain of `tasks`
 * tasks, each receiving one value from its right-hand channel and sending it plus one to its
 * left (unbuffered channels), all alive at once: what spawning many tasks and parking each
 * costs. One operation is one whole chain: make the channels and spawn the tasks as Go's
 * program does, send 0 into the rightmost channel, receive `tasks` from the leftmost, and wait
 * for the tasks to end (Go's program does not wait: its goroutines end on their own after
 * their send).
 *
 *   prog/Goroutines  tasks:10000 (smoke 100), Go's figure. On OS threads a chain costs a
 *                    thread each (seconds per operation): the finding the row is for.
 */
#include "bench.h"

#include <stdlib.h>

struct link {
	csp_chan *left, *right;
};

struct chain {
	bench_b *b;
	const csp_chan_ops *ops;
	csp_chan *leftmost;
	struct link *links; /* tasks of them */
	int tasks;
	int spawned;
	int got;
};

static void link_task(void *arg)
{
	struct link *l = arg;
	int v = -1;
	if (csp_chan_recv(l->right, &v, NULL) == CSP_OK)
		v++;
	csp_chan_send(l->left, &v);
}

/* Channels are freed after each chain (b_chan would keep them all to the end of the run). */
static void chain_main(void *arg)
{
	struct chain *c = arg;
	csp_chan *right = c->leftmost = csp_chan_make_ops(c->ops, sizeof(int), 0);
	c->spawned = 0;
	c->got = -1;
	if (!right)
		return;
	for (int i = 0; i < c->tasks; i++) {
		csp_chan *next = csp_chan_make_ops(c->ops, sizeof(int), 0);
		if (!next)
			break; /* the chain so far still completes; the check fails the run */
		c->links[i] = (struct link){ right, next };
		right = next;
		b_go(c->b, link_task, &c->links[i]);
		c->spawned++;
	}
	int v = 0;
	csp_chan_send(right, &v);
	csp_chan_recv(c->leftmost, &c->got, NULL);
}

static void goroutines(bench_b *b)
{
	struct chain c = { .b = b, .ops = (const csp_chan_ops *)b->impl, .tasks = (int)b->arg[0] };
	c.links = calloc((size_t)c.tasks, sizeof *c.links);
	if (!c.links) {
		b_error(b, "out of memory");
		return;
	}
	for (int64_t i = 0; i < b->n && !b_failed(b); i++) {
		b_go(b, chain_main, &c);
		b_wait(b);
		if (c.leftmost)
			csp_chan_free(c.leftmost);
		for (int k = 0; k < c.spawned; k++)
			csp_chan_free(c.links[k].right);
		if (c.got != c.tasks)
			b_error(b, "a chain of %d tasks (%d started) passed on %d, want %d", c.tasks,
				c.spawned, c.got, c.tasks);
	}
	free(c.links);
}

static size_t goroutines_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	combos[0][0] = p == BENCH_SMOKE ? 100 : 10000;
	return 1;
}

static const struct bench_scenario s_goroutines = {
	.name = "Goroutines", .prim = CSP_PRIM_CHAN, .run = goroutines, .group = "prog",
	.arg_names = { "tasks" }, .args = goroutines_args, .skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_goroutines)
