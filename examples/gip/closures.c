/*
 * closures: a task started from main, which main does not wait for. Go in Practice, ch. 3
 * (a goroutine from a closure, and runtime.Gosched to let it run before main
 * exits).
 *
 * C has no closures: what Go's `go func() { fmt.Println(greeting, n) }()` captures travels in
 * a small struct allocated for that one task (struct greeting below), owned and freed by it.
 *
 * Go's program ends when main returns, killing goroutines that have not run yet. csp_run
 * returns when the main task does, but the process only ends when C's main() exits; to
 * behave like Go, the task checks `main_returned` before it prints, as if it had been
 * killed. What the task can do before main returns depends on the runtime:
 *  - coro with one worker thread (CSPLAB_CORO_WORKERS=1): a coroutine runs only when the
 *    running one blocks or yields, so without csp_yield() the task never runs before main
 *    returns, and with it, it always does - the chapter's point, deterministic here.
 *  - OS threads (pthread, futex, lockfree, ck) and coro with several workers: the task is a
 *    thread (or a coroutine another worker picks up) and runs in parallel with main, so
 *    whether it gets to print first is a race, yield or not: sched_yield() offers the CPU
 *    but on a machine with a free core the new thread may still be starting. Only waiting
 *    (a WaitGroup, GIP_CLOSURE_WAIT) makes it certain.
 */
#include "gip.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_bool main_returned; /* seq_cst: a flag, read once per task */

struct greeting {
	const char *text;
	int n;
	atomic_bool *ran;
	csp_waitgroup *wg; /* NULL unless main waits */
};

static void greet(void *arg)
{
	struct greeting *g = arg;
	if (!atomic_load(&main_returned)) {
		printf("task: %s %d\n", g->text, g->n);
		fflush(stdout);
		atomic_store(g->ran, true);
	}
	if (g->wg)
		csp_wg_done(g->wg);
	free(g);
}

bool gip_closures_run(const struct gip_impls *im, enum gip_closure_mode mode)
{
	static atomic_bool ran;
	atomic_store(&main_returned, false);
	atomic_store(&ran, false);
	csp_waitgroup *wg = mode == GIP_CLOSURE_WAIT ? csp_wg_new(im->name[CSP_PRIM_WAITGROUP]) : NULL;
	struct greeting *g = malloc(sizeof *g);
	if (!g || (mode == GIP_CLOSURE_WAIT && !wg)) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	*g = (struct greeting){ "hello from a task, argument", 42, &ran, wg };
	if (wg)
		csp_wg_add(wg, 1);
	if (csp_go(greet, g) != 0) {
		fprintf(stderr, "%s: cannot start the task\n", gip_prog);
		exit(1);
	}
	printf("main: task started\n");
	if (mode == GIP_CLOSURE_YIELD)
		csp_yield(); /* runtime.Gosched() */
	if (wg) {
		csp_wg_wait(wg);
		csp_wg_free(wg);
	}
	bool r = atomic_load(&ran);
	atomic_store(&main_returned, true); /* from here on, the task counts as killed */
	return r;
}
