/* Between the stress runner (runner.c, watchdog.c) and the harness (harness.c): not for bodies. */
#ifndef CSPLAB_STRESS_RUNNER_H
#define CSPLAB_STRESS_RUNNER_H

#include "stress.h"

/* The command line (runner.c). */
struct options {
	const char *prim, *impl, *scenario, *load;
	int tasks, chaos;
	int seeds;    /* --seeds: deterministic schedules to explore (0: a normal run) */
	int pct;      /* --pct D: those schedules are PCT schedules of depth D (0: random walks) */
	bool det;     /* this process runs one of them */
	double seconds, stall;
	uint64_t seed;
	bool list, seeded;
};

/* Operations per task per phase in deterministic mode: a seed's run takes milliseconds. */
enum { DET_OPS = 300 };

/* Run the scenario once in this process; the exit status (some failures end the process). */
int stress_run(struct options *o, const struct scenario *sc, const csp_info *impl,
	const char *self);
/* "stress/<prim>/<impl>/<scenario>", once the options are settled. */
const char *stress_run_name(void);

/* Deterministic exploration (explore.c): o->seeds runs under the family's deterministic
 * scheduler, seeds o->seed, o->seed + 1, ..., each in a child process. */
int stress_explore(struct options *o, const struct scenario *sc, const csp_info *impl,
	const char *self);
/* Whether impl's family runtime has a deterministic mode (csp_runtime_ops.deterministic). */
bool has_det(const csp_info *impl);

/* Set up a task slot: owner, role, and a generator seeded from the run's seed and `stream`. */
void s_task_init(sctx *s, stask *t, const char *role, int index, uint64_t stream);
/* Free every object the body made with s_mutex & co. (after every task returned). */
void s_free_all(void);

/* The watchdog (watchdog.c), run on the process's main thread while the body runs. */
struct watch {
	int64_t stall;   /* ns without a completed operation that count as a hang */
	int64_t overrun; /* ns past the scenario's duration that count as a hang */
};

/* Watch s until *body_done (acquire) is set: returns HX_EXIT_PASS. On a hang (no operation
 * completed for w->stall, or the run overran), or a failure after which the tasks do not finish
 * within w->stall, writes the reason to why and returns the exit status to end with. */
int watch_run(sctx *s, const struct watch *w, _Atomic int *body_done, char *why, size_t n);

/* Print every task slot to stderr: role, what it is doing, operations completed, time since
 * its last one. */
void watch_dump(sctx *s);

#endif /* CSPLAB_STRESS_RUNNER_H */
