/*
 * chanlock: a buffered channel of capacity 1 used as a lock. Go in Practice, ch. 3
 * (`lock := make(chan bool, 1)`: sending takes the lock - a second sender blocks while the
 * slot is full - and receiving releases it).
 *
 * The counter is a plain int64 with no atomics: only the channel orders the tasks' updates
 * (a send that fills the slot happens before the receive that empties it, and that receive
 * before the next send completes), so a channel that let two senders in would lose updates,
 * and ThreadSanitizer would report the race.
 */
#include "gip.h"

#include <stdio.h>
#include <stdlib.h>

struct shared {
	csp_chan *lock;
	int64_t counter; /* guarded by lock */
	int64_t iters;
};

static void worker(void *arg)
{
	struct shared *s = arg;
	bool token = true;
	for (int64_t i = 0; i < s->iters; i++) {
		csp_chan_send(s->lock, &token); /* lock: blocks while another task holds the slot */
		s->counter++;
		csp_chan_recv(s->lock, NULL, NULL); /* unlock */
	}
}

int64_t gip_chanlock_run(const struct gip_impls *im, int tasks, int64_t iters)
{
	struct shared s = { .lock = csp_chan_make(im->name[CSP_PRIM_CHAN], sizeof(bool), 1),
			    .iters = iters };
	csp_waitgroup *wg = csp_wg_new(im->name[CSP_PRIM_WAITGROUP]);
	if (!s.lock || !wg) {
		fprintf(stderr, "%s: cannot make the channel\n", gip_prog);
		exit(1);
	}
	for (int t = 0; t < tasks; t++)
		if (csp_wg_go(wg, worker, &s) != 0)
			worker(&s);
	csp_wg_wait(wg);
	csp_wg_free(wg);
	csp_chan_free(s.lock);
	return s.counter;
}
