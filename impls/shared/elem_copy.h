/*
 * elem_copy: memcpy of a channel element, inlined for the common small sizes. A call to memcpy
 * with a variable size is a good part of a lock-free fast path that is otherwise a few loads and
 * one CAS (impls/lockfree/ring.c), and of the critical section a contended gochan queues on.
 */
#ifndef CSPLAB_IMPLS_SHARED_ELEM_COPY_H
#define CSPLAB_IMPLS_SHARED_ELEM_COPY_H

#include <stddef.h>
#include <string.h>

static inline void elem_copy(void *dst, const void *src, size_t n)
{
	switch (n) {
	case 1: memcpy(dst, src, 1); break;
	case 2: memcpy(dst, src, 2); break;
	case 4: memcpy(dst, src, 4); break;
	case 8: memcpy(dst, src, 8); break;
	case 16: memcpy(dst, src, 16); break;
	default: memcpy(dst, src, n); break;
	}
}

#endif /* CSPLAB_IMPLS_SHARED_ELEM_COPY_H */
