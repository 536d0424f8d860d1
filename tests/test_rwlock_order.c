/*
 * Conformance tests of Go's sync.RWMutex: the policy sync/rwmutex.go documents. A blocked writer
 * keeps new readers out, and the readers that queued behind a writer get the lock before the
 * next writer. Run over every registered RW lock implementation.
 */
#include "rwlock_util.h"

/* How long a writer may take to start blocking new readers before the test gives up. */
#define PENDING_WRITER_BOUND (2 * CSP_SECOND)
/* No operation shows that a task is parked inside rlock() or lock(): after a task says it is
 * about to call one, the test gives it this long to get there. Only the order test needs it. */
#define SETTLE_RELEASE (50 * CSP_MILLISECOND)
#define SETTLE_SANITIZED (250 * CSP_MILLISECOND)
#define READERS_FIRST_ROUNDS 4

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

static const struct tcase rwlock_order_tests[] = {
	{ .name = "TestRWMutexWriterPreference", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_writer_preference },
	{ .name = "TestRWMutexReadersBeforeNextWriter", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_readers_before_next_writer,
		.forbids = CSP_PROP_READERS_MAY_STARVE },
	{ 0 },
};
T_REGISTER(rwlock_order_tests);
