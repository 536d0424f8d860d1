/*
 * compress: gzip every file named on the command line, each in its own task, and wait for all
 * of them on a WaitGroup. Go in Practice, ch. 3 ("compressing files in
 * parallel" with sync.WaitGroup).
 *
 * The chapter's design point: the function that compresses one file (gip_compress_file) knows
 * nothing about tasks or WaitGroups; the task that calls it does the wg.Done(). Here
 * csp_wg_go() is that wrapper (wg.Add(1); go func() { defer wg.Done(); fn(arg) }()).
 */
#include "gip.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { CHUNK = 64 * 1024 };

int gip_compress_file(const char *path, int level, struct gip_compress_result *r)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	char out[4096];
	if (snprintf(out, sizeof out, "%s.gz", path) >= (int)sizeof out) {
		snprintf(r->error, sizeof r->error, "name too long");
		return -1;
	}
	FILE *in = fopen(path, "rb");
	if (!in) {
		snprintf(r->error, sizeof r->error, "%s", strerror(errno));
		return -1;
	}
	char mode[8];
	snprintf(mode, sizeof mode, "wb%d", level);
	gzFile gz = gzopen(out, mode);
	if (!gz) {
		snprintf(r->error, sizeof r->error, "cannot create its .gz: %s",
			 errno ? strerror(errno) : "out of memory");
		fclose(in);
		return -1;
	}
	char *buf = malloc(CHUNK);
	size_t got = 0;
	while (buf && (got = fread(buf, 1, CHUNK, in)) > 0) {
		if (gzwrite(gz, buf, (unsigned)got) != (int)got) {
			int zerr;
			snprintf(r->error, sizeof r->error, "writing its .gz: %s", gzerror(gz, &zerr));
			break;
		}
		r->bytes_in += (int64_t)got;
	}
	if (!buf)
		snprintf(r->error, sizeof r->error, "out of memory");
	else if (!r->error[0] && ferror(in))
		snprintf(r->error, sizeof r->error, "reading: %s", strerror(errno));
	free(buf);
	fclose(in);
	if (gzclose(gz) != Z_OK && !r->error[0])
		snprintf(r->error, sizeof r->error, "closing its .gz failed");
	if (r->error[0]) {
		remove(out); /* no half-written .gz left behind */
		return -1;
	}
	FILE *o = fopen(out, "rb");
	if (o && fseek(o, 0, SEEK_END) == 0)
		r->bytes_out = ftell(o);
	if (o)
		fclose(o);
	return 0;
}

/* The task's argument: C has no closures, so what Go's `go func(filename string) {...}(file)`
 * captures travels in a small struct, one per task. */
struct job {
	const char *path;
	int level;
	struct gip_compress_result *result;
};

static void compress_task(void *arg)
{
	struct job *j = arg;
	gip_compress_file(j->path, j->level, j->result);
}

int gip_compress_all(const struct gip_impls *im, char *const files[], int n, int level,
		     struct gip_compress_result results[])
{
	csp_waitgroup *wg = csp_wg_new(im->name[CSP_PRIM_WAITGROUP]);
	struct job *jobs = calloc((size_t)(n > 0 ? n : 1), sizeof *jobs);
	if (!wg || !jobs) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	int failed = 0;
	for (int i = 0; i < n; i++) {
		/*
		 * The loop-variable pitfall (Go's `for _, file := range files { go func() {
		 * compress(file) }() }`, where every goroutine may see the last file): in C it is
		 * `struct job j = {files[i], ...}; csp_wg_go(wg, compress_task, &j);`, one variable
		 * reused by every iteration, which the tasks read after the loop has moved on. Each
		 * task gets its own element of jobs[], alive until after the Wait.
		 */
		jobs[i] = (struct job){ files[i], level, &results[i] };
		int rc = csp_wg_go(wg, compress_task, &jobs[i]);
		if (rc != 0) {
			/* no task: do it here, so the summary still covers every file */
			compress_task(&jobs[i]);
		}
	}
	csp_wg_wait(wg);
	for (int i = 0; i < n; i++)
		failed += results[i].error[0] != 0;
	free(jobs);
	csp_wg_free(wg);
	return failed;
}
