/*
 * timeout: a select that gives up after a deadline. Go in Practice, ch. 3 (a
 * `select` with `time.After`: a goroutine that stops waiting when the time is up).
 *
 * csp_select_timeout is Go's `select { case v := <-reply: ... case <-time.After(d): ... }`.
 * The reply channels have one slot, so a server whose client gave up can still deliver its
 * reply and return instead of blocking forever on a send nobody will receive.
 */
#include "gip.h"

#include <stdio.h>
#include <stdlib.h>

enum { FAST_BOUND_S = 10 }; /* the fast reply's wait: far beyond any real delay */

struct server {
	csp_chan *reply, *quit;
	csp_duration work; /* how long the answer takes; 0: at once */
};

static void serve(void *arg)
{
	struct server *s = arg;
	if (s->work > 0 && csp_chan_recv_timeout(s->quit, NULL, NULL, s->work) != CSP_TIMEOUT)
		return; /* told to give up (quit closed) before the work was done */
	int answer = 42;
	csp_chan_send(s->reply, &answer); /* one slot: never blocks here */
}

/* The client: `select { case v := <-reply: ...; case <-time.After(d): ... }`. */
static int ask(csp_chan *reply, csp_duration d, int *v)
{
	csp_case cs[1] = { { .ch = reply, .dir = CSP_RECV, .buf = v } };
	return csp_select_timeout(cs, 1, d);
}

void gip_timeout_run(const struct gip_impls *im, csp_duration timeout, csp_duration slow,
		     struct gip_timeout_result *r)
{
	const char *ci = im->name[CSP_PRIM_CHAN];
	csp_waitgroup *wg = csp_wg_new(im->name[CSP_PRIM_WAITGROUP]);
	csp_chan *quit = csp_chan_make(ci, 1, 0);
	struct server fast = { csp_chan_make(ci, sizeof(int), 1), quit, 0 };
	struct server slowsrv = { csp_chan_make(ci, sizeof(int), 1), quit, slow };
	if (!wg || !quit || !fast.reply || !slowsrv.reply) {
		fprintf(stderr, "%s: cannot make the channels\n", gip_prog);
		exit(1);
	}
	*r = (struct gip_timeout_result){ 0 };
	if (csp_wg_go(wg, serve, &fast) != 0 || csp_wg_go(wg, serve, &slowsrv) != 0) {
		fprintf(stderr, "%s: cannot start the servers\n", gip_prog);
		exit(1);
	}
	int v = 0;
	r->got_fast = ask(fast.reply, FAST_BOUND_S * CSP_SECOND, &v) == 0 && v == 42;
	int64_t t0 = csp_now();
	r->timed_out_slow = ask(slowsrv.reply, timeout, &v) == CSP_SELECT_TIMEOUT;
	r->waited_ns = csp_now() - t0;
	csp_chan_close(quit); /* the slow server stops waiting */
	csp_wg_wait(wg);
	r->slow_stopped = true;
	csp_chan_free(slowsrv.reply);
	csp_chan_free(fast.reply);
	csp_chan_free(quit);
	csp_wg_free(wg);
}
