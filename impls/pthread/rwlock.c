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
 * State, all under `mu`:
 *   readers  readers holding the lock       writer  a writer holds the lock
 *   rwait    readers blocked in rlock        wwait   writers blocked in lock
 *   rgen     bumped each time blocked readers are admitted (their wake condition)
 * Invariants: writer implies readers == 0; rwait > 0 implies writer or wwait > 0.
 */
#include <csplab/impl.h>

#include <pthread.h>
#include <stdint.h>

struct rwlock {
	pthread_mutex_t mu;
	pthread_cond_t rcv, wcv;
	int64_t readers, rwait, wwait;
	uint64_t rgen;
	bool writer;
};

static int init(void *self)
{
	struct rwlock *l = self;
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

static void rlock(void *self)
{
	struct rwlock *l = self;
	pthread_mutex_lock(&l->mu);
	if (l->writer || l->wwait > 0) {
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
	while (l->writer || l->readers > 0)
		pthread_cond_wait(&l->wcv, &l->mu);
	l->wwait--;
	l->writer = true;
	pthread_mutex_unlock(&l->mu);
}

static bool trywlock(void *self)
{
	struct rwlock *l = self;
	pthread_mutex_lock(&l->mu);
	bool ok = !l->writer && l->readers == 0;
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
