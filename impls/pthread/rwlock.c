/*
 * rwlock/pthread: Go's sync.RWMutex semantics on one pthread mutex and two condition variables.
 *
 * glibc's pthread_rwlock_t cannot give them: in its writer-preferring mode a stream of writers
 * starves readers, its unlock cannot detect Go's misuse, and it is owned. So the policy is written
 * here, as Go's rwmutex.go has it:
 *  - a writer waiting or active blocks new readers (writer preference);
 *  - when a writer unlocks, every reader that queued behind it is admitted before the next writer
 *    (the readers get the lock as a batch: `readers += rwait`), so neither side starves;
 *  - not owned: any task may unlock.
 *
 * A reader counts itself in before it competes for `mu`, as Go's RLock adds to readerCount
 * before anything else. Without that, "the readers that queued behind the writer" would only be
 * the ones that happened to win `mu`: glibc's mutex lets a thread that just unlocked take it
 * again, so writers looping on the lock could keep a reader out of `mu`, and so out of the lock,
 * for as long as they liked (the stress suite's rwlock-reader-bound caught exactly that). Now a
 * writer's unlock records how many readers had arrived (`turn`), and the next writer waits until
 * those have registered; a reader whose arrival is within `turn` is admitted even though a writer
 * waits, as it would be in Go. Readers arriving later queue behind the waiting writer as before,
 * so writers do not starve either.
 *
 * State, under `mu` unless marked:
 *   readers  readers holding the lock       writer  a writer holds the lock
 *   rwait    readers blocked in rlock        wwait   writers blocked in lock
 *   rgen     bumped each time blocked readers are admitted (their wake condition)
 *   arrived  (atomic) rlock calls that have started; a reader's ticket is its position here
 *   registered  rlock calls that have taken `mu` and counted themselves (<= arrived)
 *   turn     arrived as the last writer's unlock saw it: the next writer waits for
 *            registered >= turn
 * Invariants: writer implies readers == 0; rwait > 0 implies writer or wwait > 0.
 */
#include <csplab/impl.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct rwlock {
	pthread_mutex_t mu;
	pthread_cond_t rcv, wcv;
	int64_t readers, rwait, wwait;
	uint64_t rgen;
	_Atomic uint64_t arrived;
	uint64_t registered, turn;
	bool writer;
};

static int init(void *self)
{
	struct rwlock *l = self;
	atomic_init(&l->arrived, 0);
	int rc = pthread_mutex_init(&l->mu, NULL);
	if (rc == 0 && (rc = pthread_cond_init(&l->rcv, NULL)) == 0 &&
		(rc = pthread_cond_init(&l->wcv, NULL)) != 0)
		pthread_cond_destroy(&l->rcv);
	return rc;
}

static void destroy(void *self)
{
	struct rwlock *l = self;
	pthread_cond_destroy(&l->wcv);
	pthread_cond_destroy(&l->rcv);
	pthread_mutex_destroy(&l->mu);
}

/* Readers the last writer's unlock saw arriving have all registered: a writer may go in. */
static bool turn_done(const struct rwlock *l)
{
	return l->registered >= l->turn;
}

static void rlock(void *self)
{
	struct rwlock *l = self;
	uint64_t ticket = atomic_fetch_add(&l->arrived, 1) + 1;
	pthread_mutex_lock(&l->mu);
	l->registered++;
	if (l->wwait > 0 && l->registered == l->turn)
		pthread_cond_signal(&l->wcv); /* this registration completes the turn a writer awaits */
	if (l->writer || (l->wwait > 0 && ticket > l->turn)) {
		uint64_t gen = l->rgen;
		l->rwait++;
		while (l->rgen == gen) /* admitted (and counted in readers) by the writer's unlock */
			pthread_cond_wait(&l->rcv, &l->mu);
	} else {
		l->readers++;
	}
	pthread_mutex_unlock(&l->mu);
}

static bool tryrlock(void *self)
{
	struct rwlock *l = self;
	pthread_mutex_lock(&l->mu);
	bool ok = !l->writer && l->wwait == 0;
	if (ok)
		l->readers++;
	pthread_mutex_unlock(&l->mu);
	return ok;
}

static void runlock(void *self)
{
	struct rwlock *l = self;
	pthread_mutex_lock(&l->mu);
	if (l->readers == 0) {
		pthread_mutex_unlock(&l->mu);
		csp_fatal(CSP_MSG_RUNLOCK_UNLOCKED);
	}
	if (--l->readers == 0 && l->wwait > 0)
		pthread_cond_signal(&l->wcv);
	pthread_mutex_unlock(&l->mu);
}

static void wlock(void *self)
{
	struct rwlock *l = self;
	pthread_mutex_lock(&l->mu);
	l->wwait++;
	while (l->writer || l->readers > 0 || !turn_done(l))
		pthread_cond_wait(&l->wcv, &l->mu);
	l->wwait--;
	l->writer = true;
	pthread_mutex_unlock(&l->mu);
}

static bool trywlock(void *self)
{
	struct rwlock *l = self;
	pthread_mutex_lock(&l->mu);
	bool ok = !l->writer && l->readers == 0 && turn_done(l);
	if (ok)
		l->writer = true;
	pthread_mutex_unlock(&l->mu);
	return ok;
}

static void wunlock(void *self)
{
	struct rwlock *l = self;
	pthread_mutex_lock(&l->mu);
	if (!l->writer) {
		pthread_mutex_unlock(&l->mu);
		csp_fatal(CSP_MSG_RWUNLOCK_UNLOCKED);
	}
	l->writer = false;
	l->turn = atomic_load(&l->arrived); /* readers on their way to mu go before the next writer */
	if (l->rwait > 0) { /* admit the readers that queued behind this writer, as one batch */
		l->readers += l->rwait;
		l->rwait = 0;
		l->rgen++;
		pthread_cond_broadcast(&l->rcv);
	} else if (l->wwait > 0) {
		pthread_cond_signal(&l->wcv);
	}
	pthread_mutex_unlock(&l->mu);
}

static const csp_rwlock_ops rwlock_pthread = {
	.info = { "pthread", "pthread", "Go's RWMutex policy on a pthread mutex and two condvars", 0 },
	.size = sizeof(struct rwlock),
	.init = init,
	.destroy = destroy,
	.rlock = rlock,
	.tryrlock = tryrlock,
	.runlock = runlock,
	.lock = wlock,
	.trylock = trywlock,
	.unlock = wunlock,
};
CSP_REGISTER(rwlock, rwlock_pthread);
