/*
 * csplab-canary: the machine's cross-core round trip, measured in a few milliseconds, so a
 * benchmark run can record which state the machine was in beside every comparison
 * (docs/benchmarks.md, "Machine state").
 *
 * On a virtualised machine the cost of moving a cache line between two CPUs changes between
 * levels several times apart, for seconds to minutes at a time, and every benchmark that hands
 * data between threads moves with it. Two threads pinned to two different CPUs of the affinity
 * set pass a token back and forth through one cache line, spinning; the figure is the median
 * over batches of the time of one round trip (A -> B -> A), in nanoseconds.
 *
 *   csplab-canary [--ms=N]      N milliseconds of measuring (default 20, 1..10000)
 *
 * Prints one JSON line, {"canary_rt_ns": <ns>, "cpus": [a, b]}; with fewer than two usable CPUs
 * there is no cross-core trip to measure: {"canary_rt_ns": null, "why": "..."}. Exit 0 on a
 * measurement or on null, 2 on bad arguments, 1 when a thread cannot be started.
 */
#define _GNU_SOURCE
#include <csplab/version.h>

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	BATCHES = 9,      /* batches the median is taken over */
	MAX_TRIPS = 1 << 22,
};

struct pong {
	/* The token: odd while it is B's turn, even while it is A's. Alone on its cache line. */
	_Alignas(64) _Atomic uint64_t token;
	_Alignas(64) int cpu;
	_Atomic int stop;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* Unpinned, the two spinners may share one CPU; the figure then says so by its size. */
	(void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* B: turns every odd token even, until told to stop. */
static void *responder(void *arg)
{
	struct pong *p = arg;
	pin(p->cpu);
	/* relaxed: stop is a request only; the token's acquire/release carry the data. */
	while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
		/* acquire: pairs with A's release store of the odd token. */
		uint64_t t = atomic_load_explicit(&p->token, memory_order_acquire);
		if (t & 1) {
			/* release: hands the line back; pairs with A's acquire load. */
			atomic_store_explicit(&p->token, t + 1, memory_order_release);
		}
	}
	return NULL;
}

/* A: n round trips; returns their time in ns. */
static uint64_t trips(struct pong *p, uint64_t n)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		/* relaxed: the acquire loop of the previous trip has already seen this value. */
		uint64_t t = atomic_load_explicit(&p->token, memory_order_relaxed) + 1;
		/* release: pairs with B's acquire load. */
		atomic_store_explicit(&p->token, t, memory_order_release);
		/* acquire: pairs with B's release store of the even token. */
		while (atomic_load_explicit(&p->token, memory_order_acquire) == t)
			;
	}
	return now_ns() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The first two CPUs of the affinity set, or -1 when there are fewer than two. */
static int two_cpus(int cpus[2])
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return -1;
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n == 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const char usage[] =
		"usage: csplab-canary [--ms=N]\n"
		"Measures the cross-core round trip and prints it in ns as one JSON line.\n"
		"\n"
		"  -m, --ms=N     milliseconds of measuring, 1 to 10000 (default 20)\n"
		"  -h, --help     this help\n"
		"  -V, --version  print csplab's version\n"
		"\n"
		"Environment: none.\n";
	static const struct option opts[] = {
		{ "ms", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long ms = 20;
	for (int c; (c = getopt_long(argc, argv, "m:hV", opts, NULL)) != -1;) {
		char *end;
		switch (c) {
		case 'm':
			errno = 0;
			ms = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || ms < 1 || ms > 10000) {
				fprintf(stderr, "csplab-canary: --ms wants a whole number of milliseconds "
						"from 1 to 10000, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("csplab-canary (csplab) %s\n", CSPLAB_VERSION); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "csplab-canary: unexpected argument '%s'\n%s", argv[optind], usage);
		return 2;
	}

	int cpus[2];
	if (two_cpus(cpus) != 0) {
		puts("{\"canary_rt_ns\": null, \"why\": \"fewer than two usable CPUs\"}");
		return 0;
	}
	static struct pong p;
	p.cpu = cpus[1];
	pthread_t b;
	int err = pthread_create(&b, NULL, responder, &p);
	if (err) {
		fprintf(stderr, "csplab-canary: cannot start a thread: %s\n", strerror(err));
		return 1;
	}
	pin(cpus[0]);

	/* Calibrate: the number of trips that takes about one batch's share of the time. */
	uint64_t batch_ns = (uint64_t)ms * 1000000u / (BATCHES + 1), n = 16;
	while (n < MAX_TRIPS && trips(&p, n) < batch_ns / 4)
		n *= 2;
	uint64_t per = trips(&p, n) / n;
	n = per ? batch_ns / per : MAX_TRIPS;
	n = n < 16 ? 16 : n > MAX_TRIPS ? MAX_TRIPS : n;

	double rt[BATCHES];
	for (int i = 0; i < BATCHES; i++)
		rt[i] = (double)trips(&p, n) / (double)n;
	atomic_store_explicit(&p.stop, 1, memory_order_relaxed); /* see responder() */
	pthread_join(b, NULL);

	qsort(rt, BATCHES, sizeof rt[0], cmp_double);
	printf("{\"canary_rt_ns\": %.1f, \"cpus\": [%d, %d]}\n", rt[BATCHES / 2], cpus[0], cpus[1]);
	return 0;
}
