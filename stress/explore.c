/*
 * Deterministic exploration: run one scenario under a family's deterministic scheduler for many
 * seeds, each in its own process, and stop at the first seed that fails.
 *
 * A family's runtime says whether it has such a scheduler (csp_runtime_ops.deterministic; the
 * coro family's: every coroutine on one worker, each scheduling decision from a PRNG seeded
 * with the seed, impls/coro/sched.h). With the harness in deterministic mode too — phases
 * measured in operations rather than time, yields instead of sleeps, no timeouts, no chaos
 * (stress.h: s_det) — a seed fixes the whole run: the harness's random choices and the
 * interleaving. So a failing seed reruns exactly, with `--seeds 1 --seed <it>`, and each seed
 * explores another random schedule. Scenarios that depend on time (`timed`) have no
 * deterministic form.
 *
 * --pct D asks the scheduler for PCT schedules of depth D instead of random walks (the coro
 * family: impls/coro/pct.c; a bug of depth d is found with probability at least
 * 1/(n k^(d-1)) per schedule, n tasks, k scheduling decisions).
 *
 * Each seed runs in a child process, which prints its own result line; the parent ends with
 * the exploration's (the first failing schedule, why, the counts).
 *
 * The runtime reads its variables once, when it starts; hence a process per seed. The parent
 * starts no thread before it forks.
 */
#define _GNU_SOURCE
#include "runner.h"
#include "hx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef CSPLAB_COVERAGE
void __gcov_dump(void); /* libgcov's: write the counters now */
#endif

static const csp_runtime_ops *det_runtime(const csp_info *impl)
{
	const csp_runtime_ops *rt = csp_runtime_for(impl->family);
	return rt->deterministic ? rt : NULL;
}

bool has_det(const csp_info *impl)
{
	return det_runtime(impl) != NULL;
}

int stress_explore(struct options *o, const struct scenario *sc, const csp_info *impl,
	const char *self)
{
	const csp_runtime_ops *rt = det_runtime(impl);
	hx_result_begin("stress");
	if (!rt || sc->timed) {
		char why[160];
		snprintf(why, sizeof why, "no deterministic mode (%s): recorded as absent",
			rt ? "the scenario depends on time" : "the family has no deterministic scheduler");
		printf("csplab-stress: %s: %s\n", stress_run_name(), why);
		hx_result_running(stress_run_name(), &o->seed);
		hx_result_absent(why);
		return hx_result_end();
	}
	printf("csplab-stress: %s: %d tasks, %d deterministic %s schedules from seed 0x%016llx\n",
		stress_run_name(), o->tasks, o->seeds, o->pct ? "PCT" : "random",
		(unsigned long long)o->seed);
	char depth[16] = "", done[64];
	if (o->pct)
		snprintf(depth, sizeof depth, " --pct %d", o->pct);
	snprintf(done, sizeof done, "%d deterministic schedules", o->seeds);
	uint64_t first = o->seed;
	for (int i = 0; i < o->seeds; i++) {
		uint64_t seed = first + (uint64_t)i;
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("csplab-stress: fork");
			return HX_EXIT_FAIL;
		}
		if (pid == 0) {
			int rc = rt->deterministic(seed, o->pct);
			if (rc != 0) {
				fprintf(stderr, "csplab-stress: runtime '%s': no deterministic mode: %s\n",
					rt->name, strerror(rc));
				_exit(HX_EXIT_USAGE);
			}
			o->seed = seed;
			o->det = true;
			fflush(NULL);
			rc = stress_run(o, sc, impl, self);
#ifdef CSPLAB_COVERAGE
			__gcov_dump(); /* _exit skips the exit handler that writes the coverage data */
#endif
			_exit(rc);
		}
		int status;
		while (waitpid(pid, &status, 0) < 0)
			;
		char name[320];
		snprintf(name, sizeof name, "%s (seed 0x%016llx)", stress_run_name(),
			(unsigned long long)seed);
		hx_result_running(name, &seed);
		enum hx_why why = hx_why_of_status(status);
		if (why == HX_WHY_NONE && WEXITSTATUS(status) == HX_EXIT_PASS) {
			hx_result_pass(done);
			continue;
		}
		char msg[512];
		snprintf(msg, sizeof msg, "schedule %d of %d (seed 0x%016llx) %s%d; rerun it exactly "
				      "with --seeds 1 --seed 0x%016llx%s",
			i + 1, o->seeds, (unsigned long long)seed,
			WIFEXITED(status) ? "exited with status " : "died of signal ",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			(unsigned long long)seed, depth);
		fprintf(stderr, "csplab-stress: FAIL %s: %s\n", stress_run_name(), msg);
		/* an absent schedule cannot be: the scenario was checked above */
		hx_result_fail(why == HX_WHY_NONE ? HX_WHY_CHECK : why, msg);
		return hx_result_end();
	}
	printf("csplab-stress: PASS %s: %s\n", stress_run_name(), done);
	return hx_result_end();
}
