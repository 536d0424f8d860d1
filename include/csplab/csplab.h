/*
 * csplab: Go's concurrency vocabulary for C — the user API.
 *
 * Channels, select, Mutex, RWMutex, WaitGroup and tasks (goroutines), each object bound to one
 * implementation when it is created. Implementations plug in through <csplab/impl.h>; an
 * application needs only this header.
 *
 * Error policy (docs/semantics.md, "Error policy"), applied by every function here:
 *  - Expected outcomes are return values: CSP_OK, CSP_CLOSED, CSP_WOULDBLOCK, CSP_TIMEOUT.
 *  - Creation failures return NULL and set errno (EINVAL: unknown implementation or bad
 *    argument, such as a channel beyond the size limits below, whatever the machine's memory;
 *    ENOMEM: the allocation itself failed).
 *  - Misuse that Go makes fatal aborts the process after printing Go's message, e.g.
 *    "fatal error: sync: unlock of unlocked mutex". Misuse Go reports by panicking on a channel
 *    (send on / close of a closed channel) is a CSP_CLOSED return instead, except close of a
 *    nil channel, which is fatal as in Go.
 */
#ifndef CSPLAB_CSPLAB_H
#define CSPLAB_CSPLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes ------------------------------------------------------------------------- */

enum csp_status {
	CSP_OK = 0,         /* the operation happened */
	CSP_CLOSED = 1,     /* the channel is closed (and, for a receive, drained) */
	CSP_WOULDBLOCK = 2, /* a try-operation could not proceed at once */
	CSP_TIMEOUT = 3,    /* a timed operation reached its deadline */
};

/* Human-readable name of a status code ("ok", "closed", ...). */
const char *csp_status_str(int status);

/* ---- Time ---------------------------------------------------------------------------------- */

/* Durations are nanoseconds, as in Go's time.Duration. */
typedef int64_t csp_duration;
#define CSP_NANOSECOND ((csp_duration)1)
#define CSP_MICROSECOND ((csp_duration)1000)
#define CSP_MILLISECOND ((csp_duration)1000000)
#define CSP_SECOND ((csp_duration)1000000000)

/* Monotonic clock (CLOCK_MONOTONIC) in nanoseconds. */
int64_t csp_now(void);

/* ---- Tasks (goroutines) -------------------------------------------------------------------- */

typedef void (*csp_task_fn)(void *arg);

/*
 * Spawn fn(arg) as a new task in the calling task's runtime (OS threads for the pthread, futex
 * and lockfree families; coroutines for the coro family). Outside any runtime, OS threads.
 * Returns 0, or an errno value (EAGAIN) when the task cannot be created.
 */
int csp_go(csp_task_fn fn, void *arg);

/* Let other tasks run (Go's runtime.Gosched). */
void csp_yield(void);

/* Sleep for d nanoseconds; d <= 0 returns at once (after a yield). */
void csp_sleep(csp_duration d);

/*
 * Run fn(arg) as a task of the runtime of family `family` (NULL: OS threads) and wait until it
 * returns. Like Go's main, it does not wait for the tasks fn spawned; use a WaitGroup.
 * Returns 0, or an errno value (EINVAL: no such family runtime; EAGAIN: spawn failed).
 */
int csp_run(const char *family, csp_task_fn fn, void *arg);

/* ---- Channels ------------------------------------------------------------------------------ */

typedef struct csp_chan csp_chan;

/*
 * Size limits of a channel, the same two Go's makechan has (elements under 64 KiB; a buffer the
 * allocator can address, maxAlloc = 2^48 on 64-bit Linux):
 *  - an element is 1 to CSP_CHAN_ELEM_MAX bytes;
 *  - a channel's state, elem_size * cap plus what its implementation adds per slot (a sequence
 *    number, padding) and per channel, is at most CSP_CHAN_BYTES_MAX bytes.
 * Beyond either csp_chan_make fails with EINVAL, on any machine; within them, ENOMEM means the
 * memory could not be had.
 */
#define CSP_CHAN_ELEM_MAX (((size_t)1 << 16) - 1)
#if SIZE_MAX > 0xFFFFFFFFu
#define CSP_CHAN_BYTES_MAX ((size_t)1 << 48)
#else
#define CSP_CHAN_BYTES_MAX ((size_t)1 << 30)
#endif

/*
 * Make a channel of elements of elem_size bytes (1 to CSP_CHAN_ELEM_MAX) with capacity cap
 * (0 = unbuffered), implemented by `impl` (NULL: the default, "pthread"). NULL and errno on
 * failure: EINVAL for an unknown implementation or a size beyond the limits above, ENOMEM when
 * the allocation fails.
 */
csp_chan *csp_chan_make(const char *impl, size_t elem_size, size_t cap);
/* Free a channel no task uses any more. NULL is ignored. */
void csp_chan_free(csp_chan *c);

/*
 * Send *elem. Blocks until a receiver takes it (unbuffered) or it is buffered.
 * CSP_OK, or CSP_CLOSED if the channel is or becomes closed (the value is not sent).
 * A NULL channel blocks forever (timed and try variants: CSP_TIMEOUT / CSP_WOULDBLOCK).
 */
int csp_chan_send(csp_chan *c, const void *elem);
int csp_chan_trysend(csp_chan *c, const void *elem);                  /* or CSP_WOULDBLOCK */
int csp_chan_send_timeout(csp_chan *c, const void *elem, csp_duration d); /* or CSP_TIMEOUT */

/*
 * Receive into *elem (which may be NULL to discard). CSP_OK with a value; CSP_CLOSED once the
 * channel is closed and every buffered value has been received (then *elem is zeroed).
 * ok, when not NULL, is set as Go's `v, ok := <-c` sets it: true iff a value was received.
 */
int csp_chan_recv(csp_chan *c, void *elem, bool *ok);
int csp_chan_tryrecv(csp_chan *c, void *elem, bool *ok);                 /* or CSP_WOULDBLOCK */
int csp_chan_recv_timeout(csp_chan *c, void *elem, bool *ok, csp_duration d); /* or CSP_TIMEOUT */

/*
 * Close: wakes every blocked receiver (they get CSP_CLOSED once the buffer is drained) and every
 * blocked sender (CSP_CLOSED). Returns CSP_OK, or CSP_CLOSED if already closed. NULL is fatal.
 */
int csp_chan_close(csp_chan *c);

size_t csp_chan_len(csp_chan *c); /* buffered values now; 0 for NULL */
size_t csp_chan_cap(csp_chan *c); /* capacity; 0 for NULL */
size_t csp_chan_elem_size(csp_chan *c);
const char *csp_chan_impl(csp_chan *c); /* the implementation's name */

/* ---- Select -------------------------------------------------------------------------------- */

enum csp_dir {
	CSP_RECV = 1,
	CSP_SEND = 2,
};

typedef struct csp_case {
	csp_chan *ch; /* NULL: the case is never chosen (Go's nil channel) */
	int dir;      /* CSP_RECV or CSP_SEND */
	void *buf;    /* send: the value; receive: where to store it (NULL discards) */
	bool ok;      /* out, for the chosen case: a value was received / sent;
	                 false when the channel was closed */
} csp_case;

#define CSP_SELECT_DEFAULT (-1) /* no case was ready and the select had a default */
#define CSP_SELECT_TIMEOUT (-2) /* no case became ready before the timeout */

/*
 * Wait until one case can proceed, perform exactly that one and return its index. When several
 * are ready, one is chosen uniformly at random. A send case on a closed channel is chosen with
 * ok = false (Go panics there). All non-NULL channels must share one implementation.
 * With has_default, returns CSP_SELECT_DEFAULT at once if no case is ready.
 * With no non-NULL case and no default, blocks forever (as Go's `select {}`).
 */
int csp_select(csp_case *cases, size_t n, bool has_default);
/* As csp_select without default, but gives up after d: CSP_SELECT_TIMEOUT. */
int csp_select_timeout(csp_case *cases, size_t n, csp_duration d);

/* ---- Mutex (Go's sync.Mutex) --------------------------------------------------------------- */

typedef struct csp_mutex csp_mutex;

csp_mutex *csp_mutex_new(const char *impl); /* NULL impl: "pthread" */
void csp_mutex_free(csp_mutex *m);
void csp_mutex_lock(csp_mutex *m);
bool csp_mutex_trylock(csp_mutex *m);
/* Fatal if not locked: "sync: unlock of unlocked mutex". Any task may unlock (not owned),
 * unless the implementation declares CSP_PROP_OWNED. */
void csp_mutex_unlock(csp_mutex *m);
const char *csp_mutex_impl(csp_mutex *m);

/* ---- RW lock (Go's sync.RWMutex: writer-preferring, not owned) ----------------------------- */

typedef struct csp_rwlock csp_rwlock;

csp_rwlock *csp_rwlock_new(const char *impl);
void csp_rwlock_free(csp_rwlock *l);
void csp_rwlock_rlock(csp_rwlock *l);
bool csp_rwlock_tryrlock(csp_rwlock *l);
void csp_rwlock_runlock(csp_rwlock *l); /* fatal: "sync: RUnlock of unlocked RWMutex" */
void csp_rwlock_lock(csp_rwlock *l);
bool csp_rwlock_trylock(csp_rwlock *l);
void csp_rwlock_unlock(csp_rwlock *l); /* fatal: "sync: Unlock of unlocked RWMutex" */
const char *csp_rwlock_impl(csp_rwlock *l);

/* ---- WaitGroup (Go's sync.WaitGroup) ------------------------------------------------------- */

typedef struct csp_waitgroup csp_waitgroup;

csp_waitgroup *csp_wg_new(const char *impl);
void csp_wg_free(csp_waitgroup *wg);
void csp_wg_add(csp_waitgroup *wg, int64_t delta); /* fatal: "sync: negative WaitGroup counter" */
void csp_wg_done(csp_waitgroup *wg);
void csp_wg_wait(csp_waitgroup *wg);
/* wg.Add(1); go func() { defer wg.Done(); fn(arg) }(). Returns 0 or an errno value (then the
 * counter is unchanged). */
int csp_wg_go(csp_waitgroup *wg, csp_task_fn fn, void *arg);
const char *csp_wg_impl(csp_waitgroup *wg);

#ifdef __cplusplus
}
#endif

#endif /* CSPLAB_CSPLAB_H */
