/*
 * Go's sync.Mutex benchmarks (sync/mutex_test.go, Go 1.19), one-to-one: the same loop bodies and
 * the same parallelism (RunParallel over GOMAXPROCS tasks; SetParallelism(10) for the Slack
 * variants, 4 for NoSpin), under Go's names.
 *
 * MutexWork*'s 100-step loop is b_work_dead: Go never reads its `foo`, so what it compiles is
 * the bare counting loop (bench.h).
 *
 * One deliberate difference, in MutexNoSpin: Go yields with `go func() { c <- true }(); <-c`,
 * which its comment calls "an elaborate way to say runtime.Gosched" (runtime.newproc +
 * runtime.chanrecv1: a few hundred ns in user space, and the yielder comes back through its P's
 * runnext); spawning a task costs ~30 us with OS threads, so the port says csp_yield() (Gosched)
 * instead: sched_yield(), a system call, for OS-thread families, which is why the null mutex
 * costs more there than Go's whole benchmark (docs/benchmarks.md, "Calibration"). The per-task
 * data arrays Go keeps on the goroutine's (growable) stack are on the heap here, so coroutine
 * stacks need not hold them.
 */
#include "bench.h"

#include <stdlib.h>

/* BenchmarkMutexUncontended: each task locks its own mutex. */
static void uncontended_body(bench_pb *pb, void *arg)
{
	bench_b *b = arg;
	csp_mutex *m = b_mutex(b); /* per task, as Go's per-goroutine PaddedMutex */
	if (!m)
		return;
	while (b_next(pb)) {
		csp_mutex_lock(m);
		csp_mutex_unlock(m);
	}
}

static void mutex_uncontended(bench_b *b)
{
	b_run_parallel(b, uncontended_body, b);
}

struct contended {
	csp_mutex *m;
	bool work;
};

/* benchmarkMutex(b, slack, work): all tasks share one mutex; `work` adds Go's 100-step loop,
 * whose `foo` Go never reads, so its compiled form is the bare counting loop (b_work_dead). */
static void contended_body(bench_pb *pb, void *arg)
{
	struct contended *c = arg;
	while (b_next(pb)) {
		csp_mutex_lock(c->m);
		csp_mutex_unlock(c->m);
		if (c->work)
			b_work_dead(100); /* Go's foo is dead: only the counting loop is left */
	}
}

static void run_contended(bench_b *b, bool slack, bool work)
{
	struct contended c = { b_mutex(b), work };
	if (!c.m)
		return;
	if (slack)
		b->procs *= 10; /* b.SetParallelism(10) */
	b_run_parallel(b, contended_body, &c);
}

static void mutex(bench_b *b) { run_contended(b, false, false); }
static void mutex_slack(bench_b *b) { run_contended(b, true, false); }
static void mutex_work(bench_b *b) { run_contended(b, false, true); }
static void mutex_work_slack(bench_b *b) { run_contended(b, true, true); }

/* The shared accumulators of MutexNoSpin/MutexSpin, updated under the mutex. */
struct accs {
	csp_mutex *m;
	_Atomic uint64_t acc0, acc1;
};

static void add_accs(struct accs *a)
{
	/* relaxed: the mutex orders these (its acquire/release pair); they are atomics only so the
	 * null mutex, which orders nothing, is not a data race. A relaxed load and store compile to
	 * the plain load and store of Go's `acc0 -= 100`. */
	atomic_store_explicit(&a->acc0,
		atomic_load_explicit(&a->acc0, memory_order_relaxed) - 100, memory_order_relaxed);
	atomic_store_explicit(&a->acc1,
		atomic_load_explicit(&a->acc1, memory_order_relaxed) + 100, memory_order_relaxed);
}

/* `for i := 0; i < len(data); i += 4 { data[i]++ }`, the stores kept (data is never read).
 * Go's `var data [N]uint64` is a local that does not escape, so it lives on the goroutine's
 * stack, and the ports keep it on the task's stack too. Measured here, the same loop over a
 * calloc'd array ran at half the speed with two tasks (MutexSpin, null 1524 -> 771 ns/op once on
 * the stack, p = .008), for reasons of placement the port has no business choosing. */
static void touch(uint64_t *data, size_t len)
{
	for (size_t i = 0; i < len; i += 4)
		data[i]++;
	__asm__ __volatile__("" : : "r"(data) : "memory");
}

#define NOSPIN_DATA (4 << 10)
#define SPIN_DATA (16 << 10)

/* BenchmarkMutexNoSpin: 4x GOMAXPROCS tasks; one iteration in four takes the lock, the others
 * do local work and yield, so a blocked locker is better off letting them run than spinning. */
static void nospin_body(bench_pb *pb, void *arg)
{
	struct accs *a = arg;
	uint64_t data[NOSPIN_DATA] = { 0 };
	for (int64_t i = 0; b_next(pb); i++) {
		if (i % 4 == 0) {
			csp_mutex_lock(a->m);
			add_accs(a);
			csp_mutex_unlock(a->m);
		} else {
			touch(data, NOSPIN_DATA);
			csp_yield();
		}
	}
}

/* BenchmarkMutexSpin: one task per CPU, each touching 128 KiB of its own between lock holds,
 * so a rescheduled locker pays in cache misses and spinning should win. The 128 KiB are on the
 * task's stack (see touch): the coro family's default stack (256 KiB) holds them; with
 * CSPLAB_CORO_STACK below about 192k a task runs into its guard page and the run dies of
 * SIGSEGV. */
static void spin_body(bench_pb *pb, void *arg)
{
	struct accs *a = arg;
	uint64_t data[SPIN_DATA] = { 0 };
	while (b_next(pb)) {
		csp_mutex_lock(a->m);
		add_accs(a);
		csp_mutex_unlock(a->m);
		touch(data, SPIN_DATA);
	}
}

static void run_accs(bench_b *b, int parallelism, void (*body)(bench_pb *, void *))
{
	struct accs a = { .m = b_mutex(b) };
	if (!a.m)
		return;
	atomic_init(&a.acc0, 0);
	atomic_init(&a.acc1, 0);
	b->procs *= parallelism; /* b.SetParallelism */
	b_run_parallel(b, body, &a);
}

static void mutex_nospin(bench_b *b) { run_accs(b, 4, nospin_body); }

static void mutex_spin(bench_b *b) { run_accs(b, 1, spin_body); }

static const struct bench_scenario s_uncontended = {
	.name = "MutexUncontended", .prim = CSP_PRIM_MUTEX, .go_origin = true,
	.run = mutex_uncontended,
};
static const struct bench_scenario s_mutex = {
	.name = "Mutex", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex,
};
static const struct bench_scenario s_slack = {
	.name = "MutexSlack", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex_slack,
};
static const struct bench_scenario s_work = {
	.name = "MutexWork", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex_work,
};
static const struct bench_scenario s_work_slack = {
	.name = "MutexWorkSlack", .prim = CSP_PRIM_MUTEX, .go_origin = true,
	.run = mutex_work_slack,
};
static const struct bench_scenario s_nospin = {
	.name = "MutexNoSpin", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex_nospin,
};
static const struct bench_scenario s_spin = {
	.name = "MutexSpin", .prim = CSP_PRIM_MUTEX, .go_origin = true, .run = mutex_spin,
};
BENCH_SCENARIO(s_uncontended)
BENCH_SCENARIO(s_mutex)
BENCH_SCENARIO(s_slack)
BENCH_SCENARIO(s_work)
BENCH_SCENARIO(s_work_slack)
BENCH_SCENARIO(s_nospin)
BENCH_SCENARIO(s_spin)
