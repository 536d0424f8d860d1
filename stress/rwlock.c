/*
 * Stress scenarios of RWMutex.
 *
 * rwlock-invariants: every task loops taking the lock to read or to write (by lock or by
 * try-lock one time in eight), in three phases with 1%, 10% and 50% writes. Inside, an atomic
 * occupancy word checks `readers > 0 => no writer` and `writer => readers == 0` at entry and at
 * exit; writers update two plain words one after the other with a pause between, readers check
 * they are equal (a reader overlapping a writer sees them differ). At the end the words must
 * equal the number of write sections.
 *
 * rwlock-writer-bound, rwlock-reader-bound: Go's RWMutex lets neither side starve. Readers
 * overlap without pause while one writer takes the lock now and then (a blocked writer stops new
 * readers); or writers hammer the lock while one reader takes it now and then (readers that queued
 * behind a writer get in before the next writer; implementations that declare
 * readers-may-starve are exempt). Starvation is counted in turns (stress.h: struct swait).
 *
 * The occupancy word is relaxed: checks on one atomic's modification order need no ordering, and
 * a lock missing an acquire or a release must show up under ThreadSanitizer on the plain words.
 */
#include "stress.h"

#include <inttypes.h>
#include <stdio.h>

#define HOLD_SLEEP_US 30
#define THINK_SLEEP_US 10
#define WRITER (INT64_C(1) << 32) /* occupancy: a writer inside; below it, readers inside */
#define BOUND 1.0                 /* s: longest wait of the occasional task (x4 under sanitizers) */
#define STARVE_MIN_WAIT 0.05      /* s: a shorter wait is not starvation, however overtaken */
#define OCCASIONAL_THINK (1 * CSP_MILLISECOND)

struct inv {
	csp_rwlock *l;
	int permille;          /* write sections per thousand */
	_Atomic int64_t occ;   /* WRITER * writers + readers inside (relaxed) */
	int64_t a, b;          /* plain: written by writers only, a then b */
	int64_t *writes;       /* per task */
};

static const char *describe(int64_t occ, char *buf, size_t n)
{
	snprintf(buf, n, "%" PRId64 " writer(s) and %" PRId64 " reader(s)", occ / WRITER,
		occ % WRITER);
	return buf;
}

static bool write_section(stask *t, struct inv *x)
{
	char d[64];
	/* relaxed, both: see the file comment */
	int64_t occ = atomic_fetch_add_explicit(&x->occ, WRITER, memory_order_relaxed);
	if (occ != 0) {
		s_fail(t->s, "a writer got in with %s inside", describe(occ, d, sizeof d));
		return false;
	}
	x->a++;
	s_pause(t, HOLD_SLEEP_US);
	x->b++;
	occ = atomic_fetch_sub_explicit(&x->occ, WRITER, memory_order_relaxed);
	if (occ != WRITER) {
		s_fail(t->s, "while a writer held the lock, %s got in", describe(occ - WRITER, d,
											  sizeof d));
		return false;
	}
	return true;
}

static bool read_section(stask *t, struct inv *x)
{
	char d[64];
	/* relaxed, both: see the file comment */
	int64_t occ = atomic_fetch_add_explicit(&x->occ, 1, memory_order_relaxed);
	if (occ >= WRITER) {
		s_fail(t->s, "a reader got in with %s inside", describe(occ, d, sizeof d));
		return false;
	}
	int64_t a = x->a;
	s_pause(t, HOLD_SLEEP_US);
	int64_t b = x->b;
	occ = atomic_fetch_sub_explicit(&x->occ, 1, memory_order_relaxed);
	if (occ >= WRITER) {
		s_fail(t->s, "while a reader held the lock, a writer got in (%s)",
			describe(occ - 1, d, sizeof d));
		return false;
	}
	if (a != b) {
		s_fail(t->s, "a reader saw a write in progress (a = %" PRId64 ", b = %" PRId64 ")", a, b);
		return false;
	}
	return true;
}

static void inv_task(stask *t)
{
	struct inv *x = t->arg;
	int64_t writes = 0;
	while (s_running(t)) {
		bool write = (int)s_randn(t, 1000) < x->permille, try = s_randn(t, 8) == 0, ok;
		if (write) {
			if (try) {
				if (!sx_trywlock(t, x->l))
					goto think;
			} else {
				sx_wlock(t, x->l);
			}
			ok = write_section(t, x);
			sx_wunlock(t, x->l);
			writes += ok;
		} else {
			if (try) {
				if (!sx_tryrlock(t, x->l))
					goto think;
			} else {
				sx_rlock(t, x->l);
			}
			ok = read_section(t, x);
			sx_runlock(t, x->l);
		}
		if (!ok)
			return;
		s_progress(t);
think:
		s_pause(t, THINK_SLEEP_US);
	}
	x->writes[t->index] = writes;
}

static void rwlock_invariants(sctx *s)
{
	static const struct {
		const char *name;
		int permille;
	} phases[] = { { "1% writes", 10 }, { "10% writes", 100 }, { "50% writes", 500 } };
	const int nphases = (int)(sizeof phases / sizeof phases[0]);
	struct inv *x = s_alloc(s, sizeof *x);
	int64_t *writes = s_alloc(s, sizeof(int64_t) * (size_t)s->ntasks);
	csp_rwlock *l = s_rwlock(s);
	if (!x || !writes || !l)
		return;
	x->l = l;
	x->writes = writes;
	int64_t total = 0;
	for (int p = 0; p < nphases && !s_failed(s); p++) {
		x->permille = phases[p].permille;
		s_phase(s, phases[p].name, 1.0 / nphases);
		for (int i = 0; i < s->ntasks; i++)
			if (!s_go(s, "locker", i, inv_task, x))
				return;
		s_join(s);
		for (int i = 0; i < s->ntasks; i++)
			total += writes[i];
	}
	if (s_failed(s))
		return;
	if (x->a != total || x->b != total) {
		s_fail(s, "after %" PRId64 " write sections the data words are %" PRId64 " and %" PRId64
			  ": writes were lost",
			total, x->a, x->b);
		return;
	}
	s_note(s, "%" PRId64 " write sections", total);
}

/* ---- rwlock-writer-bound, rwlock-reader-bound ---------------------------------------------- */

struct bounds {
	csp_rwlock *l;
	_Atomic int stop; /* the hammering tasks return (relaxed: a stop signal only) */
	struct swait w;   /* the occasional task's waits */
};

static bool hammering(stask *t, struct bounds *x)
{
	/* relaxed: a stop signal only */
	return !atomic_load_explicit(&x->stop, memory_order_relaxed) && !s_failed(t->s);
}

static void hammer_reader(stask *t)
{
	struct bounds *x = t->arg;
	while (hammering(t, x)) {
		sx_rlock(t, x->l);
		s_wait_other(&x->w);
		s_pause(t, HOLD_SLEEP_US);
		sx_runlock(t, x->l);
		s_progress(t);
	}
}

static void hammer_writer(stask *t)
{
	struct bounds *x = t->arg;
	while (hammering(t, x)) {
		sx_wlock(t, x->l);
		s_wait_other(&x->w);
		for (uint32_t i = s_randn(t, 64); i > 0; i--)
			__asm__ __volatile__("" ::: "memory");
		sx_wunlock(t, x->l);
		s_progress(t);
	}
}

/* Its lock calls go straight to the lock, without the chaos point at entry: a wait measured
 * from s_wait_begin must be the lock's own. */
static void occasional(stask *t, bool write)
{
	struct bounds *x = t->arg;
	const char *who = write ? "the occasional writer" : "the occasional reader";
	while (s_running(t)) {
		csp_sleep(OCCASIONAL_THINK);
		s_doing(t, write ? "rwlock lock (measured)" : "rwlock rlock (measured)");
		s_wait_begin(&x->w);
		if (write)
			csp_rwlock_lock(x->l);
		else
			csp_rwlock_rlock(x->l);
		s_wait_end(t, &x->w, who);
		if (write)
			sx_wunlock(t, x->l);
		else
			sx_runlock(t, x->l);
		s_progress(t);
	}
	atomic_store_explicit(&x->w.done, 1, memory_order_release); /* see s_watch_wait */
}

static void occasional_writer(stask *t) { occasional(t, true); }
static void occasional_reader(stask *t) { occasional(t, false); }

/* One occasional task (a writer, or a reader) measured while the others hammer the lock. */
static void bounds(sctx *s, bool writer_waits)
{
	csp_rwlock *l = s_rwlock(s);
	struct bounds *x = s_alloc(s, sizeof *x);
	if (!l || !x)
		return;
	x->l = l;
	/* Readers' sections take microseconds: a task preempted before it queued sees many. */
	x->w.max_overtakes = 64 * s->ntasks + 256;
	x->w.min_wait = s_bound(s, STARVE_MIN_WAIT);
	const char *who = writer_waits ? "the occasional writer" : "the occasional reader";
	s_phase(s, writer_waits ? "writer-waits" : "reader-waits", 1.0);
	for (int i = 0; i < s->ntasks - 1; i++)
		if (!s_go(s, writer_waits ? "reader" : "writer", i,
			    writer_waits ? hammer_reader : hammer_writer, x))
			return;
	if (!s_go(s, writer_waits ? "occ-writer" : "occ-reader", 0,
		    writer_waits ? occasional_writer : occasional_reader, x))
		return;
	bool ok = s_watch_wait(s, &x->w, s_bound(s, BOUND), who);
	atomic_store_explicit(&x->stop, 1, memory_order_relaxed); /* relaxed: a stop signal */
	s_join(s);
	if (ok && !s_failed(s))
		s_note(s, "%s: %lld acquisitions, longest wait %.3f ms, overtaken at most %lld times",
			who + 4, (long long)atomic_load(&x->w.count), (double)x->w.worst / CSP_MILLISECOND,
			(long long)x->w.worst_overtakes);
}

static void rwlock_writer_bound(sctx *s) { bounds(s, true); }
static void rwlock_reader_bound(sctx *s) { bounds(s, false); }

static const struct scenario rwlock_scenarios[] = {
	{ .name = "rwlock-invariants", .prim = CSP_PRIM_RWLOCK, .body = rwlock_invariants,
		.what = "readers and writers exclude each other; 1%, 10%, 50% writes" },
	{ .name = "rwlock-writer-bound", .prim = CSP_PRIM_RWLOCK, .body = rwlock_writer_bound,
		.what = "a writer among overlapping readers is not starved (writer preference)",
		.timed = true },
	{ .name = "rwlock-reader-bound", .prim = CSP_PRIM_RWLOCK, .body = rwlock_reader_bound,
		.what = "a reader among hammering writers is not starved (readers before next writer)",
		.forbids = CSP_PROP_READERS_MAY_STARVE, .timed = true },
	{ .name = NULL },
};
S_REGISTER(rwlock_scenarios);
