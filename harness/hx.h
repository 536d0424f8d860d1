/*
 * The harness library: what the conformance runner (tests/), the stress runner (stress/) and the
 * benchmark driver (bench/) share. Not part of the installed library; harnesses link its objects
 * (CMake target csplab_harness).
 *
 *   clock.c  time the process could not use: the run-queue discount behind every deadline
 *
 * Bodies (test bodies, stress scenarios, benchmark scenarios) use their own harness's header;
 * this one is for the harnesses themselves.
 */
#ifndef CSPLAB_HARNESS_HX_H
#define CSPLAB_HARNESS_HX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Time the machine took: the run-queue discount (clock.c) -------------------------------- */

/* The run-queue delay (ns) of thread tid of this process: the time it spent runnable but not
 * running, the second field of /proc/self/task/<tid>/schedstat; -1 where the kernel has none.
 * Plain system calls (no stdio, no allocation): any thread or coroutine may call it. */
int64_t hx_run_delay(int tid);
/* The calling OS thread's id, for hx_run_delay. */
int hx_tid(void);

/*
 * A deadline means "the test made no progress", never "the machine was busy". A watcher (the
 * thread that enforces a deadline) samples the process with hx_busy_sample now and then; each
 * sample returns the part of the time since the previous one that the process's threads spent
 * waiting for a CPU, and the watcher moves its deadlines later by that much.
 *
 * Over an interval of dt, with R and Q the run and run-queue times its threads added (summed
 * over the threads alive at both ends, or born since), the discount is
 *
 *     dt * min(Q / (R + Q), Q / dt, HX_BUSY_CAP)
 *
 * Q / (R + Q) is the share of the CPU time the process asked for that it had to wait for: a
 * machine with twice as many runnable threads as CPUs gives about 1/2, so a deadline stretches
 * about 2x. Q / dt keeps a process that barely asked for a CPU (all its threads blocked: a
 * deadlock, a lost wake-up) from being discounted however busy the machine: such a test still
 * fails at its deadline. HX_BUSY_CAP bounds the stretch (1 / (1 - cap)), so that a livelock of
 * spinning threads, which queue behind each other, still ends. Threads that were born and died
 * between two samples are not seen; sample often enough (HX_BUSY_PERIOD) that most are.
 *
 * The sampler allocates (its table of threads): call it from the watcher only, never from a
 * task of the runtime under test.
 */
#define HX_BUSY_CAP 0.9
#define HX_BUSY_PERIOD_NS (50 * 1000 * 1000) /* how often watchers sample */

struct hx_busy_thread {
	int tid;
	int64_t run, queued; /* ns, at the last sample */
};

typedef struct hx_busy {
	int64_t at;                   /* csp_now() of the last sample; 0: none yet */
	struct hx_busy_thread *seen;  /* the threads at the last sample, by tid */
	size_t n, cap;
	int64_t discounted;           /* total returned so far, for messages */
} hx_busy;

/* Start sampling: the first sample, from which the next one counts. */
void hx_busy_start(hx_busy *b);
/* The ns of wall time since the previous sample to discount (see above); 0 when the kernel
 * keeps no schedstat. */
int64_t hx_busy_sample(hx_busy *b);
void hx_busy_stop(hx_busy *b);

#endif /* CSPLAB_HARNESS_HX_H */
