/*
 * Deterministic exploration: run one scenario under a family's deterministic scheduler for many
 * seeds, each in its own process, and stop at the first seed that fails.
 *
 * The coro family has such a scheduler (impls/coro/sched.h: CSPLAB_CORO_SEED=<n> runs every
 * coroutine on one worker and makes each scheduling decision with a PRNG seeded with n). With
 * the harness in deterministic mode too — phases measured in operations rather than time, yields
 * instead of sleeps, no timeouts, no chaos (stress.h: s_det) — a seed fixes the whole run: the
 * harness's random choices and the interleaving. So a failing seed reruns exactly, with
 * `--seeds 1 --seed <it>`, and each seed explores another random schedule. Scenarios that
 * depend on time (`timed`) have no deterministic form.
 *
 * --pct D asks the scheduler for PCT schedules of depth D instead of random walks
 * (impls/coro/pct.c: a bug of depth d is found with probability at least 1/(n k^(d-1)) per
 * schedule, n tasks, k scheduling decisions).
 *
 * The runtime reads its variables once, when it starts; hence a process per seed. The parent
 * starts no thread before it forks.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef CSPLAB_COVERAGE
void __gcov_dump(void); /* libgcov's: write the counters now */
#endif

static const struct det_family {
	const char *family, *env, *pct_env; /* pct_env: where the scheduler reads a PCT depth */
} deterministic[] = {
	{ "coro", "CSPLAB_CORO_SEED", "CSPLAB_CORO_PCT" },
};

static const struct det_family *det_family(const csp_info *impl)
{
	for (size_t i = 0; i < sizeof deterministic / sizeof deterministic[0]; i++)
		if (strcmp(impl->family, deterministic[i].family) == 0)
			return &deterministic[i];
	return NULL;
}

const char *det_env(const csp_info *impl)
{
	const struct det_family *f = det_family(impl);
	return f ? f->env : NULL;
}

int stress_explore(struct options *o, const struct scenario *sc, const csp_info *impl,
	const char *self)
{
	const char *env = det_env(impl);
	if (!env || sc->timed) {
		printf("csplab-stress: %s: no deterministic mode (%s): recorded as absent\n",
			stress_run_name(), env ? "the scenario depends on time"
					       : "the family has no deterministic scheduler");
		return EXIT_ABSENT;
	}
	printf("csplab-stress: %s: %d tasks, %d deterministic %s schedules from seed 0x%016llx\n",
		stress_run_name(), o->tasks, o->seeds, o->pct ? "PCT" : "random",
		(unsigned long long)o->seed);
	char depth[16] = "";
	if (o->pct)
		snprintf(depth, sizeof depth, "%d", o->pct);
	uint64_t first = o->seed;
	for (int i = 0; i < o->seeds; i++) {
		uint64_t seed = first + (uint64_t)i;
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("csplab-stress: fork");
			return EXIT_FAIL;
		}
		if (pid == 0) {
			char value[32];
			snprintf(value, sizeof value, "0x%016llx", (unsigned long long)seed);
			setenv(env, value, 1);
			if (o->pct)
				setenv(det_family(impl)->pct_env, depth, 1);
			o->seed = seed;
			o->det = true;
			fflush(NULL);
			int rc = stress_run(o, sc, impl, self);
#ifdef CSPLAB_COVERAGE
			__gcov_dump(); /* _exit skips the exit handler that writes the coverage data */
#endif
			_exit(rc);
		}
		int status;
		while (waitpid(pid, &status, 0) < 0)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_PASS)
			continue;
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAIL;
		fprintf(stderr, "csplab-stress: FAIL %s: schedule %d of %d (seed 0x%016llx) %s%d; "
				"rerun it exactly with --seeds 1 --seed 0x%016llx%s%s\n",
			stress_run_name(), i + 1, o->seeds, (unsigned long long)seed,
			WIFEXITED(status) ? "exited with status " : "died of signal ",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			(unsigned long long)seed, o->pct ? " --pct " : "", depth);
		return code == EXIT_ABSENT ? EXIT_FAIL : code;
	}
	printf("csplab-stress: PASS %s: %d deterministic schedules\n", stress_run_name(), o->seeds);
	return EXIT_PASS;
}
