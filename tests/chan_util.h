/*
 * Helpers shared by the channel and select conformance tests (test_chan_*.c, test_select_*.c):
 * their durations, checks that an operation blocks or times out, checks of buffered values, and
 * tasks that perform one channel operation.
 *
 * Observing "blocks" without sleeping. Where a check wants other tasks blocked in a channel
 * (so that a close, a receive or a send has someone to wake), the body runs a timed operation
 * on that channel that must time out: a check in its own right, during which the other tasks
 * get to block. No check depends on that timing: each holds in every interleaving, the wait
 * only makes the interesting interleaving likely. csp_sleep appears only in tests about time.
 *
 * Shape of a body that starts tasks: observe (into locals), release the tasks, wait for them,
 * then check. A check never returns while tasks still use the body's stack, except when a
 * spawn failed (abandon() then closes the channel the tasks block on).
 */
#ifndef CSPLAB_TESTS_CHAN_UTIL_H
#define CSPLAB_TESTS_CHAN_UTIL_H

#include "harness.h"

#define BLOCK_WAIT (2 * CSP_MILLISECOND)  /* a timed operation expected to time out */
#define TIMEOUT_D (10 * CSP_MILLISECOND)  /* the duration the timeout tests measure */
#define TIMEOUT_SLACK (1 * CSP_SECOND)    /* lateness beyond which a timeout is a bug */
#define LONG_WAIT (10 * CSP_SECOND)       /* a timed operation expected to succeed */

enum {
	MAX_TASKS = 64, /* bound on task counts derived from the CPU count */
	POISON = -7,    /* what an int receive buffer holds before the receive */
};

/* per_cpu tasks for each CPU, at least 2, at most MAX_TASKS. */
int task_count(int per_cpu);

/* ---- Timeouts and blocking ------------------------------------------------------------------- */

/* Fail unless an operation timed by w (started just before it) with duration d took at least d
 * of wall time, and not absurdly longer once the time spent waiting for a CPU is left out.
 * Stops w. */
void check_took(tctx *t, twatch *w, csp_duration d, const char *what);
/* Fail unless `status`, returned by a timed operation timed by w with duration d, is a timeout
 * no earlier than d and not absurdly late (as check_took). Stops w. */
void check_timed_out(tctx *t, int status, twatch *w, csp_duration d, const char *what);
/* A timed receive on c, on which nobody sends for now, must time out. */
void expect_recv_blocks(tctx *t, csp_chan *c, const char *what);
/* A timed send of *elem on c, which has no room and no receiver for now, must time out. */
void expect_send_blocks(tctx *t, csp_chan *c, const void *elem, const char *what);

/* ---- Buffered values ------------------------------------------------------------------------- */

/* Buffer 0..n-1 in c, which must have room for them: a try-send that fails is a failure. */
void fill(tctx *t, csp_chan *c, int n);
/* A new channel of ints with capacity cap, filled with 0..cap-1. NULL if it could not be made
 * or filled, or if the test has failed already. */
csp_chan *full_chan(tctx *t, size_t cap);
/* Receive n values, which must be from, from+1, ... in order. */
void expect_values(tctx *t, csp_chan *c, int from, int n, bool with_ok);
/* Receives from c, closed and drained, report closed with a zeroed value, in both forms. */
void expect_closed(tctx *t, csp_chan *c);
/* A spawn failed (the harness failed the test): free the tasks blocked on c, then wait. */
void abandon(tctx *t, csp_chan *c, tgroup *g);

/* ---- Tasks ----------------------------------------------------------------------------------- */

/* One blocking receive of an int, after an optional delay (only in tests about time). */
struct receiver {
	csp_chan *c;
	bool with_ok; /* Go's `v, ok := <-c` rather than `v := <-c` */
	csp_duration delay;
	int status;
	int value; /* POISON until the receive stores into it */
	bool ok;
	_Atomic int done; /* the receive returned */
};

void receiver_init(struct receiver *r, csp_chan *c, bool with_ok);
void receiver_task(void *arg);
/* Start n receivers on c, alternately in the `v, ok :=` and the `v :=` form. */
bool start_receivers(tctx *t, tgroup *g, struct receiver *r, int n, csp_chan *c);
/* How many of the n receivers have returned. */
int receivers_done(struct receiver *r, int n);
/* Every receiver got "closed", a zeroed value and ok = false. */
void check_receivers_closed(tctx *t, struct receiver *r, int n);

/* One blocking send of an int, after an optional delay (only in tests about time). */
struct sender {
	csp_chan *c;
	int value;
	csp_duration delay;
	int status;
	_Atomic int done; /* the send returned */
};

void sender_init(struct sender *s, csp_chan *c, int value);
void sender_task(void *arg);

/* Sends base, base+1, ..., base+n-1. */
struct seq_sender {
	tctx *t;
	csp_chan *c;
	int base;
	int n;
};

void seq_sender_task(void *arg);

/* Receives 0, 1, ..., n-1, noting before each receive that it is about to ask for it: a send
 * (or a select's send case) on an unbuffered channel that returns before the receiver asked for
 * its value was no rendezvous. */
struct rendezvous {
	csp_chan *c;
	int n;
	_Atomic int asked; /* i+1 once the receiver is about to receive value i */
	int bad_status, bad_at, bad_value; /* the first receive that failed or gave a wrong value */
};

void rendezvous_receiver_task(void *arg);

/* ---- Select ---------------------------------------------------------------------------------- */

static inline csp_case recv_case(csp_chan *c, void *buf)
{
	return (csp_case){ .ch = c, .dir = CSP_RECV, .buf = buf };
}

static inline csp_case send_case(csp_chan *c, void *buf)
{
	return (csp_case){ .ch = c, .dir = CSP_SEND, .buf = buf };
}

/* The select must time out after d, choosing nothing. */
void expect_select_timeout(tctx *t, csp_case *cases, size_t n, csp_duration d, const char *what);
/* The select, over cases nobody makes ready for now, blocks: a timed one times out. */
void expect_select_blocks(tctx *t, csp_case *cases, size_t n, const char *what);
/* csp_select must choose case `want` with the given ok, or return CSP_SELECT_DEFAULT if want is
 * that. */
void expect_chosen(tctx *t, csp_case *cases, size_t n, bool has_default, int want, bool want_ok,
	const char *what);

#endif /* CSPLAB_TESTS_CHAN_UTIL_H */
