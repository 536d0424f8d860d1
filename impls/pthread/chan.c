/*
 * chan/pthread: Go's channel algorithm (impls/shared/gochan.c) on a pthread mutex per channel and
 * a parker (impls/shared/parker.h) per blocked operation that spins, announces its sleep
 * (parker.h's announced-sleep word) and sleeps in a condition variable: an unpark signals only a
 * parker that announced its sleep.
 */
#define _GNU_SOURCE /* PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP */
#include "../shared/gochan.h"

#include <pthread.h>
#include <time.h>

/* The channel lock: glibc's adaptive mutex, which spins a bounded while (as glibc decides) before
 * it sleeps in the kernel; a channel's critical sections are short, so a contended lock is most
 * often free again within that spin. Against the default mutex (A/B, 7 alternating rounds):
 * ChanProdCons10 223 -> 131 ns/op, ChanSync 382 -> 270 (p = .026); ChanPopular and
 * SelectAsyncContended 1.04x and 1.10x, not significant (p >= .13). */
static int lock_init(void *l)
{
	*(pthread_mutex_t *)l = (pthread_mutex_t)PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
	return 0;
}
static void lock_destroy(void *l) { pthread_mutex_destroy(l); }
static void lock(void *l) { pthread_mutex_lock(l); }
static void unlock(void *l) { pthread_mutex_unlock(l); }

struct parker {
	_Atomic uint32_t word; /* parker.h's announced sleep */
	bool woken;            /* under mu: the unparker has finished with the parker */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};
_Static_assert(sizeof(struct parker) <= PARKER_MAX, "parker too large");

static pthread_condattr_t monotonic;
static pthread_once_t monotonic_once = PTHREAD_ONCE_INIT;

static void monotonic_init(void)
{
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC); /* csp_now()'s clock */
}

static void park_init(void *p, const char *reason, const void *obj)
{
	struct parker *k = p;
	(void)reason;
	(void)obj;
	pthread_once(&monotonic_once, monotonic_init);
	atomic_init(&k->word, PARK_AWAKE);
	k->woken = false;
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, &monotonic);
}

static void park_destroy(void *p)
{
	struct parker *k = p;
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
}

static bool unparked(void *p)
{
	return park_word_unparked(&((struct parker *)p)->word);
}

/* Once the sleep is announced, the park ends only under mu with `woken` set: an unparker that saw
 * the announcement locks mu after its exchange, and must find the parker still there. */
static bool park(void *p, int64_t deadline)
{
	struct parker *k = p;
	if (!park_word_announce(&k->word))
		return true;
	struct timespec ts = { .tv_sec = deadline / CSP_SECOND, .tv_nsec = deadline % CSP_SECOND };
	bool timed_out = false;
	pthread_mutex_lock(&k->mu);
	while (!k->woken && !timed_out) {
		if (deadline == CSP_FOREVER)
			pthread_cond_wait(&k->cv, &k->mu);
		else
			timed_out = pthread_cond_timedwait(&k->cv, &k->mu, &ts) != 0;
	}
	if (!k->woken) {
		/* Timed out: withdraw the announcement unless an unpark is under way, whose wake
		 * then comes at once (the unparker is between its exchange and mu). */
		if (park_word_withdraw(&k->word)) {
			pthread_mutex_unlock(&k->mu);
			return false;
		}
		while (!k->woken)
			pthread_cond_wait(&k->cv, &k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	return true;
}

static void unpark(void *p)
{
	struct parker *k = p;
	if (!park_word_unpark(&k->word))
		return; /* not asleep: its next look at the word ends the park; k may be gone now */
	pthread_mutex_lock(&k->mu);
	k->woken = true;
	/* Signal while holding mu: the parked task cannot see `woken`, return and free the parker
	 * before this unlock. */
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
}

static const struct parker_ops pthread_parker = {
	.init = park_init,
	.destroy = park_destroy,
	.park = park,
	.unpark = unpark,
	.unparked = unparked,
	.spin = OS_PARKER_SPIN,
};

static const struct gochan_sync pthread_sync = {
	.lock_size = sizeof(pthread_mutex_t),
	.lock_init = lock_init,
	.lock_destroy = lock_destroy,
	.lock = lock,
	.unlock = unlock,
	.parker = &pthread_parker,
};

static int chan_init(void *self, size_t elem_size, size_t cap)
{
	return gochan_init(&pthread_sync, self, elem_size, cap);
}

static const csp_chan_ops chan_pthread = {
	.info = { "pthread", "pthread", "Go's chan.go algorithm on pthread mutexes and condvars", 0 },
	.init = chan_init,
	GOCHAN_OPS,
};
CSP_REGISTER(chan, chan_pthread);
