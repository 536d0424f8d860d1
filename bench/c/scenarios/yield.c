/*
 * chan/Yield (beyond Go; bench/go/yield.go is the Go side): the cost of a yield that switches
 * tasks. TASKS_PER_CORE tasks per core each call csp_yield() (runtime.Gosched) until b.N yields
 * are done in all, so a yield hands the CPU to another task of its core: a coroutine switch for
 * coro (and a goroutine switch for Go), sched_yield and a kernel thread switch for the OS-thread
 * families. Four per core rather than two, so that a scheduler that spreads them unevenly still
 * leaves every core more than one task (a yield with nobody else to run returns at once and
 * would flatter the figure). The figure to read is the CPU ns/op column, CPU time per yield: the
 * cost one yield has on its core. Wall ns/op is the rate over all cores (about CPU ns/op / cores).
 * Listed under chan because, like CreateGoroutines, it runs once per family through its chan
 * implementations; the channel itself is not used.
 */
#include "bench.h"

#define BATCH 64 /* yields per claim on the shared counter */
#define TASKS_PER_CORE 4

struct yielders {
	_Atomic int64_t batches; /* batches of BATCH yields not yet claimed */
};

static void yielder(void *arg)
{
	struct yielders *y = arg;
	/* relaxed: a work counter; nothing is published through it (b_wait orders the end) */
	while (atomic_fetch_sub_explicit(&y->batches, 1, memory_order_relaxed) > 0)
		for (int i = 0; i < BATCH; i++)
			csp_yield();
}

static void yield_run(bench_b *b)
{
	struct yielders y;
	atomic_init(&y.batches, (b->n + BATCH - 1) / BATCH);
	for (int i = 0; i < TASKS_PER_CORE * b->procs; i++)
		b_go(b, yielder, &y);
	b_wait(b);
	b_stop_timer(b);
}

static const struct bench_scenario s_yield = {
	.name = "Yield", .prim = CSP_PRIM_CHAN, .run = yield_run, .skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_yield)
