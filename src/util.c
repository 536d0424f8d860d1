/* Small helpers shared by the core and the implementations: time, randomness, fatal errors. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t csp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * CSP_SECOND + ts.tv_nsec;
}

int64_t csp_deadline_after(csp_duration d)
{
	if (d <= 0)
		return CSP_POLL;
	int64_t now = csp_now();
	return d > CSP_FOREVER - now ? CSP_FOREVER : now + d;
}

const char *csp_status_str(int status)
{
	switch (status) {
	case CSP_OK: return "ok";
	case CSP_CLOSED: return "closed";
	case CSP_WOULDBLOCK: return "would block";
	case CSP_TIMEOUT: return "timeout";
	default: return "unknown status";
	}
}

_Noreturn void csp_fatal(const char *msg)
{
	/* One write, so the message is not interleaved with other threads' output. */
	char line[256];
	int n = snprintf(line, sizeof line, "fatal error: %s\n", msg);
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	abort();
}

/*
 * wyrand (Wang Yi's generator, as Go's runtime.fastrand uses on 64-bit targets): one multiply per
 * number, a per-thread state, good enough statistics for select's uniform choice.
 */
static _Thread_local _Atomic uint64_t rand_state;

uint32_t csp_fastrand(void)
{
	/* relaxed: the state is per thread, but coroutines that take turns on one worker thread share
	 * it; any interleaving of these loads and stores still leaves a usable state. */
	uint64_t s = atomic_load_explicit(&rand_state, memory_order_relaxed);
	if (s == 0) {
		/* Seed from the clock and the state's own address, which differs per thread. */
		s = (uint64_t)csp_now() ^ (uint64_t)(uintptr_t)&rand_state;
	}
	s += 0xa0761d6478bd642fULL;
	atomic_store_explicit(&rand_state, s, memory_order_relaxed);
	__uint128_t m = (__uint128_t)s * (s ^ 0xe7037ed1a0b428dbULL);
	return (uint32_t)((uint64_t)(m >> 64) ^ (uint64_t)m);
}

uint32_t csp_fastrandn(uint32_t n)
{
	/* Lemire's multiply-shift: maps [0, 2^32) onto [0, n) with negligible bias for small n. */
	return (uint32_t)(((uint64_t)csp_fastrand() * n) >> 32);
}

int csp_ncpu(void)
{
	/* The CPUs this process may run on (its affinity mask at the first call), as Go's
	 * runtime.NumCPU counts them for GOMAXPROCS: under taskset or a cpuset, CPUs that are
	 * online but not ours run none of our spinners or workers. The online count only when the
	 * mask cannot be read (more CPUs than a cpu_set_t holds). rundir.py's ncpu() (bench/py/) is
	 * the Python side's copy of this rule.
	 * Cached: spin loops ask. relaxed: any thread computes the same value, so a racing first
	 * call only repeats the work. */
	static _Atomic int cached;
	int n = atomic_load_explicit(&cached, memory_order_relaxed);
	if (n == 0) {
		cpu_set_t set;
		long v = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
		if (v < 1)
			v = sysconf(_SC_NPROCESSORS_ONLN);
		n = v < 1 ? 1 : (int)v;
		atomic_store_explicit(&cached, n, memory_order_relaxed);
	}
	return n;
}

/*
 * Objects start on a cache line. aligned_alloc would do it, but glibc serves aligned requests on
 * its slow path, past the per-thread cache: a make and free of a channel cost ~790 instructions
 * (callgrind), most of them in _int_memalign, _int_free and malloc_consolidate. A plain malloc
 * of one line more, aligned by hand, stays on the per-thread cache. The block malloc returned is
 * kept in the word below the object (there are at least 16 bytes between the two: malloc aligns
 * to 16).
 */
void *csp__obj_alloc(size_t head, size_t state)
{
	size_t total, raw_size;
	if (__builtin_add_overflow(head, state, &total) ||
		__builtin_add_overflow(total, CSP_CACHE_LINE - 1, &total) ||
		__builtin_add_overflow(total & ~(size_t)(CSP_CACHE_LINE - 1), CSP_CACHE_LINE,
			&raw_size)) {
		errno = ENOMEM;
		return NULL;
	}
	total &= ~(size_t)(CSP_CACHE_LINE - 1);
	unsigned char *raw = malloc(raw_size);
	if (raw == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	unsigned char *p = (unsigned char *)(((uintptr_t)raw + CSP_CACHE_LINE) &
		~(uintptr_t)(CSP_CACHE_LINE - 1));
	memcpy(p - sizeof raw, &raw, sizeof raw);
	memset(p, 0, total);
	return p;
}

void csp__obj_free(void *obj)
{
	if (obj) {
		void *raw;
		memcpy(&raw, (unsigned char *)obj - sizeof raw, sizeof raw);
		free(raw);
	}
}
