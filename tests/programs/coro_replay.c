/*
 * Deterministic mode replays: with CSPLAB_CORO_SEED set, the interleaving of yielding tasks is
 * drawn from the seed. This program prints a hash of the order in which 8 tasks took 50 turns
 * each; ctest runs it twice with one seed (the hashes must match) and once with another (they
 * must differ), and CSPLAB_CORO_SEED unset must still work.
 */
#include <csplab/csplab.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define TASKS 8
#define TURNS 50

/* FNV-1a over the turn order. Atomic although one worker runs one task at a time: in the M:N
 * model tasks are concurrent, and the strict TSan build rightly reports a plain variable. */
static _Atomic uint64_t hash = 1469598103934665603ULL;
static csp_waitgroup *wg;

static void turn_taker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	for (int i = 0; i < TURNS; i++) {
		/* relaxed: one worker runs the tasks in turn; only the order of turns matters */
		uint64_t h = atomic_load_explicit(&hash, memory_order_relaxed);
		atomic_store_explicit(&hash, (h ^ id) * 1099511628211ULL, memory_order_relaxed);
		csp_yield();
	}
}

static void main_task(void *arg)
{
	(void)arg;
	wg = csp_wg_new("coro");
	for (uintptr_t id = 0; id < TASKS; id++)
		csp_wg_go(wg, turn_taker, (void *)id);
	csp_wg_wait(wg);
}

int main(void)
{
	if (csp_run("coro", main_task, NULL) != 0)
		return 1;
	printf("%016llx\n", (unsigned long long)atomic_load(&hash));
	return 0;
}
