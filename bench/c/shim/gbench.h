/*
 * gbench: a small C API over Google Benchmark (the installed libbenchmark 1.7.1). gbench.cc is
 * the only C++ in the harness; benchmark bodies are C.
 *
 * What it covers: registering a benchmark under a name with argument combinations, the state's
 * iteration loop, manual time (the harness measures its own window), counters, repetitions with
 * median/mean/stddev/cv/min/max aggregates, custom context, and a run loop with a streaming
 * reporter: every finished result is appended at once to a JSON-lines file (so an interrupted
 * run keeps what it finished) and progress with an estimate of the time left goes to stderr.
 */
#ifndef CSPLAB_BENCH_GBENCH_H
#define CSPLAB_BENCH_GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gb_state gb_state; /* benchmark::State */
typedef struct gb_bench gb_bench; /* benchmark::internal::Benchmark */
typedef void (*gb_fn)(gb_state *st, void *ctx);

/* Register fn(st, ctx) as benchmark `name`. Time unit: ns; aggregates include min and max. */
gb_bench *gb_register(const char *name, gb_fn fn, void *ctx);
/* One combination of arguments (Google Benchmark's Args), read back with gb_range(). */
void gb_args(gb_bench *b, const int64_t *args, size_t n);
/* Names of the arguments, shown in the benchmark's name as "/name:value". */
void gb_arg_names(gb_bench *b, const char *const *names, size_t n);
void gb_use_manual_time(gb_bench *b);
void gb_repetitions(gb_bench *b, int n);
void gb_min_time(gb_bench *b, double seconds);

int64_t gb_range(gb_state *st, int i);
/* Run the loop as one batch of n iterations: true the first time, false after. */
bool gb_keep_running_batch(gb_state *st, int64_t n);
/* The iteration count Google Benchmark asks for in this run. */
int64_t gb_max_iterations(gb_state *st);
void gb_set_iteration_time(gb_state *st, double seconds);

enum gb_counter_flags {
	GB_COUNTER_DEFAULT = 0,
	GB_COUNTER_AVG_ITERATIONS = 1, /* value / iterations (per-operation figures) */
	GB_COUNTER_RATE = 2,           /* value / seconds */
};
void gb_counter(gb_state *st, const char *name, double value, unsigned flags);
void gb_skip_with_error(gb_state *st, const char *msg);

/* A key/value for the results' "context" (machine, compiler, git commit, ...). */
void gb_add_context(const char *key, const char *value);

/* Names of the registered benchmarks whose name matches the Google Benchmark filter regex
 * (NULL: all), as gb_main would run them. Returns the count; calls fn for each when non-NULL. */
size_t gb_matching(const char *filter, void (*fn)(const char *name, void *arg), void *arg);

/*
 * Initialise Google Benchmark with argv (its --benchmark_* flags), then run. Each result is
 * appended to jsonl_path (one JSON object per line, Google Benchmark's field names) if not NULL,
 * and progress goes to stderr. Returns 0, or 2 for bad flags / a filter that matches nothing.
 */
int gb_main(int argc, char **argv, const char *jsonl_path);

#ifdef __cplusplus
}
#endif

#endif /* CSPLAB_BENCH_GBENCH_H */
