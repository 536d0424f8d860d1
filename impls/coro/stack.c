/*
 * Coroutine stacks (see stack.h): carved from slabs, kept for reuse, never unmapped one by one.
 *
 * A slab is one mapping of SLAB_STACKS stacks, each with a guard page below it. Per stack, the
 * carve costs two cheap system calls and no fault:
 *  - the guard: MADV_GUARD_INSTALL (Linux 6.13), a guard that does not split the mapping, or,
 *    where the kernel lacks it, mprotect(PROT_NONE), which splits it (two mappings per stack,
 *    as before slabs);
 *  - the top page populated with MADV_POPULATE_WRITE (Linux 5.14): a new coroutine's frames
 *    fit in its top page, and on a virtual machine a first-touch fault costs several times a
 *    populate (measured here: ~12 µs a fault, ~2.6 µs a populate per page).
 * Before slabs a stack was its own mmap and mprotect, a fault on first use, and an munmap at
 * exit beyond the pool: a chain of 10 000 live coroutines spent most of its time in the kernel.
 *
 * Reuse: freed stacks go on LIFO lists, taken in this order. The "whole" list keeps up to
 * POOL_WHOLE stacks with all their memory: a freed stack goes there while it has room, at no
 * cost. Beyond it, up to POOL_MAX in all, a freed stack keeps only its top page resident
 * (MADV_DONTNEED on the rest, one call) on the "hot" list, so a burst of many short coroutines
 * is followed by another without a fault each, as Go keeps dead goroutines' stacks until its
 * next collection. Past POOL_MAX, a freed stack gives all its memory back and waits on the cold
 * list. The whole list is counted on its own, so that after a burst of more than POOL_WHOLE live
 * coroutines a steady churn of fewer still costs no system call (with one list, every free past
 * the burst's POOL_WHOLE-th trimmed a stack: WaitGroupForkJoin at fan-out 1000 after the
 * 10 000-coroutine chain took 4.8 ms a round, 0.35 ms in a fresh process). Address space is
 * never returned: a program keeps the mappings of its peak number of live coroutines
 * (NORESERVE: virtual only). Memory kept for
 * reuse: at most POOL_WHOLE stacks in full plus POOL_MAX pages (64 MiB with 4 KiB pages).
 *
 * The strict TSan build (fiber.h) must not reuse a dead coroutine's stack: without a switch that
 * synchronises, TSan would see the new owner's writes race the old owner's. There a freed stack
 * is unmapped (its part of the slab), so a new one always comes with fresh shadow memory.
 */
#define _GNU_SOURCE
#include "stack.h"

#include "../shared/fxlock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13 */
#endif

#define DEFAULT_STACK (256 * 1024)
#define MIN_STACK (16 * 1024)
#define SLAB_STACKS 32 /* stacks per mapping: 8.3 MB of address space with the default size */
#if defined(CSPLAB_CORO_STRICT)
#define POOL_MAX 0
#else
#define POOL_MAX 16384 /* free stacks kept for reuse with their top page resident */
#endif
#define POOL_WHOLE 1024 /* of which kept whole: their deeper pages too */

static fxlock pool_lock; /* guards everything below */
static struct coro_stack *whole; /* grows as needed, up to POOL_WHOLE entries */
static size_t whole_len, whole_cap;
static struct coro_stack *hot; /* grows as needed, up to POOL_MAX - POOL_WHOLE entries */
static const size_t pool_max = POOL_MAX; /* a variable: POOL_MAX may be 0 (type-limits) */
static size_t hot_len, hot_cap;
static struct coro_stack *cold; /* grows as needed; NULL until a stack is first released */
static size_t cold_len, cold_cap;
static char *slab_next; /* the next stack's guard page in the current slab */
static size_t slab_left; /* stacks not yet carved from it */
static bool no_guard_madvise; /* MADV_GUARD_INSTALL failed once: use mprotect */

static size_t page_size(void)
{
	static _Atomic size_t cached; /* relaxed: every thread computes the same value */
	size_t page = atomic_load_explicit(&cached, memory_order_relaxed);
	if (!page) {
		long p = sysconf(_SC_PAGESIZE);
		page = p > 0 ? (size_t)p : 4096;
		atomic_store_explicit(&cached, page, memory_order_relaxed);
	}
	return page;
}

size_t coro_stack_size(void)
{
	static _Atomic size_t cached; /* relaxed: every thread computes the same value */
	size_t size = atomic_load_explicit(&cached, memory_order_relaxed);
	if (size)
		return size;
	size = DEFAULT_STACK;
	const char *env = getenv("CSPLAB_CORO_STACK");
	if (env && *env) {
		char *end;
		unsigned long long v = strtoull(env, &end, 10);
		if (*end == 'k' || *end == 'K')
			v <<= 10;
		else if (*end == 'm' || *end == 'M')
			v <<= 20;
		if (v >= MIN_STACK)
			size = (size_t)v;
	}
	size_t page = page_size();
	size = (size + page - 1) & ~(page - 1);
	atomic_store_explicit(&cached, size, memory_order_relaxed);
	return size;
}

/* Resident top page: the frames a new coroutine starts with, without a fault. Best effort: a
 * kernel without MADV_POPULATE_WRITE leaves it to the first touch. */
static void populate_top(struct coro_stack s)
{
	size_t page = page_size();
	(void)madvise((char *)s.base + s.size - page, page, MADV_POPULATE_WRITE);
}

/* Carve the next stack of the current slab, mapping a new slab when it is used up. Called with
 * pool_lock held; base == NULL and errno set when out of memory. */
static struct coro_stack carve(void)
{
	size_t size = coro_stack_size(), guard = page_size(), step = size + guard;
	if (slab_left == 0) {
		void *p = mmap(NULL, step * SLAB_STACKS, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
		if (p == MAP_FAILED)
			return (struct coro_stack){ NULL, 0 };
		slab_next = p;
		slab_left = SLAB_STACKS;
	}
	if (no_guard_madvise || madvise(slab_next, guard, MADV_GUARD_INSTALL) != 0) {
		no_guard_madvise = true;
		if (mprotect(slab_next, guard, PROT_NONE) != 0)
			return (struct coro_stack){ NULL, 0 }; /* ENOMEM: too many mappings */
	}
	struct coro_stack s = { slab_next + guard, size };
	slab_next += step;
	slab_left--;
	return s;
}

struct coro_stack coro_stack_get(void)
{
	fxlock_lock(&pool_lock);
	if (whole_len > 0 || hot_len > 0) {
		struct coro_stack s = whole_len > 0 ? whole[--whole_len] : hot[--hot_len];
		fxlock_unlock(&pool_lock);
		return s;
	}
	struct coro_stack s = cold_len > 0 ? cold[--cold_len] : carve();
	int e = errno;
	fxlock_unlock(&pool_lock);
	if (s.base)
		populate_top(s);
	else
		errno = e;
	return s;
}

/* Push s on a list (hot or cold), growing it; false if out of memory. pool_lock held. */
static bool push(struct coro_stack **list, size_t *len, size_t *cap, struct coro_stack s)
{
	if (*len == *cap) {
		size_t n = *cap ? 2 * *cap : 1024;
		struct coro_stack *l = realloc(*list, n * sizeof *l);
		if (!l)
			return false;
		*list = l;
		*cap = n;
	}
	(*list)[(*len)++] = s;
	return true;
}

void coro_stack_put(struct coro_stack s)
{
	size_t page = page_size();
	if (pool_max == 0) { /* the strict build: never reused */
		munmap((char *)s.base - page, s.size + page);
		return;
	}
	const size_t hot_max = pool_max - POOL_WHOLE;
	fxlock_lock(&pool_lock);
	if (whole_len < POOL_WHOLE && push(&whole, &whole_len, &whole_cap, s)) {
		fxlock_unlock(&pool_lock);
		return;
	}
	size_t n = hot_len;
	fxlock_unlock(&pool_lock);
	/* Before it is on a list: once there, another thread may take it and use it. (n is a hint:
	 * a stack given back more than needed costs a populate on its reuse, nothing else.) */
	(void)madvise(s.base, n >= hot_max ? s.size : s.size - page, MADV_DONTNEED);
	fxlock_lock(&pool_lock);
	bool kept = n < hot_max && hot_len < hot_max ? push(&hot, &hot_len, &hot_cap, s)
						     : push(&cold, &cold_len, &cold_cap, s);
	fxlock_unlock(&pool_lock);
	(void)kept; /* out of memory for the list: the stack is leaked rather than an exit failed */
}
