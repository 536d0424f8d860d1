/*
 * prog/Compress: Go in Practice's parallel compressor (examples/gip/compress.c: one task per
 * file, a WaitGroup) as a benchmark, on every WaitGroup implementation (with its family's
 * tasks); bench/go/prog.go's twin uses compress/gzip. One operation gzips every file once.
 *
 *   files:64, kib:1024 (smoke 4 x 64), level:1: 64 files of 1 MiB of the programs' generated
 *   text (gip_text, seed = file number), written once into a temporary directory (removed at
 *   exit), each compressed to FILE.gz. Level 1 (zlib's fastest; Go's gzip.BestSpeed) keeps a
 *   run near a second; at gzip's default 6 zlib needs ~5 s a run here. The figure is mostly
 *   zlib's (or Go's own deflate): a comparison of libraries as much as of task runtimes.
 */
#include "bench.h"
#include "gip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	char dir[256];
	int files;
	int64_t kib;
	char **paths;
} in;

static void remove_inputs(void)
{
	char gz[512];
	for (int i = 0; i < in.files; i++) {
		snprintf(gz, sizeof gz, "%s.gz", in.paths[i]);
		unlink(gz);
		unlink(in.paths[i]);
		free(in.paths[i]);
	}
	free(in.paths);
	in.paths = NULL;
	in.files = 0;
	if (in.dir[0])
		rmdir(in.dir);
	in.dir[0] = 0;
}

static bool prepare(bench_b *b, int files, int64_t kib)
{
	if (in.files == files && in.kib == kib)
		return true;
	static bool registered;
	if (!registered && atexit(remove_inputs) == 0)
		registered = true;
	remove_inputs();
	const char *tmp = getenv("TMPDIR");
	snprintf(in.dir, sizeof in.dir, "%s/csplab-compress-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	size_t len = (size_t)kib * 1024;
	char *buf = malloc(len);
	in.paths = calloc((size_t)files, sizeof *in.paths);
	if (!buf || !in.paths || !mkdtemp(in.dir)) {
		b_error(b, "cannot make the input directory %s", in.dir);
		in.dir[0] = 0;
		free(buf);
		return false;
	}
	for (int i = 0; i < files; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/in%d.txt", in.dir, i + 1);
		gip_text(buf, len, (uint64_t)i + 1);
		FILE *f = fopen(path, "wb");
		bool ok = f && fwrite(buf, 1, len, f) == len;
		if (f && fclose(f) != 0)
			ok = false;
		in.paths[in.files++] = strdup(path);
		if (!ok || !in.paths[i]) {
			b_error(b, "cannot write %s", path);
			free(buf);
			return false;
		}
	}
	in.kib = kib;
	free(buf);
	return true;
}

static void compress(bench_b *b)
{
	int files = (int)b->arg[0];
	b_stop_timer(b);
	bool ready = prepare(b, files, b->arg[1]);
	struct gip_compress_result *res = calloc((size_t)files, sizeof *res);
	struct gip_impls im;
	gip_resolve_info(CSP_PRIM_WAITGROUP, b->impl, &im);
	b_start_timer(b);
	for (int64_t i = 0; ready && res && i < b->n && !b_failed(b); i++) {
		int failed = gip_compress_all(&im, in.paths, files, (int)b->arg[2], res);
		if (failed)
			b_error(b, "%d files failed, the first: %s", failed, res[0].error);
	}
	if (!res)
		b_error(b, "out of memory");
	free(res);
}

static size_t compress_args(enum bench_profile p, int64_t combos[][BENCH_MAX_ARGS])
{
	combos[0][0] = p == BENCH_SMOKE ? 4 : 64;
	combos[0][1] = p == BENCH_SMOKE ? 64 : 1024;
	combos[0][2] = 1;
	return 1;
}

static const struct bench_scenario s_compress = {
	.name = "Compress", .prim = CSP_PRIM_WAITGROUP, .run = compress, .group = "prog",
	.arg_names = { "files", "kib", "level" }, .args = compress_args,
	.skip_props = CSP_PROP_NULL,
};
BENCH_SCENARIO(s_compress)
