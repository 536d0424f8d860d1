/*
 * Internals of the csplab core (not installed, not for implementations).
 *
 * Every object is a small header followed by the implementation's state, allocated in one block
 * that starts on a cache line. The header is read-only after creation, so sharing the state's
 * first line costs nothing: any operation has to fetch that line anyway.
 */
#ifndef CSPLAB_SRC_INTERNAL_H
#define CSPLAB_SRC_INTERNAL_H

#include <csplab/impl.h>
#include <stdalign.h>

#define CSP_CACHE_LINE 64

struct csp_mutex {
	const csp_mutex_ops *ops;
	alignas(CSP_STATE_ALIGN) unsigned char state[];
};

struct csp_rwlock {
	const csp_rwlock_ops *ops;
	alignas(CSP_STATE_ALIGN) unsigned char state[];
};

struct csp_waitgroup {
	const csp_waitgroup_ops *ops;
	alignas(CSP_STATE_ALIGN) unsigned char state[];
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
