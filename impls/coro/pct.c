/*
 * PCT schedules for the deterministic mode: Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
 * Randomized Scheduler with Probabilistic Guarantees of Finding Bugs" (ASPLOS 2010).
 *
 * With CSPLAB_CORO_SEED=<n> (one worker, every runnable task in the global queue) and
 * CSPLAB_CORO_PCT=<d>[:<k>], each scheduling decision runs the runnable task of highest
 * priority instead of one at random:
 *   - a task gets a random initial priority, all of them above d, when it is first picked;
 *   - d - 1 change points are drawn uniformly among the first k decisions (k default 2000);
 *     at the i-th, the task about to run drops to priority d - 1 - i (below every initial one)
 *     and the choice is made again;
 *   - a task that yields drops below every other (otherwise a task polling with yields, as
 *     the stress harness's waits do, would be picked again forever): yields become round robin;
 *   - after k decisions the picks are random again: strict priorities let two tasks that keep
 *     handing work to each other (a sender and a receiver looping until a close) starve a third
 *     (the closer) for ever; PCT's bound speaks of the first k decisions only.
 * PCT finds a bug of depth d (d ordering constraints between the tasks' events) with
 * probability at least 1 / (n * k^(d-1)) per run, n tasks and k decisions; with yields
 * demoted, this holds for the decisions between yields. The PRNG is seeded from the seed, so a
 * seed and d replay one schedule exactly.
 *
 * Only the deterministic mode's single worker calls these, from the scheduler loop: no
 * synchronisation. Without CSPLAB_CORO_PCT, coro_pct_pick returns -1 and the caller picks at
 * random, as before.
 */
#include "sched_internal.h"

#include <stdlib.h>

enum {
	PCT_MAX_DEPTH = 16,
	PCT_DEFAULT_STEPS = 2000, /* the horizon: also how long a livelock (below) may last */
};

static struct {
	int init, depth;           /* depth 0: PCT off */
	uint64_t rng, steps, k;
	uint64_t change[PCT_MAX_DEPTH]; /* the decisions at which a priority drops */
	int64_t low;               /* the next priority a yield gets: below everything so far */
} pct;

static uint64_t next(void)
{
	uint64_t z = (pct.rng += 0x9e3779b97f4a7c15ULL); /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void init(void)
{
	pct.init = 1;
	const char *env = getenv("CSPLAB_CORO_PCT"), *seed = getenv("CSPLAB_CORO_SEED");
	if (!env || !*env || !seed || !*seed)
		return;
	char *end;
	long d = strtol(env, &end, 10);
	pct.k = *end == ':' ? strtoull(end + 1, NULL, 10) : PCT_DEFAULT_STEPS;
	if (d < 1 || pct.k < 1)
		return;
	pct.depth = d < PCT_MAX_DEPTH ? (int)d : PCT_MAX_DEPTH;
	pct.rng = strtoull(seed, NULL, 0) ^ 0x7c7a5eedULL;
	for (int i = 0; i < pct.depth - 1; i++)
		pct.change[i] = 1 + next() % pct.k;
}

/* The task's priority: assigned on first sight, above every change-point priority. */
static int64_t prio(struct coro_task *t)
{
	if (t->pct_prio == 0)
		t->pct_prio = PCT_MAX_DEPTH + 1 + (int64_t)(next() >> 33);
	return t->pct_prio;
}

static int highest(struct coro_task *head, uint32_t len)
{
	int best = 0;
	int64_t top = 0;
	struct coro_task *t = head;
	for (uint32_t i = 0; i < len && t; i++, t = t->next)
		if (i == 0 || prio(t) > top) {
			top = prio(t);
			best = (int)i;
		}
	return best;
}

int coro_pct_pick(struct coro_task *head, uint32_t len)
{
	if (!pct.init)
		init();
	if (!pct.depth || len == 0)
		return -1;
	if (++pct.steps > pct.k)
		return -1; /* past the horizon: random picks, so no task starves for ever */
	int best = highest(head, len);
	for (int i = 0; i < pct.depth - 1; i++) {
		if (pct.change[i] != pct.steps)
			continue;
		struct coro_task *t = head;
		for (int j = 0; j < best; j++)
			t = t->next;
		t->pct_prio = pct.depth - 1 - i; /* below every initial priority */
		best = highest(head, len);
	}
	return best;
}

void coro_pct_yielded(struct coro_task *t)
{
	if (pct.depth)
		t->pct_prio = --pct.low; /* below every other task, including earlier yields */
}
