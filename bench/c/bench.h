/*
 * The benchmark harness as scenario bodies see it: roughly Go's *testing.B.
 *
 * A scenario is one body run over every registered implementation of its primitive. The body
 * does b->n operations (Go's b.N) and runs as a task of the implementation's family runtime, so
 * the same body measures OS-thread and coroutine implementations alike: it spawns helpers with
 * b_go()/b_run_parallel() (tasks of that runtime) and never touches threads directly.
 *
 * Timing: the harness measures the body's window itself — wall time (reported to Google
 * Benchmark as manual time), process CPU time (every thread of the process, so spinning shows)
 * and context switches (getrusage), each per operation. b_reset_timer() / b_stop_timer() /
 * b_start_timer() shape the window as Go's b.ResetTimer/StopTimer/StartTimer do.
 *
 * Registration: one BENCH_SCENARIO(var) line per scenario, in its file in bench/c/scenarios/.
 * Names: <primitive>/<Scenario>/<implementation>[/<arg>:<value>...]/manual_time.
 */
#ifndef CSPLAB_BENCH_BENCH_H
#define CSPLAB_BENCH_BENCH_H

#include "hx.h" /* the harness library: CSP_PROP_NULL, CSP_PROP_BROKEN */

#include <csplab/csplab.h>
#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define BENCH_MAX_ARGS 4    /* arguments per benchmark instance */
#define BENCH_MAX_COMBOS 64 /* argument combinations per scenario */
/* A scenario's own counters (a few) plus a latency histogram's buckets (bench/c/hist.h). */
#define BENCH_MAX_COUNTERS 640

enum bench_profile {
	BENCH_SMOKE, /* make test: tiny counts, one repetition, one combination per sweep */
	BENCH_QUICK, /* make bench default: every scenario, reduced repetitions and sweeps */
	BENCH_FULL,  /* BENCH_PROFILE=full: >= 10 repetitions, full sweeps */
};

typedef struct bench_b bench_b;

struct bench_scenario {
	const char *name;     /* Go's benchmark name for ports of Go's ("ChanSync") */
	enum csp_prim prim;   /* run over every implementation of this primitive */
	bool go_origin;       /* a one-to-one port of one of Go's own benchmarks */
	void (*run)(bench_b *b);
	/* Optional argument sweep: names, and a generator filling up to BENCH_MAX_COMBOS
	 * combinations for the profile (thread counts should derive from csp_ncpu()). */
	const char *arg_names[BENCH_MAX_ARGS];
	size_t (*args)(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS]);
	unsigned skip_props;  /* implementations with any of these csp_prop bits are not run */
	unsigned only_props;  /* if set, only implementations with all of these bits are run */
	const char *group;    /* the row name's first part if not the primitive's ("calib") */
};

struct bench_b {
	int64_t n;            /* operations to do: Go's b.N */
	int procs;            /* tasks for b_run_parallel: csp_ncpu(), as GOMAXPROCS */
	int64_t arg[BENCH_MAX_ARGS];
	const csp_info *impl; /* the implementation under test */
	const struct bench_scenario *scenario;

	/* Private to the harness (bench/c/harness.c). */
	csp_waitgroup *wg;    /* b_go/b_wait: a waitgroup of the same family that parks */
	_Atomic(struct bench_obj *) objs; /* made by any task of the body */
	int64_t t_wall, t_cpu, t_csw; /* window start, or -1 while stopped */
	int64_t wall, cpu, csw;       /* accumulated */
	int64_t run_deadline; /* csp_now() past which b_run_parallel stops early (see done) */
	int64_t done;         /* operations actually done: n, or fewer if the run hit its cap */
	int n_counters;
	const char *counter_name[BENCH_MAX_COUNTERS];
	double counter_value[BENCH_MAX_COUNTERS];
	unsigned counter_flags[BENCH_MAX_COUNTERS];
	char error[256];
};

/* Registration line for a scenario (a static const struct bench_scenario). */
void bench_register(const struct bench_scenario *s);
#define BENCH_SCENARIO(s)                                                                          \
	__attribute__((constructor)) static void bench__register_##s(void)                            \
	{                                                                                              \
		bench_register(&(s));                                                                      \
	}

/* Objects of the implementation under test, freed after the run. NULL (and the run marked
 * failed) if creation fails. */
csp_chan *b_chan(bench_b *b, size_t elem_size, size_t cap);
csp_mutex *b_mutex(bench_b *b);
csp_rwlock *b_rwlock(bench_b *b);
csp_waitgroup *b_wg(bench_b *b);

/* Go's b.ResetTimer / b.StopTimer / b.StartTimer. */
void b_reset_timer(bench_b *b);
void b_stop_timer(bench_b *b);
void b_start_timer(bench_b *b);

/* Go's b.Fatal: the run is reported as an error with this message (the body then returns). */
void b_error(bench_b *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool b_failed(const bench_b *b) { return b->error[0] != 0; }

/* An extra result column. flags: GB_COUNTER_* from shim/gbench.h (0: the value as given). */
void b_counter(bench_b *b, const char *name, double value, unsigned flags);

/* Spawn fn(arg) as a task of the runtime under test; b_wait() waits for all of them. */
void b_go(bench_b *b, csp_task_fn fn, void *arg);
void b_wait(bench_b *b);
/* Go's plain `go` where a port must not add b_go's bookkeeping (a WaitGroup shared by every
 * task): a task b_wait does not wait for, so the body must know by itself when the task is done
 * with anything the run frees. */
void b_go_plain(bench_b *b, csp_task_fn fn, void *arg);

/* Go's b.RunParallel: body(pb, arg) runs in b->procs tasks, each looping while b_next(pb);
 * together they do b->n iterations. Returns after all tasks finished.
 * A run that overruns its cap (a spin lock collapsing with more tasks than cores can take
 * minutes) stops handing out work: b->done says how many operations were done, and the harness
 * reports time per operation from that, with a "capped" counter, instead of hanging the run. */
typedef struct bench_pb {
	_Atomic int64_t *left; /* shared: iterations not yet handed out */
	int64_t cached;        /* iterations this task holds */
	int64_t grain;
	int64_t deadline;      /* stop handing out work after this (the run's cap) */
	int index;             /* 0 .. procs-1 */
} bench_pb;
void b_run_parallel(bench_b *b, void (*body)(bench_pb *pb, void *arg), void *arg);
bool b_next_slow(bench_pb *pb);
static inline bool b_next(bench_pb *pb)
{
	if (pb->cached > 0) {
		pb->cached--;
		return true;
	}
	return b_next_slow(pb);
}

/*
 * Go's local work loops, as Go 1.19's compiler compiles them (`go tool objdump -s BenchmarkX` on
 * `go test -c runtime` / `sync`; docs/benchmarks.md, "Calibration", checks the cost). Which form a
 * port uses depends on whether Go's result is used, not on the source text, because Go drops what
 * is dead:
 *
 * b_work_dead(n): `foo := 0; for pb.Next() { ... for i := 0; i < n; i++ { foo *= 2; foo /= 2 } }`
 *   followed only by `_ = foo` (benchmarkMutex, benchmarkWaitGroupAddDone/Wait): foo is dead, the
 *   arithmetic is gone, and what remains is the counting loop, `INCQ AX; CMPQ $0x64, AX; JL`:
 *   about one cycle a step. Here: the same loop around an empty asm statement.
 *
 * b_work_live(foo, n): the same loop where foo is read afterwards (benchmarkRWMutex's `foo %
 *   writeRatio`, benchmarkChanProdCons's and SelectProdCons's `c <- foo == 42`): each step is
 *   `MOVQ R8, DX; SHLQ $1, R8; SHRQ $63, R8; LEAQ (R8)(DX*2), R8; SARQ $1, R8` (foo * 2, then the
 *   signed halving's rounding fix-up), a chain of four one-cycle instructions. gcc makes the same
 *   chain (add; shr; add; sar) once an empty asm hides that foo * 2 is even; returns foo.
 *
 * b_local_work(w): chan_test.go's localWork, `foo /= (foo + 1)` w times, foo 0 and kept by
 *   `if alwaysFalse { workSink += foo }`: Go inlines it as `LEAQ 1(DX), SI; CQO; IDIVQ SI` (after
 *   a check for a divisor of -1), one 64-bit division a step; so does gcc.
 *
 * The asm statements emit nothing; `volatile` keeps the loop where Go kept it even if the caller
 * drops foo.
 */
static inline void b_work_dead(int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		__asm__ __volatile__("");
}

static inline int64_t b_work_live(int64_t foo, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		foo *= 2;
		__asm__ __volatile__("" : "+r"(foo));
		foo /= 2;
	}
	return foo;
}

static inline void b_local_work(int64_t w)
{
	int64_t foo = 0;
	for (int64_t i = 0; i < w; i++) {
		__asm__ __volatile__("" : "+r"(foo)); /* Go cannot see that foo stays 0 either */
		foo /= foo + 1;
	}
	__asm__ __volatile__("" : : "r"(foo)); /* Go's `if alwaysFalse { workSink += foo }` */
}

/* A unit of local work for csplab's own scenarios, which calibrate its cost (mutex_matrix.c):
 * b_work_live's step, called out of line. */
void b_work(int units);

/* Thread-count sweeps from the core count: {1, ncpu, 2*ncpu, 4*ncpu} without duplicates. */
size_t bench_thread_counts(enum bench_profile p, int64_t out[], size_t max);

#endif /* CSPLAB_BENCH_BENCH_H */
