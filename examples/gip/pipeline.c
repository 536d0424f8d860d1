/*
 * pipeline: generator -> squarers -> sink, stopped by closing a `done` channel. Go in
 * Practice, ch. 3 (channels: a `done` channel closed to tell goroutines to stop, selected on
 * beside their work).
 *
 * Nobody closes the data channels here: several squarers send on `out`, so no one of them may
 * close it. Instead the consumer, once it has enough, closes `done`, and every stage's select
 * sees that and returns. A WaitGroup then confirms every stage really stopped.
 */
#include "gip.h"

#include <stdio.h>
#include <stdlib.h>

struct pair {
	int64_t i, sq;
};

struct pipe {
	csp_chan *nums, *out, *done;
	csp_waitgroup *wg;
	int64_t generated;
};

/* Send *v on c unless done is closed first. false: stop. */
static bool send_or_done(struct pipe *p, csp_chan *c, const void *v)
{
	csp_case cs[2] = {
		{ .ch = c, .dir = CSP_SEND, .buf = (void *)v },
		{ .ch = p->done, .dir = CSP_RECV, .buf = NULL },
	};
	return csp_select(cs, 2, false) == 0 && cs[0].ok;
}

static void generator(void *arg)
{
	struct pipe *p = arg;
	int64_t i = 0;
	while (send_or_done(p, p->nums, &i))
		i++;
	p->generated = i; /* read after wg wait: the WaitGroup orders it */
}

static void squarer(void *arg)
{
	struct pipe *p = arg;
	for (;;) {
		int64_t i;
		csp_case cs[2] = {
			{ .ch = p->nums, .dir = CSP_RECV, .buf = &i },
			{ .ch = p->done, .dir = CSP_RECV, .buf = NULL },
		};
		if (csp_select(cs, 2, false) != 0 || !cs[0].ok)
			return;
		struct pair v = { i, i * i };
		if (!send_or_done(p, p->out, &v))
			return;
	}
}

void gip_pipeline_run(const struct gip_impls *im, int workers, int64_t items, size_t cap,
		      struct gip_pipeline_result *r)
{
	const char *ci = im->name[CSP_PRIM_CHAN];
	struct pipe p = { .nums = csp_chan_make(ci, sizeof(int64_t), cap),
			  .out = csp_chan_make(ci, sizeof(struct pair), cap),
			  .done = csp_chan_make(ci, 1, 0),
			  .wg = csp_wg_new(im->name[CSP_PRIM_WAITGROUP]) };
	if (!p.nums || !p.out || !p.done || !p.wg) {
		fprintf(stderr, "%s: cannot make the channels\n", gip_prog);
		exit(1);
	}
	*r = (struct gip_pipeline_result){ .squares_ok = true };
	int started = csp_wg_go(p.wg, generator, &p) == 0;
	for (int w = 0; w < workers; w++)
		started += csp_wg_go(p.wg, squarer, &p) == 0;
	if (started < 2) {
		fprintf(stderr, "%s: cannot start the pipeline's tasks\n", gip_prog);
		exit(1);
	}
	/* Each input may arrive once: a bitmap of the inputs seen. Inputs are below
	 * items + workers * (2 * cap + 2), the most the stages can hold besides the sink's. */
	int64_t bound = items + (int64_t)workers * (2 * (int64_t)cap + 2) + 1;
	unsigned char *seen = calloc((size_t)(bound / 8 + 1), 1);
	if (!seen) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	while (r->received < items) {
		struct pair v;
		if (csp_chan_recv(p.out, &v, NULL) != CSP_OK)
			break;
		r->received++;
		if (v.i < 0 || v.i >= bound || v.sq != v.i * v.i || (seen[v.i / 8] >> (v.i % 8)) & 1)
			r->squares_ok = false;
		else
			seen[v.i / 8] |= (unsigned char)(1u << (v.i % 8));
	}
	csp_chan_close(p.done); /* stop every stage */
	csp_wg_wait(p.wg);
	r->stopped = true;
	r->generated = p.generated;
	free(seen);
	csp_wg_free(p.wg);
	csp_chan_free(p.done);
	csp_chan_free(p.out);
	csp_chan_free(p.nums);
}
