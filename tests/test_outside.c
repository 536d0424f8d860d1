/*
 * Conformance tests: callers outside the runtime. docs/coro.md promises that every coro
 * primitive also works from an ordinary OS thread, which sleeps in the kernel where a coroutine
 * would park and is woken by the coroutine that releases it. Here a plain pthread (not a task
 * of any runtime) talks to the test body and its tasks (coroutines, for coro) through the
 * implementation under test, so every hand-off crosses between the two kinds of waiter, in both
 * directions: ping-pong over unbuffered and buffered channels, close seen by both sides, select
 * with a peer of the other kind, a mutex passed back and forth, and WaitGroup waits on both
 * sides. ctest runs the coro family's entries with 1, 2 (the default here) and 4 workers: with
 * one worker, a wake-up lost on the way from the outside thread to a coroutine cannot be covered
 * by another worker that happens to look.
 *
 * For the OS-thread families the outside thread is one more thread, and the tests pass
 * trivially. Waits are bounded (timed operations, or the harness's deadline with a progress
 * note); the outside thread records failures with t_fail and never calls CMocka.
 */
#include "chan_util.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>

enum { OUT_ROUNDS = 2000, OUT_WG_ROUNDS = 200 };

struct outside {
	tctx *t;
	pthread_t thread;
	void (*fn)(struct outside *o);
	_Atomic int done; /* the outside thread's function returned */
	csp_chan *a, *b;
	csp_mutex *m1, *m2;
	csp_waitgroup *wg, *wg2;
	int64_t rounds;
	long counter; /* the mutex test's turn counter, written only under the baton */
	_Atomic int go;   /* WaitGroup test: rounds the body has armed */
	_Atomic int seen; /* WaitGroup test: rounds the outside thread saw end */
	_Atomic int turn; /* select test: the round the outside thread is in */
};

static void *outside_main(void *arg)
{
	struct outside *o = arg;
	o->fn(o);
	/* release: publishes the thread's writes to the body's acquire in t_wait_flag */
	atomic_store_explicit(&o->done, 1, memory_order_release);
	return NULL;
}

/* Start o->fn on a plain pthread, outside every runtime. */
static bool start_outside(tctx *t, struct outside *o)
{
	o->t = t;
	int rc = pthread_create(&o->thread, NULL, outside_main, o);
	if (rc != 0) {
		t_fail(t, "pthread_create: %s", strerror(rc));
		return false;
	}
	return true;
}

/* Wait, bounded and without blocking a worker thread, for the outside thread to finish. */
static bool join_outside(tctx *t, struct outside *o, const char *what)
{
	if (!t_wait_flag(t, &o->done, what))
		return false; /* the thread is left running; the process ends with the test */
	pthread_join(o->thread, NULL);
	return true;
}

/* ---- Channels -------------------------------------------------------------------------------- */

/* Outside: send i on a, expect i + 1 back on b; then close a and see b closed. */
static void outside_pinger(struct outside *o)
{
	tctx *t = o->t;
	for (int i = 0; i < o->rounds && !t_failed(t); i++) {
		T_CHECK(t, csp_chan_send_timeout(o->a, &i, LONG_WAIT) == CSP_OK,
			"outside thread: send %d to a task not done in %lld s (a lost wake-up?)", i,
			(long long)(LONG_WAIT / CSP_SECOND));
		int v = POISON;
		int st = csp_chan_recv_timeout(o->b, &v, NULL, LONG_WAIT);
		T_CHECK(t, st == CSP_OK && v == i + 1, "outside thread: reply %d: %s, value %d", i,
			csp_status_str(st), v);
	}
	T_CHECK_EQ(t, csp_chan_close(o->a), CSP_OK);
	int v = POISON;
	bool ok = true;
	int st = csp_chan_recv_timeout(o->b, &v, &ok, LONG_WAIT);
	T_CHECK(t, st == CSP_CLOSED && v == 0 && !ok,
		"outside thread: receive after the task closed its channel: %s, value %d, ok %d",
		csp_status_str(st), v, ok);
}

/* Ping-pong between the body (a task) and a plain thread over unbuffered, then buffered
 * channels; each side closes its channel and the other sees it. */
static void test_outside_pingpong(tctx *t)
{
	for (size_t cap = 0; cap <= 1 && !t_failed(t); cap++) {
		t_progress(t, "TestOutsidePingPong: ping-pong with a plain thread");
		struct outside o = { .fn = outside_pinger, .rounds = t_iters(OUT_ROUNDS) };
		if (!(o.a = t_chan(t, sizeof(int), cap)) || !(o.b = t_chan(t, sizeof(int), cap)))
			return;
		if (!start_outside(t, &o))
			return;
		for (int i = 0; !t_failed(t); i++) {
			int v = POISON;
			bool ok = false;
			int st = csp_chan_recv_timeout(o.a, &v, &ok, LONG_WAIT);
			if (st == CSP_CLOSED) {
				if (i != o.rounds || v != 0 || ok)
					t_fail(t, "cap %zu: closed after %d of %lld rounds, value %d, ok %d",
						cap, i, (long long)o.rounds, v, ok);
				break;
			}
			if (st != CSP_OK || v != i) {
				t_fail(t, "cap %zu: task: receive %d from the plain thread: %s, value %d (a "
					"wake-up from outside lost?)", cap, i, csp_status_str(st), v);
				break;
			}
			v++;
			if (csp_chan_send_timeout(o.b, &v, LONG_WAIT) != CSP_OK) {
				t_fail(t, "cap %zu: task: reply %d to the plain thread not taken", cap, i);
				break;
			}
		}
		csp_chan_close(o.b);
		t_progress(t, "TestOutsidePingPong: joining the plain thread");
		join_outside(t, &o, "the plain thread's ping-pong");
	}
}

/* Outside: each round, a select receiving from a or b (one of two task peers sends on each),
 * then a select sending on a or b (one of the peers receives). */
static void outside_selector(struct outside *o)
{
	tctx *t = o->t;
	for (int i = 0; i < o->rounds && !t_failed(t); i++) {
		atomic_store(&o->turn, i);
		int va = POISON, vb = POISON;
		csp_case rc[2] = { recv_case(o->a, &va), recv_case(o->b, &vb) };
		int r = csp_select_timeout(rc, 2, LONG_WAIT);
		T_CHECK(t, r >= 0, "outside thread: select receive %d: no task peer within %lld s", i,
			(long long)(LONG_WAIT / CSP_SECOND));
		int got = r == 0 ? va : vb;
		T_CHECK(t, rc[r].ok && got == i, "outside thread: select receive %d got %d (ok %d)",
			i, got, rc[r].ok);
		int out = -i;
		csp_case sc[2] = { send_case(o->a, &out), send_case(o->b, &out) };
		r = csp_select_timeout(sc, 2, LONG_WAIT);
		T_CHECK(t, r >= 0 && sc[r].ok, "outside thread: select send %d: %d", i, r);
	}
}

struct sel_peer {
	tctx *t;
	csp_chan *c;
	int64_t rounds;
	int parity; /* sends on even (0) or odd (1) rounds */
	_Atomic int *turn;
};

/* A task peer: on its rounds sends i, and receives -i; all through its own channel. */
static void sel_peer_task(void *arg)
{
	struct sel_peer *p = arg;
	for (int i = p->parity; i < p->rounds && !t_failed(p->t); i += 2) {
		/* Wait for round i, so that only this peer can meet the select; a poll, bounded */
		while (atomic_load(p->turn) < i) {
			if (csp_now() > p->t->deadline) {
				t_fail(p->t, "task peer: round %d never came", i);
				return;
			}
			csp_yield();
		}
		T_CHECK(p->t, csp_chan_send_timeout(p->c, &i, LONG_WAIT) == CSP_OK,
			"task peer: send %d to the plain thread's select", i);
		int v = POISON;
		int st = csp_chan_recv_timeout(p->c, &v, NULL, LONG_WAIT);
		T_CHECK(p->t, st == CSP_OK && v == -i, "task peer: receive %d: %s, value %d", i,
			csp_status_str(st), v);
	}
}

/* A plain thread selects over two unbuffered channels whose peers are tasks, taking turns: the
 * peer of round i must be the one chosen (the other waits for its round, in no channel). */
static void test_outside_select(tctx *t)
{
	t_progress(t, "TestOutsideSelect: a plain thread's select, tasks as peers");
	struct outside o = { .fn = outside_selector, .rounds = t_iters(OUT_ROUNDS) };
	if (!(o.a = t_chan(t, sizeof(int), 0)) || !(o.b = t_chan(t, sizeof(int), 0)))
		return;
	struct sel_peer peers[2] = { { t, o.a, o.rounds, 0, &o.turn },
		{ t, o.b, o.rounds, 1, &o.turn } };
	tgroup g = { 0 };
	if (!t_go(t, &g, sel_peer_task, &peers[0]) || !t_go(t, &g, sel_peer_task, &peers[1]))
		return;
	if (!start_outside(t, &o))
		return;
	t_wait(t, &g, "the task peers of the plain thread's select");
	join_outside(t, &o, "the plain thread's selects");
}

/* ---- Mutex ----------------------------------------------------------------------------------- */

/* Outside half of the baton: lock m1 (which the task unlocks), take the turn, unlock m2. */
static void outside_baton(struct outside *o)
{
	tctx *t = o->t;
	for (long i = 0; i < o->rounds && !t_failed(t); i++) {
		csp_mutex_lock(o->m1);
		T_CHECK(t, o->counter == 2 * i + 1, "outside thread: turn %ld saw counter %ld", i,
			o->counter);
		o->counter++;
		csp_mutex_unlock(o->m2);
	}
}

/* A mutex as a baton between a task and a plain thread (Go's mutexes are not owned): both start
 * locked; the task unlocks m1 and blocks locking m2, the thread blocks locking m1 and unlocks
 * m2. Every turn is a wake-up across the two kinds of waiter, and the turns alternate. */
static void test_outside_mutex(tctx *t)
{
	t_progress(t, "TestOutsideMutexHandoff: a mutex passed to a plain thread and back");
	struct outside o = { .fn = outside_baton, .rounds = t_iters(OUT_ROUNDS) };
	if (!(o.m1 = t_mutex(t)) || !(o.m2 = t_mutex(t)))
		return;
	csp_mutex_lock(o.m1);
	csp_mutex_lock(o.m2);
	if (!start_outside(t, &o))
		return;
	for (long i = 0; i < o.rounds && !t_failed(t); i++) {
		if (o.counter != 2 * i) {
			t_fail(t, "task: turn %ld saw counter %ld", i, o.counter);
			break;
		}
		o.counter++;
		csp_mutex_unlock(o.m1);
		csp_mutex_lock(o.m2); /* bounded by the test's deadline: the progress note says where */
	}
	join_outside(t, &o, "the plain thread's turns");
	if (!t_failed(t))
		T_CHECK_EQ(t, o.counter, 2 * o.rounds);
}

/* ---- WaitGroup ------------------------------------------------------------------------------- */

static void wg_done_task(void *arg)
{
	struct outside *o = arg;
	csp_yield(); /* let the plain thread reach its wait, often */
	csp_wg_done(o->wg);
}

/* Outside: each round, wait on wg (tasks call Done), then call Done on wg2 (a task waits). */
static void outside_wg(struct outside *o)
{
	tctx *t = o->t;
	for (int i = 0; i < o->rounds && !t_failed(t); i++) {
		while (atomic_load(&o->go) <= i) { /* the body arms round i; bounded below */
			if (csp_now() > t->deadline) {
				t_fail(t, "outside thread: round %d never armed", i);
				return;
			}
			sched_yield();
		}
		csp_wg_wait(o->wg);
		atomic_store(&o->seen, i + 1);
		csp_wg_done(o->wg2);
	}
}

/* A plain thread waits on a WaitGroup whose Done calls come from tasks, and a task waits on one
 * whose Done comes from the plain thread, round after round (WaitGroups are reused). */
static void test_outside_wg(tctx *t)
{
	t_progress(t, "TestOutsideWaitGroup: waits across a plain thread and tasks");
	struct outside o = { .fn = outside_wg, .rounds = t_iters(OUT_WG_ROUNDS) };
	if (!(o.wg = t_wg(t)) || !(o.wg2 = t_wg(t)))
		return;
	if (!start_outside(t, &o))
		return;
	int k = task_count(1);
	tgroup g = { 0 };
	for (int i = 0; i < o.rounds && !t_failed(t); i++) {
		csp_wg_add(o.wg, k);
		csp_wg_add(o.wg2, 1);
		atomic_store(&o.go, i + 1);
		for (int j = 0; j < k; j++)
			if (!t_go(t, &g, wg_done_task, &o))
				break;
		csp_wg_wait(o.wg2); /* bounded by the test's deadline: the progress note says where */
		if (atomic_load(&o.seen) != i + 1) {
			t_fail(t, "round %d: the task's wait returned before the plain thread's Done", i);
			break;
		}
	}
	t_wait(t, &g, "the tasks calling Done");
	atomic_store(&o.go, (int)o.rounds); /* releases the thread if the loop stopped early */
	join_outside(t, &o, "the plain thread's waits");
}

static const struct tcase outside_tests[] = {
	{ .name = "TestOutsidePingPong", .prim = CSP_PRIM_CHAN, .body = test_outside_pingpong },
	{ .name = "TestOutsideSelect", .prim = CSP_PRIM_CHAN, .body = test_outside_select },
	{ .name = "TestOutsideMutexHandoff", .prim = CSP_PRIM_MUTEX, .body = test_outside_mutex,
		.forbids = CSP_PROP_OWNED },
	{ .name = "TestOutsideWaitGroup", .prim = CSP_PRIM_WAITGROUP, .body = test_outside_wg },
	{ 0 },
};
T_REGISTER(outside_tests);
