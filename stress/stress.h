/*
 * The stress suite's harness: long randomised runs of one primitive under load, one body per
 * scenario, run over every registered implementation of its primitive.
 *
 * A run is one process: `csplab-stress --prim P --impl NAME --scenario S --tasks N --seconds D
 * --seed X [--chaos L]` (runner.c). The body runs as a task of the implementation's runtime and
 * spawns its tasks with s_go(); the process's main thread is the watchdog. Each task owns a slot
 * (stask) holding what it is doing (a static string) and how many operations it has completed;
 * when no operation completes for the stall bound, or the run overruns, the watchdog prints every
 * slot and the command that replays the run, and ends the process: a hang is a failure with a
 * dump, never a stuck job.
 *
 * Checking. Tasks never abort: s_fail() records the first failure (later ones are usually its
 * consequences) and makes s_running() false everywhere, so the run winds down and the runner
 * prints the failure, the seed and the replay command.
 *
 * Ordering. The harness's own atomics must never create a happens-before edge that the primitive
 * under test should provide, or ThreadSanitizer could not see a missing acquire or release.
 * So everything the harness does near an operation under test is relaxed (progress counts, the
 * `doing` strings, the failure flag as tasks poll it, the counts bodies keep inside critical
 * sections); bodies coordinate their own rounds only in directions that cannot mask the edge a
 * scenario checks (each scenario file says which).
 *
 * Operations go through the sx_* wrappers below, which put a chaos point (chaos.c) at the entry
 * and the exit of every primitive operation: with --chaos, seeded random yields, spins and short
 * sleeps there widen the windows in which races and lost wake-ups hide.
 */
#ifndef CSPLAB_STRESS_STRESS_H
#define CSPLAB_STRESS_STRESS_H

#include "hx.h"

#include <csplab/csplab.h>
#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum {
	S_MAX_SLOTS = 4096, /* tasks one run may spawn, all phases together */
	S_MAX_PHASES = 8,
};

typedef struct sctx sctx;
typedef struct stask stask;

struct scenario {
	const char *name;   /* "mutex-torture" */
	enum csp_prim prim; /* run over every implementation of this primitive */
	void (*body)(sctx *s);
	const char *what;   /* one line: what it checks */
	unsigned requires;  /* csp_prop bits the scenario needs; without them it is absent */
	unsigned forbids;   /* csp_prop bits with which the behaviour is not promised: absent */
	bool timed;         /* depends on time (sleeps, timeouts, time bounds): no deterministic mode */
};

/* The tables, one per scenario file, each ended by an entry with name == NULL and registered
 * with S_REGISTER(table) after it (harness/hx.h: HX_REGISTER). */
extern hx_suite stress_suite;
#define S_REGISTER(table) HX_REGISTER(stress_suite, const struct scenario *, table)

struct stask {
	sctx *s;
	const char *role;            /* "producer", "waiter", ... (static) */
	int index;                   /* within its role */
	_Atomic(const char *) doing; /* static string: the operation it is in or about to start */
	_Atomic uint64_t progress;   /* operations completed; the watchdog watches the sum */
	_Atomic int state;           /* S_TASK_* */
	uint64_t rng;                /* the task's own generator, seeded from the run's seed */
	int64_t budget;              /* deterministic mode: s_running calls left in this phase */
	void (*fn)(stask *t);
	void *arg;
};

enum { S_TASK_FREE, S_TASK_RUNNING, S_TASK_DONE };

struct sctx {
	const struct scenario *sc;
	const csp_info *impl;
	int ntasks;           /* the scale: tasks the body runs at once (--tasks) */
	int64_t duration;     /* ns the whole scenario runs (--seconds) */
	uint64_t seed;        /* --seed */
	bool sanitized;       /* a sanitizer build: bounds on waits are looser */
	int64_t det_ops;      /* > 0: deterministic mode; each task's operations per phase */
	_Atomic int64_t phase_end; /* csp_now() at which the current phase stops */
	_Atomic(const char *) phase; /* static string naming the phase, for messages */

	hx_first first;       /* the first failure: "<phase>: <file>:<line>: <message>" */
	char note[1024];      /* the body's summary (figures), printed on success; body only */

	stask body;           /* the body's own slot */
	_Atomic int nslots;   /* slots handed out */
	_Atomic int64_t live; /* tasks spawned and not yet returned */
	stask slots[S_MAX_SLOTS];
};

/* ---- Running ------------------------------------------------------------------------------- */

/* Start a phase named `name` (a static string) lasting `fraction` of the duration from now. */
void s_phase(sctx *s, const char *name, double fraction);
/* True while the current phase lasts and nothing has failed. In deterministic mode a phase
 * lasts det_ops calls of each task rather than a time, so a seed replays the same run. */
bool s_running(stask *t);
/* Deterministic mode (--seeds): no sleeps, no timeouts, nothing that depends on the clock. */
static inline bool s_det(sctx *s)
{
	return s->det_ops > 0;
}
/* True once a failure was recorded. */
static inline bool s_failed(sctx *s)
{
	/* relaxed: a stop signal only; the message is read by the runner through hx_first_msg */
	return atomic_load_explicit(&s->first.failed, memory_order_relaxed) != 0;
}

/* Spawn fn(task) in the implementation's runtime as task `index` of `role`; the slot is
 * returned (NULL after recording a failure). arg is available as task->arg. */
stask *s_go(sctx *s, const char *role, int index, void (*fn)(stask *t), void *arg);
/* Wait until every task spawned so far has returned. Unbounded: the watchdog bounds it. */
void s_join(sctx *s);

/* Record a failure (thread-safe; the first is kept) and stop the run. */
void s_fail_at(sctx *s, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define s_fail(s, ...) s_fail_at((s), __FILE__, __LINE__, __VA_ARGS__)

/* Append to the body's summary (printed with the result). Body only. */
void s_note(sctx *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wait bound for scenarios that measure one: `release` seconds, times 4 in sanitizer builds. */
int64_t s_bound(sctx *s, double release_seconds);

/* ---- Task bookkeeping (cheap, relaxed: see the file comment) ------------------------------- */

static inline void s_doing(stask *t, const char *what)
{
	atomic_store_explicit(&t->doing, what, memory_order_relaxed);
}

static inline void s_progress(stask *t)
{
	atomic_fetch_add_explicit(&t->progress, 1, memory_order_relaxed);
}

/* The task's generator (splitmix64): uniform 64 bits, and uniform in [0, n) for n >= 1. */
static inline uint64_t s_rand(stask *t)
{
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t s_randn(stask *t, uint32_t n)
{
	return (uint32_t)(((s_rand(t) >> 32) * n) >> 32);
}

/* A random pause: mostly nothing, sometimes a short spin, rarely a sleep of up to max_sleep_us
 * (which makes waiters park in the kernel; a few yields in deterministic mode). Used for hold
 * and think times. */
void s_pause(stask *t, int max_sleep_us);

/* Poll until *v >= want (acquire), backing off; false if the run stopped first. The acquire is
 * the body's own coordination: callers say what it may order. */
bool s_await_at_least(stask *t, _Atomic int64_t *v, int64_t want);

/* ---- Bounded waits: an occasional task measured while others hammer ----------------------- */

struct swait {
	int64_t max_overtakes;        /* set by the body before the tasks start: a wait longer */
	int64_t min_wait;             /* than min_wait (ns) with more overtakes is starvation */
	_Atomic int64_t since;        /* csp_now() when the task's current wait began; 0: none */
	_Atomic int64_t others;       /* acquisitions by the hammering tasks (s_wait_other) */
	_Atomic int64_t others_at;    /* `others` when the current wait began */
	_Atomic int tid;              /* the OS thread the wait began on (its schedstat is read) */
	_Atomic int64_t queued_at;    /* that thread's run-queue delay (ns) when the wait began; */
	                              /* -1: unknown (no schedstat), nothing is discounted */
	_Atomic int64_t count;        /* waits measured */
	_Atomic int done;             /* the occasional task returned */
	int64_t worst, worst_overtakes; /* the task's, read by the body after done */
};

/* The occasional task, around each wait it measures. Starvation is a wait during which the
 * other tasks took the lock more than max_overtakes times, and that lasted over min_wait:
 * counted in turns, so that machine load alone (which stretches waits) does not look like it,
 * and long enough that a task merely preempted before it queued does not either.
 *
 * Both figures ignore the machine: the time the waiting thread spent runnable but not running
 * (its run-queue delay, /proc/thread-self/schedstat's second field, read at both ends) is taken
 * off the wait, and the overtakes are scaled to the rest, as if they came at an even rate. A
 * thread preempted before it announced itself to the lock is legitimately overtaken, and
 * however loaded the machine, that time is run-queue time; a waiter that is queued and blocked
 * (or spinning on a CPU) while others keep taking the lock is not discounted at all. */
void s_wait_begin(struct swait *w);
void s_wait_end(stask *t, struct swait *w, const char *who);
/* The hammering tasks, once per acquisition. */
static inline void s_wait_other(struct swait *w)
{
	atomic_fetch_add_explicit(&w->others, 1, memory_order_relaxed); /* a count only */
}
/* The body, while the occasional task runs: fails the run as soon as a wait is starvation, or
 * lasts over `bound` whatever the count (so a starving task is caught at once, not at the end
 * of the phase), and returns once the task is done (true) or the run failed (false). */
bool s_watch_wait(sctx *s, struct swait *w, int64_t bound, const char *who);

/* ---- Chaos (chaos.c) ------------------------------------------------------------------------- */

enum chaos_site { CHAOS_ENTRY, CHAOS_EXIT, CHAOS_SLOW, CHAOS_PREEMPT };

void chaos_setup(int level, uint64_t seed);
void chaos_point_slow(enum chaos_site site);
extern _Atomic int chaos_level;

static inline void chaos_point(enum chaos_site site)
{
	/* relaxed: set once before any task starts */
	if (atomic_load_explicit(&chaos_level, memory_order_relaxed))
		chaos_point_slow(site);
}

/* ---- Operations under test, with chaos at entry and exit and the `doing` string set ---------- */

#define SX_OP(t, what, call)                                                                       \
	do {                                                                                           \
		s_doing((t), (what));                                                                      \
		chaos_point(CHAOS_ENTRY);                                                                  \
		call;                                                                                      \
		chaos_point(CHAOS_EXIT);                                                                   \
	} while (0)

static inline void sx_lock(stask *t, csp_mutex *m) { SX_OP(t, "mutex lock", csp_mutex_lock(m)); }
static inline void sx_unlock(stask *t, csp_mutex *m)
{
	SX_OP(t, "mutex unlock", csp_mutex_unlock(m));
}
static inline bool sx_trylock(stask *t, csp_mutex *m)
{
	bool ok;
	SX_OP(t, "mutex trylock", ok = csp_mutex_trylock(m));
	return ok;
}

static inline void sx_rlock(stask *t, csp_rwlock *l)
{
	SX_OP(t, "rwlock rlock", csp_rwlock_rlock(l));
}
static inline void sx_runlock(stask *t, csp_rwlock *l)
{
	SX_OP(t, "rwlock runlock", csp_rwlock_runlock(l));
}
static inline bool sx_tryrlock(stask *t, csp_rwlock *l)
{
	bool ok;
	SX_OP(t, "rwlock tryrlock", ok = csp_rwlock_tryrlock(l));
	return ok;
}
static inline void sx_wlock(stask *t, csp_rwlock *l)
{
	SX_OP(t, "rwlock lock", csp_rwlock_lock(l));
}
static inline void sx_wunlock(stask *t, csp_rwlock *l)
{
	SX_OP(t, "rwlock unlock", csp_rwlock_unlock(l));
}
static inline bool sx_trywlock(stask *t, csp_rwlock *l)
{
	bool ok;
	SX_OP(t, "rwlock trylock", ok = csp_rwlock_trylock(l));
	return ok;
}

static inline void sx_wg_add(stask *t, csp_waitgroup *wg, int64_t d)
{
	SX_OP(t, "waitgroup add", csp_wg_add(wg, d));
}
static inline void sx_wg_done(stask *t, csp_waitgroup *wg)
{
	SX_OP(t, "waitgroup done", csp_wg_done(wg));
}
static inline void sx_wg_wait(stask *t, csp_waitgroup *wg)
{
	SX_OP(t, "waitgroup wait", csp_wg_wait(wg));
}

/* Channel operations take an explicit deadline kind: 0 blocks, < 0 polls (try), > 0 waits at
 * most that many ns. They return the csp status. */
int sx_send(stask *t, csp_chan *c, const void *v, csp_duration d);
int sx_recv(stask *t, csp_chan *c, void *v, csp_duration d);
int sx_close(stask *t, csp_chan *c);
/* csp_select with a timeout d > 0, the default form for d < 0, blocking for d == 0. */
int sx_select(stask *t, csp_case *cases, size_t n, csp_duration d);

/* ---- Objects of the implementation under test (freed when the run ends) -------------------- */

csp_mutex *s_mutex(sctx *s);
csp_rwlock *s_rwlock(sctx *s);
csp_waitgroup *s_wg(sctx *s);
csp_chan *s_chan(sctx *s, size_t elem_size, size_t cap);
/* A channel the body frees itself with csp_chan_free (rounds that make many); NULL on failure. */
csp_chan *s_chan_temp(sctx *s, size_t elem_size, size_t cap);

/* Memory that lives until the run ends: zeroed, or a failure and NULL. */
void *s_alloc(sctx *s, size_t size);

#endif /* CSPLAB_STRESS_STRESS_H */
