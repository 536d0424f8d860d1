/*
 * waitgroup/pthread: Go's sync.WaitGroup on a pthread mutex and condition variable.
 *
 * State, under `mu`: the counter, and a generation bumped each time the counter reaches zero with
 * waiters. A waiter waits for the generation to change rather than for the counter to be zero, so
 * a WaitGroup reused at once (Add right after the last Done) still releases every waiter of the
 * round that ended, as Go's does.
 */
#include <csplab/impl.h>

#include <pthread.h>
#include <stdint.h>

struct waitgroup {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t counter, waiters;
	uint64_t gen;
};

static int init(void *self)
{
	struct waitgroup *wg = self;
	int rc = pthread_mutex_init(&wg->mu, NULL);
	if (rc == 0 && (rc = pthread_cond_init(&wg->cv, NULL)) != 0)
		pthread_mutex_destroy(&wg->mu);
	return rc;
}

static void destroy(void *self)
{
	struct waitgroup *wg = self;
	pthread_cond_destroy(&wg->cv);
	pthread_mutex_destroy(&wg->mu);
}

static void add(void *self, int64_t delta)
{
	struct waitgroup *wg = self;
	pthread_mutex_lock(&wg->mu);
	wg->counter += delta;
	if (wg->counter < 0) {
		pthread_mutex_unlock(&wg->mu);
		csp_fatal(CSP_MSG_NEGATIVE_WG);
	}
	if (wg->counter == 0 && wg->waiters > 0) {
		wg->waiters = 0;
		wg->gen++;
		pthread_cond_broadcast(&wg->cv);
	}
	pthread_mutex_unlock(&wg->mu);
}

static void wait(void *self)
{
	struct waitgroup *wg = self;
	pthread_mutex_lock(&wg->mu);
	if (wg->counter > 0) {
		uint64_t gen = wg->gen;
		wg->waiters++;
		while (wg->gen == gen)
			pthread_cond_wait(&wg->cv, &wg->mu);
	}
	pthread_mutex_unlock(&wg->mu);
}

static const csp_waitgroup_ops waitgroup_pthread = {
	.info = { "pthread", "pthread", "counter and generation under a pthread mutex and condvar", 0 },
	.size = sizeof(struct waitgroup),
	.init = init,
	.destroy = destroy,
	.add = add,
	.wait = wait,
};
CSP_REGISTER(waitgroup, waitgroup_pthread);
