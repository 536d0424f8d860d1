/*
 * Go in Practice, chapter 3 ("Concurrency in Go"), ported to csplab: the programs' reusable
 * cores. Each program in examples/gip/cmd/ is a small main around one of these functions, and
 * csplab-bench's "prog" scenarios (bench/c/scenarios/prog_*.c) call the same functions, so what the
 * tests check is what the benchmark measures. docs/programs.md describes the programs.
 *
 * Implementations: a program takes one name (--impl or CSPLAB_IMPL) and makes every object
 * from it. gip_resolve() turns that name into one implementation per primitive: the name itself
 * where that primitive has an implementation of that name, otherwise one of the same family
 * (the one named after the family, else the first registered), otherwise - a family without
 * that primitive, such as ck, which has no channels - glibc's ("pthread"), which is marked as a
 * fallback and printed. The program's tasks run in that family's runtime (csp_run).
 *
 * Every core function below must be called from a task of that runtime (inside gip_run).
 */
#ifndef CSPLAB_EXAMPLES_GIP_H
#define CSPLAB_EXAMPLES_GIP_H

#include <csplab/csplab.h>
#include <csplab/impl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Implementations and the command line (impls.c) ---------------------------------------- */

struct gip_impls {
	const char *family;                /* the runtime: csp_run(family, ...) */
	const char *name[CSP_PRIM_COUNT];  /* the implementation of each primitive */
	bool fallback[CSP_PRIM_COUNT];     /* the family has no such primitive: "pthread" used */
};

/* Resolve `name` (an implementation or a family). 0, or -1 with a message in err. */
int gip_resolve(const char *name, struct gip_impls *out, char *err, size_t errlen);
/* As gip_resolve, but `prim`'s implementation is exactly `ops_info` (bench: the one under
 * test) and the others come from its family. */
void gip_resolve_info(enum csp_prim prim, const csp_info *info, struct gip_impls *out);
/* "chan=coro mutex=coro ..." for the primitives in `prims` (a bit per enum csp_prim). */
void gip_describe(const struct gip_impls *im, unsigned prims, char *buf, size_t len);
#define GIP_PRIM(p) (1u << (p))

/* Run fn(arg) as a task of im's family runtime and wait for it; returns the wall time it
 * took (ns). Exits 1 with a message if the runtime cannot start it. */
int64_t gip_run(const struct gip_impls *im, csp_task_fn fn, void *arg);

/* Command line helpers shared by the programs. A bad value prints "<prog>: <message>" and
 * "Try '<prog> --help'." to stderr and exits 2. */
extern const char *gip_prog; /* set by each main: the program's name */
_Noreturn void gip_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The implementation name: --impl's argument if given, else $CSPLAB_IMPL, else "pthread";
 * resolved, or a usage error listing the names. */
void gip_impls_from_cli(const char *opt, struct gip_impls *out);
/* A usage error if getopt left operands (argv[optind...]): for programs that take none. */
void gip_no_operands(int argc, char **argv);
/* A whole number in [min, max], or a usage error naming the option. */
long gip_parse_long(const char *s, long min, long max, const char *what);
/* Worker counts: the cores this process may use (csp_ncpu), times `per_core`. */
int gip_workers(int per_core);

/* ---- compress: one task per file, a WaitGroup (compress.c) --------------------------------- */

struct gip_compress_result {
	const char *path;   /* the input */
	int64_t bytes_in, bytes_out;
	char error[160];    /* empty when the file was compressed */
};

/* Compress one file to path.gz (gzip format, zlib level `level`). Knows nothing of tasks or
 * WaitGroups: the chapter's point. Fills r; returns 0 or -1 (r->error says why). */
int gip_compress_file(const char *path, int level, struct gip_compress_result *r);
/* Compress every file, each in its own task, and wait for all of them on a WaitGroup of
 * im's implementation. results[i] is files[i]'s. Returns the number of files that failed. */
int gip_compress_all(const struct gip_impls *im, char *const files[], int n, int level,
		     struct gip_compress_result results[]);

/* ---- wordcount: one task per file into one table under a Mutex (wordcount.c) --------------- */

struct gip_wc_table; /* word -> count, a hash table */
struct gip_wc_entry {
	const char *word;
	int64_t count;
};

struct gip_wc_table *gip_wc_new(void);
void gip_wc_free(struct gip_wc_table *t);
/* Count the words of a buffer (a word: a maximal run of ASCII letters, lower-cased) into t,
 * taking `mu` around each update if mu is not NULL. */
void gip_wc_count_buf(struct gip_wc_table *t, csp_mutex *mu, const char *buf, size_t len);
/* Every file in its own task, all into t under one mutex of im's implementation; a WaitGroup
 * waits for them. Buffers instead of files when bufs is not NULL (the benchmark's input in
 * memory). Returns the number of files that could not be read (their names on stderr). */
int gip_wc_count_all(const struct gip_impls *im, struct gip_wc_table *t, char *const files[],
		     const char *const bufs[], const size_t lens[], int n);
/* The table's entries, count descending then word ascending; *n set. Free the array (not the
 * words: the table owns them). */
struct gip_wc_entry *gip_wc_sorted(const struct gip_wc_table *t, size_t *n);
int64_t gip_wc_total(const struct gip_wc_table *t); /* words counted, all together */
/* Reads a whole file; NULL with *err an errno value on failure. Free the result. */
char *gip_read_file(const char *path, size_t *len, int *err);

/* ---- cache: many readers, an occasional writer, an RWMutex (cache.c) ----------------------- */

struct gip_cache_stats {
	int64_t reads, writes;
	int64_t torn;     /* reads that saw an entry whose parts disagree: must be 0 */
	int64_t hits;
};

/* `readers` tasks each do `reads` lookups of random keys in a shared table of `slots`
 * entries, under rlock; every `write_every`-th lookup of each reader is a refresh instead (a
 * new version of one entry, written field by field under lock): many reads, an occasional
 * write. Each entry's fields are all derived from its version, so a read that overlapped a
 * write sees them disagree: st->torn counts such reads, and must stay 0. */
void gip_cache_run(const struct gip_impls *im, int readers, int64_t reads, int slots,
		   int64_t write_every, struct gip_cache_stats *st);

/* ---- pipeline: generator -> squarers -> summer, stopped by closing `done` (pipeline.c) -------- */

struct gip_pipeline_result {
	int64_t received;  /* values that reached the sink: `items` */
	int64_t generated; /* values the generator sent before it stopped */
	bool squares_ok;   /* every value arrived squared, and no input twice */
	bool stopped;      /* every stage returned after `done` was closed */
};

/* A generator sends 0, 1, 2, ... to `workers` squaring tasks, which send (i, i*i) to the sink
 * over channels of capacity `cap`; the sink takes `items` values, then closes `done`, which
 * stops every stage: each blocking step is a select that also watches `done` (Go's
 * "done channel" pattern). Values in flight when `done` closes are dropped, as in Go. */
void gip_pipeline_run(const struct gip_impls *im, int workers, int64_t items, size_t cap,
		      struct gip_pipeline_result *r);

/* ---- timeout: select with a deadline (timeout.c) -------------------------------------------- */

struct gip_timeout_result {
	bool got_fast;       /* the fast server's reply came before the deadline */
	bool timed_out_slow; /* the select on the slow server gave up at its deadline */
	int64_t waited_ns;   /* how long that select waited (at least `timeout`) */
	bool slow_stopped;   /* the slow server, told to give up, returned */
};

/* Two requests, each served by a task that replies on a channel of capacity 1 (so a reply
 * nobody waits for any more does not block its sender: Go's leaked-goroutine pitfall). The
 * fast server replies at once, and its select may wait up to 10 s (a bound, not a timing);
 * the slow one would take `slow`, and its select gives up after `timeout`. Then the slow
 * server is told to stop (a channel closed) and waited for. */
void gip_timeout_run(const struct gip_impls *im, csp_duration timeout, csp_duration slow,
		     struct gip_timeout_result *r);

/* ---- chanlock: a channel of capacity 1 as a lock (chanlock.c) ------------------------------- */

/* `tasks` tasks each add 1 to a plain counter `iters` times, holding a lock made of a
 * channel with one slot (send = lock, receive = unlock). Returns the counter. */
int64_t gip_chanlock_run(const struct gip_impls *im, int tasks, int64_t iters);

/* ---- sieve: Go's test/chan/sieve1.go (sieve.c) --------------------------------------------- */

/* The first n primes by the concurrent prime sieve: a generator task and one filter task per
 * prime found, chained by unbuffered channels. primes[] gets them; returns how many (n, or
 * fewer if a task could not be started). */
int gip_sieve_run(const struct gip_impls *im, int n, int64_t primes[]);

/* ---- closures: a task that main does not wait for (closures.c) ---------------------------- */

enum gip_closure_mode {
	GIP_CLOSURE_NOTHING, /* main returns at once: the task may never run */
	GIP_CLOSURE_YIELD,   /* main yields once (runtime.Gosched) before returning */
	GIP_CLOSURE_WAIT,    /* main waits on a WaitGroup: the task always runs */
};

/* Start one task with its arguments in a per-task struct (C's closure), then return as `mode`
 * says. True if the task had run by the time main returned; the task prints a line if so. */
bool gip_closures_run(const struct gip_impls *im, enum gip_closure_mode mode);

/* ---- Deterministic text (text.c): the tests' and the benchmark's input ---------------------- */

/* Fill buf with len bytes of pseudo-random English-like text (words from a fixed vocabulary,
 * spaces, newlines) determined by seed. */
void gip_text(char *buf, size_t len, uint64_t seed);

#endif /* CSPLAB_EXAMPLES_GIP_H */
