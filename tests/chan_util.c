/* Helpers shared by the channel and select conformance tests: see chan_util.h. */
#include "chan_util.h"

#include <string.h>

int task_count(int per_cpu)
{
	int n = per_cpu * t_ncpu();
	return n < 2 ? 2 : n > MAX_TASKS ? MAX_TASKS : n;
}

/* ---- Timeouts and blocking ------------------------------------------------------------------- */

void check_took(tctx *t, twatch *w, csp_duration d, const char *what)
{
	int64_t queued;
	int64_t ran = t_watch_stop(w, &queued);
	int64_t elapsed = ran + queued;
	/* Early is early whatever the load: the wall time. Late is judged on the time the process
	 * was not kept waiting for a CPU, so a busy machine does not make a timeout "far late". */
	if (elapsed < d)
		t_fail(t, "%s: timed out after %lld ns, before its %lld ns", what, (long long)elapsed,
			(long long)d);
	else if (ran > d + TIMEOUT_SLACK)
		t_fail(t, "%s: timed out after %lld ns (%lld ns of it waiting for a CPU), far beyond "
			"its %lld ns", what, (long long)elapsed, (long long)queued, (long long)d);
}

void check_timed_out(tctx *t, int status, twatch *w, csp_duration d, const char *what)
{
	if (status != CSP_TIMEOUT) {
		t_watch_stop(w, NULL);
		t_fail(t, "%s: got \"%s\", want a timeout", what, csp_status_str(status));
	} else {
		check_took(t, w, d, what);
	}
}

void expect_recv_blocks(tctx *t, csp_chan *c, const char *what)
{
	twatch w;
	t_watch_start(&w);
	check_timed_out(t, csp_chan_recv_timeout(c, NULL, NULL, BLOCK_WAIT), &w, BLOCK_WAIT, what);
}

void expect_send_blocks(tctx *t, csp_chan *c, const void *elem, const char *what)
{
	twatch w;
	t_watch_start(&w);
	check_timed_out(t, csp_chan_send_timeout(c, elem, BLOCK_WAIT), &w, BLOCK_WAIT, what);
}

/* ---- Buffered values ------------------------------------------------------------------------- */

void fill(tctx *t, csp_chan *c, int n)
{
	for (int i = 0; i < n; i++) {
		int st = csp_chan_trysend(c, &i);
		T_CHECK(t, st == CSP_OK, "buffering value %d of %d: %s", i, n, csp_status_str(st));
	}
}

csp_chan *full_chan(tctx *t, size_t cap)
{
	csp_chan *c = t_chan(t, sizeof(int), cap);
	if (!c)
		return NULL;
	fill(t, c, (int)cap);
	return t_failed(t) ? NULL : c;
}

void expect_values(tctx *t, csp_chan *c, int from, int n, bool with_ok)
{
	for (int i = 0; i < n; i++) {
		int v = POISON;
		bool ok = false;
		int st = csp_chan_recv(c, &v, with_ok ? &ok : NULL);
		T_CHECK(t, st == CSP_OK && v == from + i && (ok || !with_ok),
			"receive %d of %d (cap %zu): status %s, value %d, ok %d; want value %d", i, n,
			csp_chan_cap(c), csp_status_str(st), v, ok, from + i);
	}
}

void expect_closed(tctx *t, csp_chan *c)
{
	int v = POISON;
	int st = csp_chan_recv(c, &v, NULL);
	T_CHECK(t, st == CSP_CLOSED && v == 0, "v := <-closed: status %s, value %d",
		csp_status_str(st), v);
	v = POISON;
	bool ok = true;
	st = csp_chan_recv(c, &v, &ok);
	T_CHECK(t, st == CSP_CLOSED && v == 0 && !ok, "v, ok := <-closed: status %s, value %d, ok %d",
		csp_status_str(st), v, ok);
}

void abandon(tctx *t, csp_chan *c, tgroup *g)
{
	csp_chan_close(c);
	t_wait(t, g, "tasks released by closing their channel after a failed spawn");
}

/* ---- Tasks ----------------------------------------------------------------------------------- */

void receiver_init(struct receiver *r, csp_chan *c, bool with_ok)
{
	memset(r, 0, sizeof *r);
	r->c = c;
	r->with_ok = with_ok;
	r->value = POISON;
	r->ok = with_ok; /* so that a receive that forgets to clear it shows */
	atomic_init(&r->done, 0);
}

void receiver_task(void *arg)
{
	struct receiver *r = arg;
	if (r->delay > 0)
		csp_sleep(r->delay);
	r->status = csp_chan_recv(r->c, &r->value, r->with_ok ? &r->ok : NULL);
	atomic_store(&r->done, 1);
}

bool start_receivers(tctx *t, tgroup *g, struct receiver *r, int n, csp_chan *c)
{
	for (int i = 0; i < n; i++) {
		receiver_init(&r[i], c, i % 2 == 0);
		if (!t_go(t, g, receiver_task, &r[i]))
			return false;
	}
	return true;
}

int receivers_done(struct receiver *r, int n)
{
	int done = 0;
	for (int i = 0; i < n; i++)
		done += atomic_load(&r[i].done);
	return done;
}

void check_receivers_closed(tctx *t, struct receiver *r, int n)
{
	for (int i = 0; i < n; i++)
		T_CHECK(t, r[i].status == CSP_CLOSED && r[i].value == 0 && !(r[i].with_ok && r[i].ok),
			"receiver %d of %d woken by close: status %s, value %d, ok %d", i, n,
			csp_status_str(r[i].status), r[i].value, r[i].ok);
}

void sender_init(struct sender *s, csp_chan *c, int value)
{
	memset(s, 0, sizeof *s);
	s->c = c;
	s->value = value;
	atomic_init(&s->done, 0);
}

void sender_task(void *arg)
{
	struct sender *s = arg;
	if (s->delay > 0)
		csp_sleep(s->delay);
	s->status = csp_chan_send(s->c, &s->value);
	atomic_store(&s->done, 1);
}

void seq_sender_task(void *arg)
{
	struct seq_sender *s = arg;
	for (int i = 0; i < s->n; i++) {
		int v = s->base + i;
		int st = csp_chan_send(s->c, &v);
		T_CHECK(s->t, st == CSP_OK, "send of %d: %s", v, csp_status_str(st));
	}
}

void rendezvous_receiver_task(void *arg)
{
	struct rendezvous *r = arg;
	for (int i = 0; i < r->n; i++) {
		atomic_store(&r->asked, i + 1);
		int v = POISON;
		int st = csp_chan_recv(r->c, &v, NULL);
		if (st != CSP_OK || v != i) {
			r->bad_status = st;
			r->bad_at = i;
			r->bad_value = v;
			return;
		}
	}
}

/* ---- Select ---------------------------------------------------------------------------------- */

void expect_select_timeout(tctx *t, csp_case *cases, size_t n, csp_duration d, const char *what)
{
	twatch w;
	t_watch_start(&w);
	int r = csp_select_timeout(cases, n, d);
	T_CHECK(t, r == CSP_SELECT_TIMEOUT, "%s: chose case %d, want a timeout", what, r);
	check_took(t, &w, d > 0 ? d : 0, what);
}

void expect_select_blocks(tctx *t, csp_case *cases, size_t n, const char *what)
{
	expect_select_timeout(t, cases, n, BLOCK_WAIT, what);
}

void expect_chosen(tctx *t, csp_case *cases, size_t n, bool has_default, int want, bool want_ok,
	const char *what)
{
	int r = csp_select(cases, n, has_default);
	T_CHECK(t, r == want, "%s: select returned %d, want %d", what, r, want);
	if (want >= 0)
		T_CHECK(t, cases[want].ok == want_ok, "%s: ok = %d, want %d", what, cases[want].ok,
			want_ok);
}
