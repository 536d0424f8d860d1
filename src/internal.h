/*
 * Internals of the csplab core (not installed, not for implementations).
 *
 * Every object is a small header followed by the implementation's state, allocated in one block
 * that starts on a cache line. The header is read-only after creation, but every call reads it:
 * a lock's or a waitgroup's state therefore starts on the next line. On that line, a word two
 * cores fight over was read in shared state for the ops pointer and then had to be taken back
 * for the atomic: two trips of the line per operation instead of one (WaitGroupAddDone 26.8-31.5
 * -> 19.6-23.4 ns, Mutex on futex 35.7 -> 28.2 ns, 2 cores). The price: a Wait on a zero counter
 * touches two lines (0.9 -> 1.2 ns), and each of these objects takes one line more. A channel's
 * header stays on its state's first line: gochan lays out that line for it (gochan_internal.h).
 */
#ifndef CSPLAB_SRC_INTERNAL_H
#define CSPLAB_SRC_INTERNAL_H

#include <csplab/impl.h>
#include <stdalign.h>

#define CSP_CACHE_LINE 64

struct csp_mutex {
	const csp_mutex_ops *ops;
	alignas(CSP_CACHE_LINE) unsigned char state[];
};

struct csp_rwlock {
	const csp_rwlock_ops *ops;
	alignas(CSP_CACHE_LINE) unsigned char state[];
};

struct csp_waitgroup {
	const csp_waitgroup_ops *ops;
	alignas(CSP_CACHE_LINE) unsigned char state[];
};

struct csp_chan {
	const csp_chan_ops *ops;
	size_t elem_size;
	size_t cap;
	alignas(CSP_STATE_ALIGN) unsigned char state[];
};

/* A zeroed block of head + state bytes on a cache-line boundary, or NULL (errno ENOMEM);
 * csp__obj_free gives it back (NULL: nothing). */
void *csp__obj_alloc(size_t head, size_t state);
void csp__obj_free(void *obj);

/* The ops table of `impl` for `prim` (NULL: the default implementation), or NULL with errno
 * EINVAL and a message on stderr naming the unknown implementation. */
const void *csp__resolve(enum csp_prim prim, const char *impl);

/* The OS-thread runtime: tasks of families without a runtime of their own. */
extern const csp_runtime_ops csp__threads_runtime;

#endif /* CSPLAB_SRC_INTERNAL_H */
