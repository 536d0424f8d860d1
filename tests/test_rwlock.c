/*
 * Conformance tests of Go's sync.RWMutex: ports of sync/rwmutex_test.go and of the RWMutex cases
 * of TestMutexMisuse (sync/mutex_test.go), and checks of the policy sync/rwmutex.go documents (a
 * blocked writer keeps new readers out; the readers that queued behind a writer get the lock
 * before the next writer), run over every registered RW lock implementation.
 *
 * Many tests drive the lock with short scripts of operations, one letter each:
 *   R rlock   r runlock   t tryrlock
 *   L lock    U unlock    T trylock
 * A failed try ends the script (what follows is the matching unlock).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

enum {
	/* activity = readers inside + WRITER_WEIGHT * writers inside (Go's HammerRWMutex) */
	WRITER_WEIGHT = 10000,
	RLOCKER_ROUNDS = 10, /* Go's n in TestRLocker */
};

/* How long a writer may take to start blocking new readers before the test gives up. */
#define PENDING_WRITER_BOUND (2 * CSP_SECOND)
/* No operation shows that a task is parked inside rlock() or lock(): after a task says it is
 * about to call one, the test gives it this long to get there. Only the order test needs it. */
#define SETTLE_RELEASE (50 * CSP_MILLISECOND)
#define SETTLE_SANITIZED (250 * CSP_MILLISECOND)
#define READERS_FIRST_ROUNDS 4

/* Apply one script operation; false only for a try that failed. */
static bool rw_apply(csp_rwlock *l, char op)
{
	switch (op) {
	case 'R': csp_rwlock_rlock(l); return true;
	case 'r': csp_rwlock_runlock(l); return true;
	case 't': return csp_rwlock_tryrlock(l);
	case 'L': csp_rwlock_lock(l); return true;
	case 'U': csp_rwlock_unlock(l); return true;
	case 'T': return csp_rwlock_trylock(l);
	default: return false;
	}
}

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
	for (int64_t i = 0; i < h->loops && !t_failed(h->t); i++) {
		csp_rwlock_rlock(h->l);
		int n = enter(h, 1);
		int64_t seen = h->writes;
		csp_yield();
		bool stable = h->writes == seen;
		leave(h, 1);
		csp_rwlock_runlock(h->l);
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
	for (int64_t i = 0; i < h->loops && !t_failed(h->t); i++) {
		csp_rwlock_lock(h->l);
		int n = enter(h, WRITER_WEIGHT);
		int64_t w = h->writes;
		csp_yield();
		h->writes = w + 1;
		leave(h, WRITER_WEIGHT);
		csp_rwlock_unlock(h->l);
		if (n != WRITER_WEIGHT) {
			t_fail(h->t, "a writer saw activity %d, not %d (itself alone)", n, WRITER_WEIGHT);
			return;
		}
	}
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
	T_CHECK(t, h.writes == 2 * loops, "lost writes: %lld after %lld write locks",
		(long long)h.writes, (long long)(2 * loops));
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

/* ---- Writer preference and hand-over order --------------------------------------------------- */

/* A task that takes the lock once and notes in which order it got it. */
struct actor {
	csp_rwlock *l;
	_Atomic int *next_rank; /* shared by the actors of one test */
	bool writer;
	_Atomic int started;
	int rank; /* plain: written under the lock, read after t_wait */
};

static void actor_task(void *arg)
{
	struct actor *a = arg;
	atomic_store(&a->started, 1);
	rw_apply(a->l, a->writer ? 'L' : 'R');
	a->rank = atomic_fetch_add(a->next_rank, 1);
	rw_apply(a->l, a->writer ? 'U' : 'r');
}

/* The caller holds a read lock and has started a writer: poll until the writer, blocked in lock(),
 * makes tryrlock fail (Go: a blocked writer keeps new readers out). */
static bool await_pending_writer(tctx *t, csp_rwlock *l)
{
	int64_t limit = csp_now() + PENDING_WRITER_BOUND;
	while (csp_rwlock_tryrlock(l)) {
		csp_rwlock_runlock(l);
		if (csp_now() > limit) {
			t_fail(t, "tryrlock still succeeds %.1f s after a writer started to wait",
				(double)PENDING_WRITER_BOUND / CSP_SECOND);
			return false;
		}
		csp_yield();
	}
	return true;
}

/* Start an actor and wait until it says it is about to take the lock. */
static bool start_actor(tctx *t, tgroup *g, struct actor *a)
{
	return t_go(t, g, actor_task, a) && t_wait_flag(t, &a->started, "a task to start");
}

/* sync/rwmutex.go: "If any goroutine calls Lock while the lock is already held by one or more
 * readers, concurrent calls to RLock will block until the writer has acquired (and released) the
 * lock". One reader holds the lock; a writer waits; then tryrlock must fail, and a new reader
 * must get the lock only after the writer. */
static void test_rwmutex_writer_preference(tctx *t)
{
	csp_rwlock *l = t_rwlock(t);
	if (!l)
		return;
	_Atomic int next_rank = 0;
	struct actor w = { .l = l, .next_rank = &next_rank, .writer = true };
	struct actor r = { .l = l, .next_rank = &next_rank, .writer = false };
	tgroup g = { 0 };
	t_progress(t, "a writer waits behind a reader");
	csp_rwlock_rlock(l);
	bool pending = start_actor(t, &g, &w) && await_pending_writer(t, l);
	bool started = pending && start_actor(t, &g, &r);
	int early = atomic_load(&next_rank);
	csp_rwlock_runlock(l);
	if (!t_wait(t, &g, "the writer and the reader after the first reader left") || !started)
		return;
	T_CHECK(t, early == 0, "%d task(s) got the lock while the first reader held it", early);
	T_CHECK(t, w.rank < r.rank, "a reader that came while a writer waited got the lock first");
}

/* One round of the scenario below, R2 and W2 given `settle` to block. False if it could not be
 * set up or a task failed (the test has failed then); otherwise *order_ok tells the outcome. */
static bool readers_first_round(tctx *t, csp_duration settle, bool *order_ok)
{
	csp_rwlock *l = t_rwlock(t);
	if (!l)
		return false;
	_Atomic int next_rank = 0;
	struct actor w1 = { .l = l, .next_rank = &next_rank, .writer = true };
	struct actor r2 = { .l = l, .next_rank = &next_rank, .writer = false };
	struct actor w2 = { .l = l, .next_rank = &next_rank, .writer = true };
	tgroup g = { 0 };
	csp_rwlock_rlock(l);
	bool queued = start_actor(t, &g, &w1) && await_pending_writer(t, l) &&
		start_actor(t, &g, &r2);
	if (queued) {
		csp_sleep(settle); /* R2 announced itself; give it time to block in rlock() */
		queued = start_actor(t, &g, &w2);
	}
	if (queued)
		csp_sleep(settle); /* the same for W2 in lock() */
	int early = atomic_load(&next_rank);
	csp_rwlock_runlock(l);
	if (!t_wait(t, &g, "W1, R2 and W2 after R1 left") || !queued)
		return false;
	if (early != 0) {
		t_fail(t, "%d task(s) got the lock while R1 held it", early);
		return false;
	}
	if (w1.rank != 0) {
		t_fail(t, "W1 (waiting first) got the lock at rank %d, after R2 %d / W2 %d", w1.rank,
			r2.rank, w2.rank);
		return false;
	}
	*order_ok = r2.rank == 1 && w2.rank == 2;
	return true;
}

/* sync/rwmutex.go (Unlock wakes the readers that queued behind the writer before it lets the next
 * writer in): R1 holds the lock; writer W1 waits; reader R2 queues behind W1; writer W2 queues
 * too. When R1 leaves, W1 must go first, then R2, and W2 last.
 * Nothing in the API shows that R2 is blocked rather than still on its way into rlock(), and if
 * it is late W2 may legitimately go first. So the settle pause only makes the scenario likely,
 * and the check is sound in every interleaving: a round with W2 before R2 is repeated with a
 * longer pause, and the test fails only when every round shows it — as a lock that lets the
 * next writer overtake queued readers always does. */
static void test_rwmutex_readers_before_next_writer(tctx *t)
{
	csp_duration settle = t_sanitized() ? SETTLE_SANITIZED : SETTLE_RELEASE;
	t_progress(t, "R1 holds, W1 waits, R2 and W2 queue");
	for (int round = 0; round < READERS_FIRST_ROUNDS; round++, settle *= 2) {
		bool order_ok = false;
		if (!readers_first_round(t, settle, &order_ok))
			return;
		if (order_ok)
			return;
	}
	t_fail(t, "in %d rounds the second writer always got the lock before the reader that "
		  "queued behind the first writer", READERS_FIRST_ROUNDS);
}

/* ---- Misuse ---------------------------------------------------------------------------------- */

struct misuse {
	const char *impl;
	const char *script;
};

/* In the forked child: play the script on a new RW lock; it should die before the end. */
static void misuse_child(void *arg)
{
	const struct misuse *c = arg;
	csp_rwlock *l = csp_rwlock_new(c->impl);
	if (!l)
		return;
	for (const char *op = c->script; *op; op++)
		rw_apply(l, *op);
	/* Say which script got through, for the harness's failure message. */
	fprintf(stderr, "rwlock script \"%s\" completed without a fatal error\n", c->script);
	exit(3);
}

static void expect_misuse_fatal(tctx *t, const char *const *scripts, const char *message)
{
	for (; *scripts && !t_failed(t); scripts++) {
		struct misuse c = { t->impl->name, *scripts };
		t_expect_fatal(t, misuse_child, &c, message);
	}
}

/* sync/mutex_test.go TestMutexMisuse, the RWMutex cases on an unlocked lock (Unlock, Unlock3,
 * RUnlock, RUnlock3), plus the same after a try: each must die with Go's message. */
static void test_rwmutex_misuse(tctx *t)
{
	static const char *const unlock[] = { "U", "LUU", "TUU", NULL };
	static const char *const runlock[] = { "r", "Rrr", "trr", NULL };
	expect_misuse_fatal(t, unlock, CSP_MSG_RWUNLOCK_UNLOCKED);
	expect_misuse_fatal(t, runlock, CSP_MSG_RUNLOCK_UNLOCKED);
}

/* sync/mutex_test.go TestMutexMisuse, the cases that release the other side (Unlock2: RLock then
 * Unlock; RUnlock2: Lock then RUnlock): Go finds them fatal too. */
static void test_rwmutex_misuse_mixed(tctx *t)
{
	static const char *const unlock[] = { "RU", NULL };
	static const char *const runlock[] = { "Lr", NULL };
	expect_misuse_fatal(t, unlock, CSP_MSG_RWUNLOCK_UNLOCKED);
	expect_misuse_fatal(t, runlock, CSP_MSG_RUNLOCK_UNLOCKED);
}

const struct tcase rwlock_tests[] = {
	{ .name = "TestParallelReaders", .prim = CSP_PRIM_RWLOCK, .body = test_parallel_readers },
	{ .name = "TestRWMutex", .prim = CSP_PRIM_RWLOCK, .body = test_rwmutex },
	{ .name = "TestRLocker", .prim = CSP_PRIM_RWLOCK, .body = test_rlocker,
		.forbids = CSP_PROP_OWNED },
	{ .name = "TestRWMutexTryOtherTask", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_try_other_task },
	{ .name = "TestRWMutexUnlockOtherTask", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_unlock_other_task, .forbids = CSP_PROP_OWNED },
	{ .name = "TestRWMutexWriterPreference", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_writer_preference },
	{ .name = "TestRWMutexReadersBeforeNextWriter", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_readers_before_next_writer },
	{ .name = "TestRWMutexMisuse", .prim = CSP_PRIM_RWLOCK, .body = test_rwmutex_misuse,
		.direct = true },
	{ .name = "TestRWMutexMisuseMixed", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_misuse_mixed, .direct = true },
	{ 0 },
};
