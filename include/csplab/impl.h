/*
 * csplab plug-in interface: what an implementation of a primitive provides.
 *
 * An implementation is an ops table (one per primitive it implements) registered with one line:
 *
 *     static const csp_mutex_ops my_mutex = { .info = { "mine", "myfamily", "what it is", 0 }, ... };
 *     CSP_REGISTER(mutex, my_mutex);
 *
 * The core allocates every object: a small header, then `size` bytes of implementation state
 * aligned to CSP_STATE_ALIGN, zero-filled, handed to init(). Every operation receives that state
 * pointer (`self`). The whole object starts on a cache-line boundary.
 *
 * Blocking operations take an absolute deadline on the csp_now() clock: CSP_FOREVER blocks
 * without limit, and any deadline already passed (CSP_POLL) means "do not wait". A channel
 * operation polled (deadline CSP_POLL exactly) that cannot complete at once returns
 * CSP_WOULDBLOCK, which the core hands straight to the try-variant's caller; one that cannot
 * complete by a later deadline returns CSP_TIMEOUT. select reports CSP_SELECT_TIMEOUT for both.
 *
 * Tasks: an implementation that blocks a task must do it in a way its family's runtime supports
 * (OS threads block in the kernel; the coro family parks a coroutine). A family that brings its
 * own task runtime registers a csp_runtime_ops with CSP_REGISTER_RUNTIME; families without one
 * run on OS threads. See docs/plugin.md.
 */
#ifndef CSPLAB_IMPL_H
#define CSPLAB_IMPL_H

#include <csplab/csplab.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CSP_FOREVER INT64_MAX /* deadline: wait without limit */
#define CSP_POLL ((int64_t)0) /* deadline: do not wait */
#define CSP_STATE_ALIGN 16    /* alignment of the state handed to implementations */

/* Absolute deadline d nanoseconds from now; saturates at CSP_FOREVER, d <= 0 gives CSP_POLL. */
int64_t csp_deadline_after(csp_duration d);

/* ---- Properties an implementation declares ------------------------------------------------ */

enum csp_prop {
	/* Waits by spinning (and yielding) without ever parking in the kernel or the scheduler.
	 * Harnesses show its CPU time beside wall time and expect collapse when oversubscribed. */
	CSP_PROP_SPINS = 1u << 0,
	/* Mutex: has Go's starvation mode — a waiter blocked for over 1 ms is served before newcomers
	 * (TestMutexFairness). Implementations without it have the test recorded as absent. */
	CSP_PROP_STARVATION_FREE = 1u << 1,
	/* Mutex/RW lock: only the task that locked may unlock (glibc's pthread_mutex, by POSIX).
	 * Go's locks are not owned; with this flag the cross-task unlock test is recorded as absent. */
	CSP_PROP_OWNED = 1u << 2,
	/* RW lock: when a writer unlocks, the next writer may go before the readers that queued
	 * behind it (Concurrency Kit's ck_rwlock), so a stream of writers can starve readers. Go
	 * lets those readers in first; with this flag that test is recorded as absent. */
	CSP_PROP_READERS_MAY_STARVE = 1u << 3,
	/* Channel: tasks blocked on one channel are not served in the order they blocked (they race
	 * for a slot or a claim, as in the lockfree channel). Go queues them FIFO; with this flag
	 * the waiter-order tests (TestChanWaiterOrder*) are recorded as absent. */
	CSP_PROP_WAITERS_UNORDERED = 1u << 4,
	/* Bits 24-31 are the in-tree harnesses' own (their null and deliberately broken
	 * implementations); a plug-in never sets them. Listings of the implementations a user may
	 * pick (`make list`) leave out any implementation that has one. */
	CSP_PROPS_HARNESS = 0xffu << 24,
};

/* Names the property (one bit) as the suite and reports print it: "starvation-free", ... */
const char *csp_prop_name(unsigned prop);

/* ---- The common head of every ops table ---------------------------------------------------- */

typedef struct csp_info {
	const char *name;    /* unique per primitive: "pthread", "futex-fair", ... */
	const char *family;  /* "pthread", "futex", "lockfree", "coro", or your own */
	const char *summary; /* one line: algorithm and source */
	unsigned props;      /* enum csp_prop bits */
} csp_info;

enum csp_prim {
	CSP_PRIM_CHAN,
	CSP_PRIM_MUTEX,
	CSP_PRIM_RWLOCK,
	CSP_PRIM_WAITGROUP,
	CSP_PRIM_COUNT
};

const char *csp_prim_name(enum csp_prim p); /* "chan", "mutex", "rwlock", "waitgroup" */

/* ---- Ops tables ----------------------------------------------------------------------------- */
/* Every function is required unless marked optional. init returns 0 or an errno value. */

typedef struct csp_mutex_ops {
	csp_info info;
	size_t size;
	int (*init)(void *self);
	void (*destroy)(void *self); /* optional */
	void (*lock)(void *self);
	bool (*trylock)(void *self);
	void (*unlock)(void *self); /* calls csp_fatal(CSP_MSG_UNLOCK_UNLOCKED) if not locked */
} csp_mutex_ops;

typedef struct csp_rwlock_ops {
	csp_info info;
	size_t size;
	int (*init)(void *self);
	void (*destroy)(void *self); /* optional */
	void (*rlock)(void *self);
	bool (*tryrlock)(void *self);
	void (*runlock)(void *self); /* fatal: CSP_MSG_RUNLOCK_UNLOCKED */
	void (*lock)(void *self);
	bool (*trylock)(void *self);
	void (*unlock)(void *self); /* fatal: CSP_MSG_RWUNLOCK_UNLOCKED */
} csp_rwlock_ops;

typedef struct csp_waitgroup_ops {
	csp_info info;
	size_t size;
	int (*init)(void *self);
	void (*destroy)(void *self); /* optional */
	void (*add)(void *self, int64_t delta); /* fatal: CSP_MSG_NEGATIVE_WG */
	void (*wait)(void *self);
} csp_waitgroup_ops;

/*
 * A select case as implementations see it: the user's csp_case. Channels of a select all belong
 * to the implementation whose select() is called; NULL channels must be skipped.
 */
typedef struct csp_chan_ops {
	csp_info info;
	/* State bytes for a channel of cap elements of elem_size bytes (ring buffer included), or
	 * SIZE_MAX when they would exceed CSP_CHAN_BYTES_MAX (csp_chan_make: EINVAL). The core has
	 * checked elem_size and elem_size * cap against the limits; the per-slot and per-channel
	 * bytes the implementation adds are its own to check: csp_chan_state_size does it. */
	size_t (*size)(size_t elem_size, size_t cap);
	int (*init)(void *self, size_t elem_size, size_t cap);
	void (*destroy)(void *self); /* optional */
	/* OK, CLOSED, or WOULDBLOCK (deadline CSP_POLL) / TIMEOUT (a later deadline passed) */
	int (*send)(void *self, const void *elem, int64_t deadline);
	int (*recv)(void *self, void *elem, int64_t deadline);
	int (*close)(void *self);                                     /* OK, CLOSED */
	size_t (*len)(void *self);
	/* Index of the case performed, or CSP_SELECT_TIMEOUT when the deadline passed first. */
	int (*select)(csp_case *cases, size_t n, int64_t deadline);
	/* Optional, for tests: how many tasks are blocked in direction dir (CSP_SEND, CSP_RECV)
	 * on this channel now and not yet served (a select counts once per case on it). Lets the
	 * suite know a task is blocked without sleeping; without it, the tests that need it are
	 * recorded as absent. SIZE_MAX: this channel cannot tell (the lockfree family's buffered
	 * channels). */
	size_t (*waiting)(void *self, int dir);
} csp_chan_ops;

/* For csp_chan_ops.size: `fixed` bytes plus `per_slot` bytes for each of cap slots, computed
 * without overflow; SIZE_MAX when that exceeds CSP_CHAN_BYTES_MAX. */
static inline size_t csp_chan_state_size(size_t fixed, size_t per_slot, size_t cap)
{
	size_t slots, total;
	if (__builtin_mul_overflow(per_slot, cap, &slots) ||
		__builtin_add_overflow(fixed, slots, &total) || total > CSP_CHAN_BYTES_MAX)
		return SIZE_MAX;
	return total;
}

/* State of a channel, for select(): the `self` its other operations receive. */
void *csp_chan_self(csp_chan *c);
const csp_chan_ops *csp_chan_ops_of(csp_chan *c);

/* Creating objects bound to a known ops table (harnesses iterate the registry with these). */
csp_chan *csp_chan_make_ops(const csp_chan_ops *ops, size_t elem_size, size_t cap);
csp_mutex *csp_mutex_new_ops(const csp_mutex_ops *ops);
csp_rwlock *csp_rwlock_new_ops(const csp_rwlock_ops *ops);
csp_waitgroup *csp_wg_new_ops(const csp_waitgroup_ops *ops);

/* ---- Task runtimes -------------------------------------------------------------------------- */

typedef struct csp_runtime_ops {
	const char *name;   /* "threads", "coro" */
	const char *family; /* the implementation family whose tasks it runs */
	/* Start fn(arg) as a task. Must work from a task of this runtime and from any OS thread
	 * outside it. Returns 0 or an errno value. */
	int (*spawn)(csp_task_fn fn, void *arg);
	void (*yield)(void);
	void (*sleep)(csp_duration d);
	/* Optional, for test harnesses; NULL if the runtime has no such knob. */
	/* The environment variable that sets how many OS threads run its tasks, read when the
	 * runtime starts: the conformance suite runs its tests again with 1 (and some with 4). */
	const char *workers_env;
	/* Make the runtime deterministic; called before its first task. Every task then runs on
	 * one OS thread, and each scheduling decision comes from a generator seeded with `seed`,
	 * so a seed replays one interleaving; pct_depth > 0 asks for PCT schedules of that depth
	 * (a bug of depth d found with a known probability per schedule) instead of random walks.
	 * Returns 0 or an errno value. The stress suite explores schedules with it. */
	int (*deterministic)(uint64_t seed, int pct_depth);
} csp_runtime_ops;

/* The runtime tasks of `family` run on: the one registered for it, or OS threads. */
const csp_runtime_ops *csp_runtime_for(const char *family);
/* The runtime of the calling task (OS threads outside any runtime). */
const csp_runtime_ops *csp_runtime_current(void);
/* Runtimes call this at the start of each task they run, on the thread that runs it. */
void csp_runtime_set_current(const csp_runtime_ops *rt);

/* ---- Registry ------------------------------------------------------------------------------- */

void csp_register(enum csp_prim prim, const void *ops);
void csp_register_runtime(const csp_runtime_ops *rt);

#define CSP__PRIM_chan CSP_PRIM_CHAN
#define CSP__PRIM_mutex CSP_PRIM_MUTEX
#define CSP__PRIM_rwlock CSP_PRIM_RWLOCK
#define CSP__PRIM_waitgroup CSP_PRIM_WAITGROUP

/* The registration line: CSP_REGISTER(chan|mutex|rwlock|waitgroup, ops_variable). Runs before
 * main(); a malformed table or a duplicate name stops the program with a message. */
#define CSP_REGISTER(prim, ops)                                                                    \
	__attribute__((constructor)) static void csp__register_##prim##_##ops(void)                    \
	{                                                                                              \
		csp_register(CSP__PRIM_##prim, &(ops));                                                    \
	}

#define CSP_REGISTER_RUNTIME(rt)                                                                   \
	__attribute__((constructor)) static void csp__register_runtime_##rt(void)                      \
	{                                                                                              \
		csp_register_runtime(&(rt));                                                               \
	}

typedef struct csp_entry {
	enum csp_prim prim;
	const csp_info *info; /* == the ops table, whose first member it is */
} csp_entry;

/* The registered implementations, sorted by primitive, then family, then name. */
size_t csp_registry_count(void);
const csp_entry *csp_registry_at(size_t i);
/* The ops table of implementation `name` of `prim`, or NULL. */
const void *csp_lookup(enum csp_prim prim, const char *name);

/* ---- Helpers for implementations ------------------------------------------------------------ */

/* Print "fatal error: <msg>" to stderr and abort: Go's unrecoverable runtime errors. */
_Noreturn void csp_fatal(const char *msg);

#define CSP_MSG_UNLOCK_UNLOCKED "sync: unlock of unlocked mutex"
#define CSP_MSG_RUNLOCK_UNLOCKED "sync: RUnlock of unlocked RWMutex"
#define CSP_MSG_RWUNLOCK_UNLOCKED "sync: Unlock of unlocked RWMutex"
#define CSP_MSG_NEGATIVE_WG "sync: negative WaitGroup counter"
#define CSP_MSG_CLOSE_NIL "close of nil channel"

/* A fast per-thread pseudo-random number (not for cryptography); used by select. */
uint32_t csp_fastrand(void);
/* Uniform in [0, n) for n >= 1. */
uint32_t csp_fastrandn(uint32_t n);

/* Number of CPUs this process may run on: its affinity mask, as Go's GOMAXPROCS default
 * (at least 1). */
int csp_ncpu(void);

#ifdef __cplusplus
}
#endif

#endif /* CSPLAB_IMPL_H */
