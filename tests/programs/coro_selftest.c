/*
 * A self-contained check of the coro scheduler and its primitives, without CMocka: built natively
 * as a ctest, and cross-built for aarch64 by scripts/test-aarch64.sh to run under qemu-user, which
 * exercises ctx_aarch64.S. Exits 0 when every check holds, 1 with a message otherwise.
 */
#include <csplab/csplab.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 20000
#define TASKS 500

static int failures;

static void check(bool ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

struct pingpong {
	csp_chan *ping, *pong;
};

static void ponger(void *arg)
{
	struct pingpong *p = arg;
	int v;
	while (csp_chan_recv(p->ping, &v, NULL) == CSP_OK)
		csp_chan_send(p->pong, &(int){ v + 1 });
}

static void check_pingpong(void)
{
	struct pingpong p = { csp_chan_make("coro", sizeof(int), 0),
		csp_chan_make("coro", sizeof(int), 0) };
	csp_waitgroup *wg = csp_wg_new("coro"); /* p lives on this frame: wait for the ponger */
	csp_wg_go(wg, ponger, &p);
	bool ok = true;
	for (int i = 0; i < ROUNDS && ok; i++) {
		int v;
		csp_chan_send(p.ping, &i);
		ok = csp_chan_recv(p.pong, &v, NULL) == CSP_OK && v == i + 1;
	}
	csp_chan_close(p.ping);
	csp_wg_wait(wg);
	csp_wg_free(wg);
	csp_chan_free(p.ping);
	csp_chan_free(p.pong);
	check(ok, "unbuffered ping-pong between two coroutines");
}

struct counter {
	csp_mutex *mu;
	long value; /* guarded by mu */
	double fsum; /* floating point state survives switches */
};

static void adder(void *arg)
{
	struct counter *c = arg;
	double local = 0.5;
	for (int i = 0; i < 200; i++) {
		csp_mutex_lock(c->mu);
		c->value++;
		csp_mutex_unlock(c->mu);
		local += 0.25;
		if (i % 10 == 0)
			csp_yield();
	}
	csp_mutex_lock(c->mu);
	c->fsum += local;
	csp_mutex_unlock(c->mu);
}

static void check_spawn_mutex(void)
{
	struct counter c = { .mu = csp_mutex_new("coro") };
	csp_waitgroup *wg = csp_wg_new("coro");
	for (int i = 0; i < TASKS; i++)
		csp_wg_go(wg, adder, &c);
	csp_wg_wait(wg);
	check(c.value == (long)TASKS * 200, "mutex-protected counter over 500 coroutines");
	check(c.fsum == TASKS * (0.5 + 200 * 0.25), "floating-point registers across switches");
	csp_wg_free(wg);
	csp_mutex_free(c.mu);
}

static void check_time(void)
{
	int64_t t0 = csp_now();
	csp_sleep(20 * CSP_MILLISECOND);
	check(csp_now() - t0 >= 20 * CSP_MILLISECOND, "csp_sleep sleeps at least its duration");
	csp_chan *c = csp_chan_make("coro", sizeof(int), 0);
	int v;
	t0 = csp_now();
	int st = csp_chan_recv_timeout(c, &v, NULL, 10 * CSP_MILLISECOND);
	check(st == CSP_TIMEOUT && csp_now() - t0 >= 10 * CSP_MILLISECOND,
		"a receive with nobody sending times out");
	csp_chan_free(c);
}

static void check_select(void)
{
	csp_chan *a = csp_chan_make("coro", sizeof(int), 1), *b = csp_chan_make("coro", sizeof(int), 1);
	int hits[2] = { 0, 0 };
	for (int i = 0; i < 2000; i++) {
		csp_chan_send(a, &i);
		csp_chan_send(b, &i);
		int v;
		csp_case cases[2] = { { a, CSP_RECV, &v, false }, { b, CSP_RECV, &v, false } };
		int r = csp_select(cases, 2, false);
		hits[r]++;
		csp_chan_recv(r == 0 ? b : a, &v, NULL); /* drain the other */
	}
	check(hits[0] > 800 && hits[1] > 800, "select chooses among ready cases at random");
	csp_chan_free(a);
	csp_chan_free(b);
}

/* A run-next hand-off chain (ping-pong) must not starve a task that yielded on the same worker:
 * the main task is woken onto the ping-pong's worker, yields behind it, and must get to run again
 * while the pair keeps going (with one worker there is nobody to steal it). */
#define STARVE_SETTLE 20000 /* round trips before: the other workers go to sleep meanwhile */
#define STARVE_LIMIT 300000 /* round trips after: a fair pick order needs ~61 per yield */

struct starve {
	csp_chan *a, *b, *wake, *back;
	_Atomic int done;    /* the main task finished its yields */
	_Atomic int starved; /* the pinger gave up waiting for it */
};

static void starve_ponger(void *arg)
{
	struct starve *s = arg;
	int v;
	while (csp_chan_recv(s->a, &v, NULL) == CSP_OK)
		csp_chan_send(s->b, &v);
}

static void starve_pinger(void *arg)
{
	struct starve *s = arg;
	int v = 0;
	for (int i = 0; i < STARVE_SETTLE; i++) {
		csp_chan_send(s->a, &v);
		csp_chan_recv(s->b, &v, NULL);
	}
	csp_chan_send(s->wake, &v);       /* the main task goes to our run-next slot */
	csp_chan_recv(s->back, &v, NULL); /* and runs on our worker */
	for (int i = 0; !atomic_load(&s->done); i++) {
		if (i == STARVE_LIMIT) {
			atomic_store(&s->starved, 1);
			break;
		}
		csp_chan_send(s->a, &v);
		csp_chan_recv(s->b, &v, NULL);
	}
	csp_chan_close(s->a);
}

static void check_no_starvation(void)
{
	struct starve s = { .a = csp_chan_make("coro", sizeof(int), 0),
		.b = csp_chan_make("coro", sizeof(int), 0),
		.wake = csp_chan_make("coro", sizeof(int), 0),
		.back = csp_chan_make("coro", sizeof(int), 1) };
	csp_waitgroup *wg = csp_wg_new("coro");
	csp_wg_go(wg, starve_ponger, &s);
	csp_wg_go(wg, starve_pinger, &s);
	int v;
	csp_chan_recv(s.wake, &v, NULL);
	csp_chan_send(s.back, &v); /* readies the pinger into our run-next slot */
	for (int i = 0; i < 100; i++)
		csp_yield(); /* into the ring, behind the ping-pong */
	atomic_store(&s.done, 1);
	csp_wg_wait(wg);
	check(!atomic_load(&s.starved), "a yielding task is not starved by a ping-pong on its worker");
	csp_wg_free(wg);
	csp_chan_free(s.a);
	csp_chan_free(s.b);
	csp_chan_free(s.wake);
	csp_chan_free(s.back);
}

static void main_task(void *arg)
{
	(void)arg;
	check_pingpong();
	check_spawn_mutex();
	check_time();
	check_select();
	check_no_starvation();
}

int main(void)
{
	int rc = csp_run("coro", main_task, NULL);
	if (rc != 0) {
		printf("FAIL: csp_run: %d\n", rc);
		return 1;
	}
	printf("%s\n", failures ? "coro self-test FAILED" : "coro self-test passed");
	return failures ? 1 : 0;
}
