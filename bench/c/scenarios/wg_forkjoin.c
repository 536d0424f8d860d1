/*
 * waitgroup/WaitGroupForkJoin (beyond Go; docs/benchmarks.md): the fork-join pattern a
 * WaitGroup exists for.
 *
 * One operation: Add(fanout), spawn `fanout` tasks that each call Done, Wait. The group is
 * reused from one operation to the next (allowed once Wait has returned). The tasks are spawned
 * with csp_go, in the runtime of the family under test: for OS-thread families the figure is
 * dominated by thread creation (~30 us each here), which is the point of comparing them with
 * coroutines and with Go's goroutines.
 *
 * fanout ∈ {1, 4, 16, ncpu, 4·ncpu, 1000} (sorted, without duplicates); smoke: {4}.
 * The null waitgroup is not run: its Wait does not wait, so spawned tasks would outlive the run
 * that owns their group.
 */
#include "bench.h"

#include <string.h>

static void done_task(void *wg)
{
	csp_wg_done(wg);
}

static void wg_forkjoin(bench_b *b)
{
	int64_t fanout = b->arg[0];
	csp_waitgroup *wg = b_wg(b);
	if (!wg)
		return;
	for (int64_t i = 0; i < b->n; i++) {
		csp_wg_add(wg, fanout);
		for (int64_t k = 0; k < fanout; k++) {
			int rc = csp_go(done_task, wg);
			if (rc != 0) {
				b_error(b, "cannot spawn task %lld of %lld: %s", (long long)k + 1,
					(long long)fanout, strerror(rc));
				csp_wg_add(wg, -(fanout - k)); /* the tasks that were not spawned */
				csp_wg_wait(wg);
				return;
			}
		}
		csp_wg_wait(wg);
	}
}

static size_t forkjoin_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	int64_t ncpu = csp_ncpu();
	int64_t want[] = { 1, 4, 16, ncpu, 4 * ncpu, 1000 };
	size_t n = 0;
	if (p == BENCH_SMOKE) {
		combos[0][0] = 4;
		return 1;
	}
	/* Insertion into the sorted list, skipping duplicates. */
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		size_t at = 0;
		while (at < n && combos[at][0] < want[i])
			at++;
		if (at < n && combos[at][0] == want[i])
			continue;
		for (size_t j = n; j > at; j--)
			combos[j][0] = combos[j - 1][0];
		combos[at][0] = want[i];
		n++;
	}
	return n;
}

static const struct bench_scenario s_forkjoin = {
	.name = "WaitGroupForkJoin", .prim = CSP_PRIM_WAITGROUP, .run = wg_forkjoin,
	.arg_names = { "fanout" }, .args = forkjoin_args, .skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_forkjoin)
