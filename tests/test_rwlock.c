/*
 * Conformance tests of Go's sync.RWMutex: ports of sync/rwmutex_test.go, and the try variants and
 * unlocks performed by a task other than the lock's holder, run over every registered RW lock
 * implementation. The policy tests (writer preference, hand-over order) are in
 * test_rwlock_order.c, the misuse tests in test_rwlock_misuse.c; the scripts of lock operations
 * the tests play are described in rwlock_util.h.
 */
#include "rwlock_util.h"

#include <stdio.h>

enum {
	/* activity = readers inside + WRITER_WEIGHT * writers inside (Go's HammerRWMutex) */
	WRITER_WEIGHT = 10000,
	RLOCKER_ROUNDS = 10, /* Go's n in TestRLocker */
};

/* Play a script; false if a try failed (the rest is skipped). */
static bool rw_play(csp_rwlock *l, const char *script)
{
	for (const char *op = script; *op; op++)
		if (!rw_apply(l, *op))
			return false;
	return true;
}

/* ---- Scripts played by another task ---------------------------------------------------------- */

struct rw_job {
	csp_rwlock *l;
	const char *script;
	bool ok;
};

static void rw_job_task(void *arg)
{
	struct rw_job *j = arg;
	j->ok = rw_play(j->l, j->script);
}

/* Play `script` in another task; check that every try in it succeeded iff `want`. */
static bool expect_elsewhere(tctx *t, csp_rwlock *l, const char *script, bool want,
	const char *what)
{
	struct rw_job j = { .l = l, .script = script };
	tgroup g = { 0 };
	if (!t_go(t, &g, rw_job_task, &j) || !t_wait(t, &g, what))
		return false;
	if (j.ok != want) /* plain read: t_wait's acquire orders it after the task's write */
		t_fail(t, "%s: %s from another task %s", what, script, j.ok ? "succeeded" : "failed");
	return j.ok == want;
}

/* ---- HammerRWMutex --------------------------------------------------------------------------- */

struct rw_hammer {
	tctx *t;
	csp_rwlock *l;
	int64_t loops;
	_Atomic int activity;
	int64_t writes; /* plain: written under the write lock, read under the read lock */
	_Atomic int64_t wrote; /* write locks taken, added up as each writer ends (t_more may stop
				* the loops early) */
};

/* The activity count uses relaxed operations so that it orders nothing itself: a lock missing an
 * acquire or release then shows up under ThreadSanitizer as a race on `writes`. */
static int enter(struct rw_hammer *h, int weight)
{
	return atomic_fetch_add_explicit(&h->activity, weight, memory_order_relaxed) + weight;
}

static void leave(struct rw_hammer *h, int weight)
{
	atomic_fetch_sub_explicit(&h->activity, weight, memory_order_relaxed);
}

static void hammer_reader(void *arg)
{
	struct rw_hammer *h = arg;
	for (int64_t i = 0; t_more(h->t, i, h->loops) && !t_failed(h->t); i++) {
		csp_rwlock_rlock(h->l);
		int n = enter(h, 1);
		int64_t seen = h->writes;
		csp_yield();
		bool stable = h->writes == seen;
		leave(h, 1);
		csp_rwlock_runlock(h->l);
		t_tick(h->t);
		if (n < 1 || n >= WRITER_WEIGHT || !stable) {
			t_fail(h->t, "a reader saw activity %d (a writer counts %d)%s", n, WRITER_WEIGHT,
				stable ? "" : ", and a write while it held the read lock");
			return;
		}
	}
}

static void hammer_writer(void *arg)
{
	struct rw_hammer *h = arg;
	int64_t i;
	for (i = 0; t_more(h->t, i, h->loops) && !t_failed(h->t); i++) {
		csp_rwlock_lock(h->l);
		int n = enter(h, WRITER_WEIGHT);
		int64_t w = h->writes;
		csp_yield();
		h->writes = w + 1;
		leave(h, WRITER_WEIGHT);
		csp_rwlock_unlock(h->l);
		t_tick(h->t);
		if (n != WRITER_WEIGHT) {
			t_fail(h->t, "a writer saw activity %d, not %d (itself alone)", n, WRITER_WEIGHT);
			return;
		}
	}
	atomic_fetch_add(&h->wrote, i);
}

/* Go's HammerRWMutex: two writers and `readers` readers, interleaved as Go spawns them. */
static void hammer_rwmutex(tctx *t, int readers, int64_t loops)
{
	struct rw_hammer h = { .t = t, .l = t_rwlock(t), .loops = loops };
	if (!h.l)
		return;
	tgroup g = { 0 };
	bool spawned = t_go(t, &g, hammer_writer, &h);
	for (int i = 0; spawned && i < readers / 2; i++)
		spawned = t_go(t, &g, hammer_reader, &h);
	spawned = spawned && t_go(t, &g, hammer_writer, &h);
	for (int i = readers / 2; spawned && i < readers; i++)
		spawned = t_go(t, &g, hammer_reader, &h);
	if (!t_wait(t, &g, "HammerRWMutex's readers and writers") || t_failed(t))
		return;
	int64_t wrote = atomic_load(&h.wrote);
	T_CHECK(t, h.writes == wrote, "lost writes: %lld after %lld write locks",
		(long long)h.writes, (long long)wrote);
	T_CHECK(t, wrote >= 2 * t_floor(loops),
		"the writers took %lld write locks, fewer than their floor", (long long)wrote);
}

/* sync/rwmutex_test.go TestRWMutex: the Try variants on a write-locked, free and read-locked lock,
 * then HammerRWMutex. Go also varies GOMAXPROCS (1, 4, 10); here the CPUs are the machine's, so
 * the configurations vary the reader count: Go's 1, 3, 10 and 5, and four per CPU. */
static void test_rwmutex(tctx *t)
{
	csp_rwlock *l = t_rwlock(t);
	if (!l)
		return;
	t_progress(t, "try variants");
	csp_rwlock_lock(l);
	T_CHECK(t, !csp_rwlock_trylock(l), "trylock succeeded with the lock write-locked");
	T_CHECK(t, !csp_rwlock_tryrlock(l), "tryrlock succeeded with the lock write-locked");
	csp_rwlock_unlock(l);
	T_CHECK(t, csp_rwlock_trylock(l), "trylock failed with the lock free");
	csp_rwlock_unlock(l);
	T_CHECK(t, csp_rwlock_tryrlock(l), "tryrlock failed with the lock free");
	T_CHECK(t, csp_rwlock_tryrlock(l), "tryrlock failed with the lock read-locked");
	T_CHECK(t, !csp_rwlock_trylock(l), "trylock succeeded with the lock read-locked");
	csp_rwlock_runlock(l);
	csp_rwlock_runlock(l);

	t_progress(t, "HammerRWMutex");
	const int readers[] = { 1, 3, 10, 5, 4 * t_ncpu() };
	for (size_t i = 0; i < sizeof readers / sizeof readers[0] && !t_failed(t); i++)
		hammer_rwmutex(t, readers[i], t_iters(400));
}

/* ---- TestParallelReaders --------------------------------------------------------------------- */

struct parallel {
	tctx *t;
	csp_rwlock *l;
	int readers;
	_Atomic int locked;
	_Atomic int all_locked;
	_Atomic int release;
};

static void parallel_reader(void *arg)
{
	struct parallel *p = arg;
	csp_rwlock_rlock(p->l);
	if (atomic_fetch_add(&p->locked, 1) + 1 == p->readers)
		atomic_store(&p->all_locked, 1);
	t_wait_flag(p->t, &p->release, "the test to let the readers go");
	csp_rwlock_runlock(p->l);
}

/* Go's doTestParallelReaders: every reader holds the read lock at the same time. */
static void parallel_readers(tctx *t, int readers)
{
	struct parallel p = { .t = t, .l = t_rwlock(t), .readers = readers };
	if (!p.l)
		return;
	tgroup g = { 0 };
	bool all = true;
	for (int i = 0; all && i < readers; i++)
		all = t_go(t, &g, parallel_reader, &p);
	all = all && t_wait_flag(t, &p.all_locked, "every reader to hold the read lock at once");
	bool writer_kept_out = !csp_rwlock_trylock(p.l);
	atomic_store(&p.release, 1);
	if (!t_wait(t, &g, "the readers to unlock") || !all)
		return;
	if (!writer_kept_out)
		csp_rwlock_unlock(p.l);
	T_CHECK(t, writer_kept_out, "trylock succeeded while %d readers held the lock", readers);
	T_CHECK(t, csp_rwlock_trylock(p.l), "trylock failed after every reader unlocked");
	csp_rwlock_unlock(p.l);
}

/* sync/rwmutex_test.go TestParallelReaders: 1, 3 and 4 readers in Go (and two per CPU here). Go
 * hands the lock's state over with channels; here atomic flags and bounded waits do, so that the
 * test needs no other primitive. */
static void test_parallel_readers(tctx *t)
{
	t_progress(t, "readers holding the read lock at once");
	const int readers[] = { 1, 3, 4, 2 * t_ncpu() };
	for (size_t i = 0; i < sizeof readers / sizeof readers[0] && !t_failed(t); i++)
		parallel_readers(t, readers[i]);
}

/* ---- TestRLocker ----------------------------------------------------------------------------- */

struct rlocker {
	csp_rwlock *l;
	_Atomic int rlocked[RLOCKER_ROUNDS]; /* Go's channel rlocked, one flag per round */
	_Atomic int wlocked[RLOCKER_ROUNDS]; /* Go's channel wlocked */
};

static void rlocker_task(void *arg)
{
	struct rlocker *r = arg;
	for (int i = 0; i < RLOCKER_ROUNDS; i++) {
		csp_rwlock_rlock(r->l);
		csp_rwlock_rlock(r->l);
		atomic_store(&r->rlocked[i], 1);
		csp_rwlock_lock(r->l);
		atomic_store(&r->wlocked[i], 1);
	}
}

/* sync/rwmutex_test.go TestRLocker: a task takes two read locks, then asks for the write lock;
 * the test releases the read locks one by one: the writer must wait for the second, and no read
 * lock may be granted while the writer holds the lock. Go's RLocker is the read side of the lock,
 * so here rlock/runlock stand for it. The test releases read locks the task took: absent for
 * implementations that declare CSP_PROP_OWNED. */
static void test_rlocker(tctx *t)
{
	struct rlocker r = { .l = t_rwlock(t) };
	if (!r.l)
		return;
	t_progress(t, "read locks released by another task before a write lock");
	tgroup g = { 0 };
	if (!t_go(t, &g, rlocker_task, &r))
		return;
	for (int i = 0; i < RLOCKER_ROUNDS; i++) {
		if (!t_wait_flag(t, &r.rlocked[i], "the task's two read locks"))
			return;
		csp_rwlock_runlock(r.l);
		if (atomic_load(&r.wlocked[i]))
			t_fail(t, "round %d: the writer got in while a read lock was held", i);
		csp_rwlock_runlock(r.l);
		if (!t_wait_flag(t, &r.wlocked[i], "the task's write lock after both read unlocks"))
			return;
		if (i + 1 < RLOCKER_ROUNDS && atomic_load(&r.rlocked[i + 1]))
			t_fail(t, "round %d: a read lock was granted while the writer held the lock", i);
		csp_rwlock_unlock(r.l);
	}
	t_wait(t, &g, "the RLocker task to finish");
}

/* ---- Try variants from another task ---------------------------------------------------------- */

/* Go's TryLock and TryRLock (Go 1.18) succeed exactly when the lock could be taken at once,
 * whichever task asks: probed here from another task while this one holds nothing, a write lock,
 * or a read lock. */
static void test_rwmutex_try_other_task(tctx *t)
{
	static const struct {
		const char *hold;    /* taken here first */
		const char *release; /* and released after the probe */
		const char *probe;   /* played by another task */
		bool want;
	} cases[] = {
		{ "", "", "tr", true }, { "", "", "TU", true },
		{ "L", "U", "tr", false }, { "L", "U", "TU", false },
		{ "R", "r", "tr", true }, { "R", "r", "TU", false },
		{ "T", "U", "tr", false }, { "t", "r", "TU", false }, { "t", "r", "tr", true },
	};
	csp_rwlock *l = t_rwlock(t);
	if (!l)
		return;
	t_progress(t, "try variants from another task");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		T_CHECK(t, rw_play(l, cases[i].hold), "%s failed on a free lock", cases[i].hold);
		char what[64];
		snprintf(what, sizeof what, "with \"%s\" held here", cases[i].hold);
		bool ok = expect_elsewhere(t, l, cases[i].probe, cases[i].want, what);
		rw_play(l, cases[i].release);
		if (!ok)
			return;
	}
}

/* ---- Unlock by another task ------------------------------------------------------------------ */

/* sync/rwmutex.go: "a locked RWMutex is not associated with a particular goroutine. One goroutine
 * may RLock (Lock) a RWMutex and then arrange for another goroutine to RUnlock (Unlock) it."
 * Absent for implementations that declare CSP_PROP_OWNED. */
static void test_rwmutex_unlock_other_task(tctx *t)
{
	static const struct {
		const char *here, *there, *after; /* played here, by another task, here again */
	} cases[] = {
		{ "L", "U", "" }, { "", "L", "U" },
		{ "R", "r", "" }, { "", "R", "r" },
	};
	csp_rwlock *l = t_rwlock(t);
	if (!l)
		return;
	t_progress(t, "locks released by a task other than the one that took them");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rw_play(l, cases[i].here);
		if (!expect_elsewhere(t, l, cases[i].there, true, "locking or unlocking elsewhere"))
			return;
		rw_play(l, cases[i].after);
		T_CHECK(t, rw_play(l, "TU"), "the lock is not free after \"%s\" here, \"%s\" there, "
			"\"%s\" here", cases[i].here, cases[i].there, cases[i].after);
	}
}

static const struct tcase rwlock_tests[] = {
	{ .name = "TestParallelReaders", .prim = CSP_PRIM_RWLOCK, .body = test_parallel_readers },
	{ .name = "TestRWMutex", .prim = CSP_PRIM_RWLOCK, .body = test_rwmutex },
	{ .name = "TestRLocker", .prim = CSP_PRIM_RWLOCK, .body = test_rlocker,
		.forbids = CSP_PROP_OWNED },
	{ .name = "TestRWMutexTryOtherTask", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_try_other_task },
	{ .name = "TestRWMutexUnlockOtherTask", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_unlock_other_task, .forbids = CSP_PROP_OWNED },
	{ 0 },
};
T_REGISTER(rwlock_tests);
