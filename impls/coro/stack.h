/*
 * Coroutine stacks: mmap'd, with a PROT_NONE guard page below so an overflow faults instead of
 * corrupting the neighbour, and pooled for reuse (a spawn then costs no syscall).
 */
#ifndef CSPLAB_IMPLS_CORO_STACK_H
#define CSPLAB_IMPLS_CORO_STACK_H

#include <stddef.h>

struct coro_stack {
	void *base;  /* lowest usable address (just above the guard page) */
	size_t size; /* usable bytes */
};

/* Stack size for new coroutines: CSPLAB_CORO_STACK (bytes, with k/m suffixes) or 256 KiB. */
size_t coro_stack_size(void);

/* A stack of coro_stack_size() bytes, or base == NULL (errno set) when memory is exhausted. */
struct coro_stack coro_stack_get(void);
void coro_stack_put(struct coro_stack s);

#endif /* CSPLAB_IMPLS_CORO_STACK_H */
