/*
 * A program outside the tree, built against an installed csplab (scripts/test-install.sh):
 * 1000 coroutines on the coro family's M:N scheduler, each adding to a counter under a mutex of
 * the implementation named by argv[1] (default "coro": a mutex that parks the coroutine; "ck-mcs"
 * etc.: Concurrency Kit's spin locks, which yield while they spin), joined by a WaitGroup.
 *
 *   coro [MUTEX]     prints "count 1000" and exits 0, or exits 1
 */
#include <csplab/csplab.h>
#include <stdio.h>

enum { TASKS = 1000, ROUNDS = 100 };

static const char *mutex_impl = "coro";
static csp_mutex *mu;
static long count;

static void add(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		csp_mutex_lock(mu);
		count++;
		csp_mutex_unlock(mu);
		if (i % 10 == 0)
			csp_yield(); /* let the other coroutines interleave */
	}
}

static void main_task(void *arg)
{
	(void)arg;
	mu = csp_mutex_new(mutex_impl);
	csp_waitgroup *wg = csp_wg_new("coro");
	if (!mu || !wg)
		return;
	for (int i = 0; i < TASKS; i++)
		csp_wg_go(wg, add, NULL); /* coroutines, not threads */
	csp_wg_wait(wg);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		mutex_impl = argv[1];
	if (csp_run("coro", main_task, NULL) != 0 || !mu) {
		fprintf(stderr, "coro: cannot run with mutex '%s'\n", mutex_impl);
		return 1;
	}
	printf("count %ld\n", count / ROUNDS);
	return count == (long)TASKS * ROUNDS ? 0 : 1;
}
