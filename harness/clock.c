/* Time the machine took from the process: the run-queue discount (hx.h). */
#define _GNU_SOURCE
#include "hx.h"

#include <csplab/csplab.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The first two fields of a schedstat file: ns on a CPU, ns runnable but waiting for one. */
static bool read_schedstat(int tid, int64_t *run, int64_t *queued)
{
	char path[64], buf[96];
	snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	unsigned long long r, q;
	if (sscanf(buf, "%llu %llu", &r, &q) != 2)
		return false;
	*run = (int64_t)r;
	*queued = (int64_t)q;
	return true;
}

int64_t hx_run_delay(int tid)
{
	int64_t run, queued;
	return read_schedstat(tid, &run, &queued) ? queued : -1;
}

int hx_tid(void)
{
	return (int)syscall(SYS_gettid);
}

/* ---- The process sampler ------------------------------------------------------------------- */

static const struct hx_busy_thread *find(const hx_busy *b, int tid)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->seen[mid].tid == tid)
			return &b->seen[mid];
		if (b->seen[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int by_tid(const void *a, const void *b)
{
	int x = ((const struct hx_busy_thread *)a)->tid, y = ((const struct hx_busy_thread *)b)->tid;
	return (x > y) - (x < y);
}

/* Read every thread of the process into a fresh table (sorted by tid); add to *dr and *dq what
 * each added since the previous table (all of it for a thread born since). False when the
 * kernel keeps no schedstat or memory ran out: the previous table stays. */
static bool survey(hx_busy *b, int64_t *dr, int64_t *dq)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return false;
	struct hx_busy_thread *next = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(d)) != NULL;) {
		int tid = atoi(e->d_name);
		int64_t run, queued;
		if (tid <= 0 || !read_schedstat(tid, &run, &queued))
			continue; /* ".", "..", or a thread that exited meanwhile */
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			struct hx_busy_thread *grown = realloc(next, cap * sizeof *next);
			if (!grown) {
				ok = false;
				break;
			}
			next = grown;
		}
		next[n++] = (struct hx_busy_thread){ tid, run, queued };
	}
	closedir(d);
	if (!ok || n == 0) {
		free(next);
		return false;
	}
	qsort(next, n, sizeof *next, by_tid);
	for (size_t i = 0; i < n; i++) {
		const struct hx_busy_thread *was = find(b, next[i].tid);
		*dr += next[i].run - (was ? was->run : 0);
		*dq += next[i].queued - (was ? was->queued : 0);
	}
	free(b->seen);
	b->seen = next;
	b->n = n;
	b->cap = cap;
	return true;
}

void hx_busy_start(hx_busy *b)
{
	*b = (hx_busy){ .at = csp_now() };
	int64_t dr = 0, dq = 0;
	survey(b, &dr, &dq);
}

int64_t hx_busy_sample(hx_busy *b)
{
	int64_t now = csp_now(), dt = now - b->at;
	int64_t dr = 0, dq = 0;
	if (dt <= 0 || !survey(b, &dr, &dq))
		return 0;
	b->at = now;
	if (dq <= 0)
		return 0;
	double share = (double)dq / (double)(dr + dq);
	double demand = (double)dq / (double)dt;
	double f = share < demand ? share : demand;
	f = f < HX_BUSY_CAP ? f : HX_BUSY_CAP;
	int64_t discount = (int64_t)(f * (double)dt);
	b->discounted += discount;
	return discount;
}

void hx_busy_stop(hx_busy *b)
{
	free(b->seen);
	*b = (hx_busy){ 0 };
}
