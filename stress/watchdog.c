/*
 * The stress watchdog: runs on the process's main thread (an OS thread outside every task
 * runtime) and turns a hang into a failure with a dump, within a bound.
 *
 * Progress is the sum, over the body's slot and every task slot, of the operations completed
 * (each task counts its own) plus the tasks that returned. A hang is that sum standing still for
 * the stall bound — a deadlock, a lost wake-up, tasks all blocked — or the run going past its
 * duration by the overrun bound — a livelock that keeps counting. After a failure the tasks wind
 * down; if they do not within the stall bound (a broken primitive may keep them blocked), that
 * too ends the run, with the dump. Time the machine took is not counted against either bound:
 * time during which the watchdog itself did not run (a tick more than LATE_TICK late: the
 * machine stalled), and the time the process's threads spent waiting for a CPU (the harness
 * library's run-queue discount, harness/hx.h: hx_busy), whichever is larger.
 *
 * The watchdog only reads relaxed counters and static strings, so it adds no happens-before
 * edge between the tasks it watches. It keeps, per slot, when the count last changed, so the
 * dump shows which tasks are stuck and for how long.
 */
#define _GNU_SOURCE
#include "runner.h"
#include "hx.h"

#include <stdio.h>
#include <time.h>

#define TICK (20 * CSP_MILLISECOND)
#define DUMP_MAX 64 /* task lines printed; the rest are counted */
#define LATE_TICK (500 * CSP_MILLISECOND) /* a tick this late: the watchdog was not running */

static uint64_t seen_ops[S_MAX_SLOTS + 1];
static int64_t seen_at[S_MAX_SLOTS + 1];

static stask *slot(sctx *s, int i)
{
	return i == 0 ? &s->body : &s->slots[i - 1];
}

static int slot_count(sctx *s)
{
	/* acquire: pairs with the release store in s_go; slots below nslots are complete */
	int n = atomic_load_explicit(&s->nslots, memory_order_acquire);
	return 1 + (n < S_MAX_SLOTS ? n : S_MAX_SLOTS);
}

static uint64_t ops_of(stask *t)
{
	/* relaxed, both: counters only (see the file comment) */
	uint64_t ops = atomic_load_explicit(&t->progress, memory_order_relaxed);
	return ops + (atomic_load_explicit(&t->state, memory_order_relaxed) == S_TASK_DONE);
}

/* The total, and per slot the time its count last moved. */
static uint64_t observe(sctx *s, int64_t now)
{
	uint64_t total = 0;
	for (int i = 0, n = slot_count(s); i < n; i++) {
		uint64_t ops = ops_of(slot(s, i));
		if (ops != seen_ops[i] || seen_at[i] == 0) {
			seen_ops[i] = ops;
			seen_at[i] = now;
		}
		total += ops;
	}
	return total;
}

static double secs(int64_t ns)
{
	return (double)ns / (double)CSP_SECOND;
}

int watch_run(sctx *s, const struct watch *w, _Atomic int *body_done, char *why, size_t n)
{
	int64_t start = csp_now(), last = start, failed_at = 0, prev = start, late_total = 0;
	uint64_t total = observe(s, start);
	struct timespec tick = { 0, TICK };
	hx_busy busy;
	hx_busy_start(&busy);
	/* acquire: pairs with the body's release store once it returned */
	while (!atomic_load_explicit(body_done, memory_order_acquire)) {
		nanosleep(&tick, NULL);
		int64_t now = csp_now();
		/* A tick that comes back far too late means this process (or the whole machine) did
		 * not run meanwhile: time nobody could use is not a hang, so move the clocks on by
		 * it. Likewise the time the process's threads waited for a CPU, less what the late
		 * ticks already moved. A real hang is still reported, after `stall` of time the
		 * watchdog saw. */
		int64_t late = now - prev - TICK, shift = 0;
		prev = now;
		if (late > LATE_TICK) {
			shift = late;
			late_total += late;
		}
		if (now - busy.at >= HX_BUSY_PERIOD_NS) {
			int64_t queued = hx_busy_sample(&busy) - late_total;
			late_total = 0;
			shift += queued > 0 ? queued : 0;
		}
		if (shift) {
			start += shift;
			last += shift;
			if (failed_at)
				failed_at += shift;
		}
		uint64_t t = observe(s, now);
		if (t != total) {
			total = t;
			last = now;
		}
		if (s_failed(s)) {
			if (!failed_at)
				failed_at = now;
			if (now - failed_at > w->stall) {
				snprintf(why, n, "after the failure, the tasks did not finish within %.1f s",
					secs(w->stall));
				hx_busy_stop(&busy);
				return HX_EXIT_FAIL;
			}
			continue;
		}
		if (now - last > w->stall) {
			snprintf(why, n, "watchdog: no operation completed for %.1f s (%.1f s into the run)",
				secs(now - last), secs(now - start));
			hx_busy_stop(&busy);
			return HX_EXIT_HANG;
		}
		if (now - start > s->duration + w->overrun) {
			snprintf(why, n, "watchdog: the run overran: %.1f s for a %.1f s scenario",
				secs(now - start), secs(s->duration));
			hx_busy_stop(&busy);
			return HX_EXIT_HANG;
		}
	}
	hx_busy_stop(&busy);
	return HX_EXIT_PASS;
}

void watch_dump(sctx *s)
{
	int64_t now = csp_now();
	/* relaxed, all below: counters and static strings (see the file comment) */
	const char *phase = atomic_load_explicit(&s->phase, memory_order_relaxed);
	fprintf(stderr, "csplab-stress: what each task was doing (phase %s):\n", phase ? phase : "-");
	int n = slot_count(s), shown = 0, hidden = 0;
	for (int i = 0; i < n; i++) {
		stask *t = slot(s, i);
		int state = atomic_load_explicit(&t->state, memory_order_relaxed);
		if (i > 0 && state == S_TASK_DONE)
			continue; /* returned: nothing to say */
		if (shown == DUMP_MAX) {
			hidden++;
			continue;
		}
		const char *doing = atomic_load_explicit(&t->doing, memory_order_relaxed);
		fprintf(stderr, "  %-10s %3d  %-22s %10llu ops, last %.2f s ago\n",
			t->role ? t->role : "?", t->index, doing ? doing : "-",
			(unsigned long long)ops_of(t), secs(now - (seen_at[i] ? seen_at[i] : now)));
		shown++;
	}
	if (hidden)
		fprintf(stderr, "  ... and %d more task(s)\n", hidden);
	if (shown == 1)
		fprintf(stderr, "  (every task has returned)\n");
}
