/*
 * csplab-bench: every scenario over every registered implementation, through Google Benchmark.
 *
 *   csplab-bench [--list] [--impl=NAME] [--profile=smoke|quick|full] [--out=FILE.jsonl]
 *                [--benchmark_filter=REGEX] [other --benchmark_* flags] [--help] [--version]
 *
 * The profiles (repetitions, minimum time, run cap, sweeps) come from bench/profiles.tsv through
 * the header CMake generates from it (bench_profiles.h); explicit --benchmark_repetitions and
 * --benchmark_min_time win over the profile's.
 *
 * --out appends one JSON object per line: first {"context": {...}} describing the machine and the
 * build, then every result as it finishes (Google Benchmark's fields), so an interrupted run keeps
 * what it completed. bench/run.py turns that into reports/<run-id>/results.json and the report.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "bench_profiles.h"
#include "harness_internal.h"
#include "shim/gbench.h"

#include <csplab/version.h>
#include <errno.h>
#include <getopt.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#ifndef CSPLAB_BUILD_FLAGS
#define CSPLAB_BUILD_FLAGS "unknown"
#endif

static const struct bench_scenario *scenarios[256];
static size_t n_scenarios;

void bench_register(const struct bench_scenario *s)
{
	if (n_scenarios == sizeof scenarios / sizeof scenarios[0]) {
		fprintf(stderr, "csplab-bench: too many scenarios (raise the limit in driver.c)\n");
		exit(2);
	}
	scenarios[n_scenarios++] = s;
}

struct instance {
	const struct bench_scenario *s;
	const csp_info *impl;
	int64_t args[BENCH_MAX_ARGS];
	struct instance *next; /* every instance, to free at exit */
};

static struct instance *instances;
static char **gb_argv; /* the arguments passed on to Google Benchmark */

/* At exit: free what lived as long as the process (keeps LeakSanitizer's report empty). */
static void free_all(void)
{
	while (instances) {
		struct instance *in = instances;
		instances = in->next;
		free(in);
	}
	free(gb_argv);
	gb_argv = NULL;
}

/* The waitgroup b_go/b_wait use: one of the implementation's own family that parks (a coroutine
 * must wait by parking), else glibc-based pthread's. */
static const csp_waitgroup_ops *latch_ops(const csp_info *impl)
{
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if (e->prim == CSP_PRIM_WAITGROUP && strcmp(e->info->family, impl->family) == 0 &&
			!(e->info->props & (CSP_PROP_SPINS | CSP_PROP_NULL | CSP_PROP_BROKEN)))
			return (const csp_waitgroup_ops *)e->info;
	}
	return csp_lookup(CSP_PRIM_WAITGROUP, "pthread");
}

/* Wall time one run may take before b_run_parallel stops handing out work (the profile's
 * run_cap). */
static int64_t run_cap;

static void body_task(void *p)
{
	bench_b *b = p;
	b->run_deadline = csp_now() + run_cap;
	b_start_timer(b);
	b->scenario->run(b);
	b_stop_timer(b);
}

static void run_instance(gb_state *st, void *ctx)
{
	const struct instance *in = ctx;
	int64_t n = gb_max_iterations(st);
	while (gb_keep_running_batch(st, n)) {
		bench_b *b = calloc(1, sizeof *b);
		if (!b) {
			gb_skip_with_error(st, "out of memory");
			return;
		}
		b->n = n;
		b->done = n;
		b->procs = csp_ncpu();
		b->impl = in->impl;
		b->scenario = in->s;
		memcpy(b->arg, in->args, sizeof b->arg);
		b->t_wall = -1;
		b->wg = csp_wg_new_ops(latch_ops(in->impl));
		int rc = b->wg ? csp_run(in->impl->family, body_task, b) : ENOMEM;
		if (rc != 0)
			b_error(b, "cannot run the body: %s", strerror(rc));
		if (b_failed(b)) {
			gb_skip_with_error(st, b->error);
		} else {
			/* A capped run did b->done of n operations: scale its totals to n so every
			 * per-operation figure is measured over the operations actually done. */
			double scale = b->done > 0 ? (double)n / (double)b->done : 1.0;
			gb_set_iteration_time(st, (double)b->wall * scale / CSP_SECOND);
			gb_counter(st, "cpu_ns", (double)b->cpu * scale, GB_COUNTER_AVG_ITERATIONS);
			gb_counter(st, "ctxsw", (double)b->csw * scale, GB_COUNTER_AVG_ITERATIONS);
			if (b->done < n)
				gb_counter(st, "capped", (double)b->done / (double)n, 0);
			for (int i = 0; i < b->n_counters; i++)
				gb_counter(st, b->counter_name[i], b->counter_value[i],
					b->counter_flags[i]);
		}
		bench_free_objects(b);
		csp_wg_free(b->wg);
		free(b);
	}
}

static void register_instances(const struct bench_scenario *s, const csp_info *impl,
	enum bench_profile profile)
{
	int64_t combos[BENCH_MAX_COMBOS][BENCH_MAX_ARGS] = { { 0 } };
	size_t nc = s->args ? s->args(profile, combos) : 1;
	size_t nargs = 0;
	while (nargs < BENCH_MAX_ARGS && s->arg_names[nargs])
		nargs++;
	char name[160];
	snprintf(name, sizeof name, "%s/%s/%s", s->group ? s->group : csp_prim_name(s->prim),
		s->name, impl->name);
	for (size_t c = 0; c < nc; c++) {
		struct instance *in = calloc(1, sizeof *in); /* lives as long as the process */
		if (!in) {
			fprintf(stderr, "csplab-bench: out of memory\n");
			exit(2);
		}
		in->next = instances;
		instances = in;
		in->s = s;
		in->impl = impl;
		memcpy(in->args, combos[c], sizeof in->args);
		gb_bench *gb = gb_register(name, run_instance, in);
		if (nargs) {
			gb_args(gb, combos[c], nargs);
			gb_arg_names(gb, s->arg_names, nargs);
		}
		gb_use_manual_time(gb);
	}
}

static void json_field(FILE *f, const char *key, const char *value, bool last)
{
	fprintf(f, "\"%s\":\"", key);
	for (const char *c = value; *c; c++)
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if ((unsigned char)*c >= 0x20)
			fputc(*c, f);
	fprintf(f, "\"%s", last ? "" : ",");
}

static void cpu_model(char *out, size_t size)
{
	snprintf(out, size, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(out, size, "%s", colon + 2);
			out[strcspn(out, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
}

/* The processor's own name (CPUID leaves 0x80000002-4), which a virtual machine's /proc/cpuinfo
 * may shorten ("AMD EPYC"); empty where there is no such leaf. */
static void cpu_brand(char *out, size_t size)
{
	out[0] = 0;
#if defined(__x86_64__) || defined(__i386__)
	unsigned int r[12];
	if (size < sizeof r + 1 || (unsigned int)__get_cpuid_max(0x80000000u, NULL) < 0x80000004u)
		return;
	for (unsigned int i = 0; i < 3; i++)
		__get_cpuid(0x80000002u + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
	memcpy(out, r, sizeof r);
	out[sizeof r] = 0;
	size_t n = strlen(out);
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = 0;
	size_t lead = strspn(out, " ");
	memmove(out, out + lead, n - lead + 1);
#else
	(void)size;
#endif
}

static int write_context(const char *path, const char *profile)
{
	FILE *f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "csplab-bench: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct utsname u;
	uname(&u);
	char cpu[128], brand[64], cores[16], kernel[300];
	cpu_model(cpu, sizeof cpu);
	cpu_brand(brand, sizeof brand);
	snprintf(cores, sizeof cores, "%d", csp_ncpu());
	snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.machine);
	fprintf(f, "{\"context\":{");
	json_field(f, "cpu_model", cpu, false);
	if (brand[0])
		json_field(f, "cpu_brand", brand, false);
	json_field(f, "num_cpus", cores, false);
	json_field(f, "kernel", kernel, false);
	json_field(f, "glibc", gnu_get_libc_version(), false);
	json_field(f, "compiler", "gcc-compatible " __VERSION__, false);
	json_field(f, "build_flags", CSPLAB_BUILD_FLAGS, false);
	json_field(f, "csplab_version", CSPLAB_VERSION, false);
	json_field(f, "profile", profile, false);
	/* The registry in its order (`make list`: family, then name): the report lists
	 * implementations in this order everywhere, and reads each one's family from it. */
	fprintf(f, "\"registry\":[");
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		fprintf(f, "%s{\"prim\":\"%s\",\"name\":\"%s\",\"family\":\"%s\"}", i ? "," : "",
			csp_prim_name(e->prim), e->info->name, e->info->family);
	}
	fprintf(f, "]}}\n");
	fclose(f);
	return 0;
}

static const char usage_text[] =
	"usage: csplab-bench [--list] [--impl=NAME] [--profile=" BENCH_PROFILE_NAMES "]\n"
	"                    [--out=FILE.jsonl] [--benchmark_* flags]\n"
	"Every scenario over every registered implementation, through Google Benchmark.\n"
	"\n"
	"  -l, --list           print the benchmarks that would run (after --benchmark_filter)\n"
	"  -i, --impl=NAME      only implementation NAME\n"
	"  -p, --profile=NAME   " BENCH_PROFILE_NAMES " (bench/profiles.tsv; default quick)\n"
	"  -o, --out=FILE       append the context and each result to FILE, one JSON per line\n"
	"  -h, --help           this help, then Google Benchmark's\n"
	"  -V, --version        print csplab's version\n"
	"  --benchmark_*=VALUE  passed to Google Benchmark (below); explicit\n"
	"                       --benchmark_repetitions/--benchmark_min_time beat the profile's\n"
	"\n"
	"Environment: the coro family's CSPLAB_CORO_* settings (docs/coro.md). make bench and\n"
	"bench/run.py read BENCH_PROFILE, BENCH_FILTER, BENCH_ONE_SIDE and IMPL.\n";

static _Noreturn void usage(const char *why)
{
	if (why)
		fprintf(stderr, "csplab-bench: %s\n", why);
	fputs(usage_text, stderr);
	exit(2);
}

/* --help: ours, then Google Benchmark's own flags (its Initialize prints them and exits 0). */
static _Noreturn void help(const char *argv0)
{
	fputs(usage_text, stdout);
	printf("\nGoogle Benchmark's flags, passed through:\n");
	fflush(stdout);
	char *gb_help[] = { (char *)argv0, (char *)"--help", NULL };
	gb_main(2, gb_help, NULL);
	exit(0);
}

static void print_name(const char *name, void *arg)
{
	(void)arg;
	printf("%s\n", name);
}

int main(int argc, char **argv)
{
	const char *impl = NULL, *out = NULL, *profile_name = "quick", *filter = NULL;
	bool list = false, user_reps = false, user_min_time = false;
	atexit(free_all);
	gb_argv = calloc((size_t)argc + 3, sizeof *gb_argv);
	int gb_argc = 0;
	if (!gb_argv)
		usage("out of memory");
	gb_argv[gb_argc++] = argv[0];
	/* Google Benchmark's flags (--benchmark_*=VALUE) go to it; getopt_long parses the rest. */
	int own_argc = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--benchmark_", 12) == 0) {
			user_reps |= strncmp(a, "--benchmark_repetitions", 23) == 0;
			user_min_time |= strncmp(a, "--benchmark_min_time", 20) == 0;
			if (strncmp(a, "--benchmark_filter=", 19) == 0)
				filter = a + 19;
			gb_argv[gb_argc++] = argv[i];
		} else {
			argv[own_argc++] = argv[i];
		}
	}
	argv[own_argc] = NULL;
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "impl", required_argument, NULL, 'i' },
		{ "profile", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	for (int c; (c = getopt_long(own_argc, argv, "li:p:o:hV", opts, NULL)) != -1;) {
		switch (c) {
		case 'l': list = true; break;
		case 'i': impl = optarg; break;
		case 'p': profile_name = optarg; break;
		case 'o': out = optarg; break;
		case 'h': help(argv[0]);
		case 'V': printf("csplab-bench (csplab) %s\n", CSPLAB_VERSION); return 0;
		default: usage("unknown option (Google Benchmark's own flags start with --benchmark_)");
		}
	}
	if (optind < own_argc)
		usage("unexpected argument");
	const struct bench_profile_def *def = NULL;
	for (size_t i = 0; i < sizeof bench_profiles / sizeof bench_profiles[0]; i++)
		if (strcmp(profile_name, bench_profiles[i].name) == 0)
			def = &bench_profiles[i];
	if (!def)
		usage("--profile must be one of " BENCH_PROFILE_NAMES " (bench/profiles.tsv)");
	enum bench_profile profile = def->sweeps;
	run_cap = (int64_t)(def->run_cap * CSP_SECOND);
	/* The profile's repetitions and minimum time, unless given explicitly. */
	char reps[48], min_time[64];
	snprintf(reps, sizeof reps, "--benchmark_repetitions=%d", def->repetitions);
	snprintf(min_time, sizeof min_time, "--benchmark_min_time=%s", def->min_time);
	if (!user_reps)
		gb_argv[gb_argc++] = reps;
	if (!user_min_time)
		gb_argv[gb_argc++] = min_time;

	size_t registered = 0;
	bool impl_known = impl == NULL;
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if (e->info->props & CSP_PROP_BROKEN)
			continue;
		if (impl && strcmp(impl, e->info->name) != 0)
			continue;
		impl_known = true;
		for (size_t k = 0; k < n_scenarios; k++) {
			const struct bench_scenario *s = scenarios[k];
			if (s->prim != e->prim || (s->skip_props & e->info->props) ||
				(s->only_props & ~e->info->props))
				continue;
			register_instances(s, e->info, profile);
			registered++;
		}
	}
	if (!impl_known) {
		fprintf(stderr, "csplab-bench: no implementation named '%s' (`make list` shows them)\n",
			impl);
		return 2;
	}
	if (registered == 0) {
		fprintf(stderr, "csplab-bench: no scenario applies to the selected implementations\n");
		return 2;
	}
	if (list) {
		if (gb_matching(filter, print_name, NULL) > 0)
			return 0;
		fprintf(stderr, "csplab-bench: no benchmark matches the filter '%s'\n", filter ? filter : "");
		return 2;
	}
	if (out && write_context(out, profile_name) != 0)
		return 2;
	return gb_main(gb_argc, gb_argv, out);
}
