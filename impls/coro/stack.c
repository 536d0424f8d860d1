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
 * Reuse: freed stacks go on LIFO lists, taken in this order. The "whole" list keeps them with
 * all their memory, at no cost, up to POOL_MAX stacks kept in all: a burst of many live
 * coroutines followed by another (a chain of 10 000, a fan-out) costs no system call per stack
 * once the first burst has carved them. Memory is given back the way Go's scavenger and
 * jemalloc's decay give it back: by age. The fewest stacks the whole list held during an epoch
 * of DECAY_NS is the number that epoch never needed; at the epoch's end, those beyond
 * POOL_WHOLE (the oldest: the bottom of the LIFO list) keep only their top page resident
 * (MADV_DONTNEED on the rest, a call each, made outside the lock) and move to the "hot" list.
 * A program's burst therefore holds its memory for one to two epochs after it ends, no longer.
 * (Before: only POOL_WHOLE stacks were kept whole and every free beyond them paid its
 * MADV_DONTNEED at once; the 10 000-coroutine chain spent a third of its time in the kernel.)
 * Past POOL_MAX kept, a freed stack gives all its memory back and waits on the cold list.
 * Address space is never returned: a program keeps the mappings of its peak number of live
 * coroutines (NORESERVE: virtual only).
 *
 * The strict TSan build (fiber.h) must not reuse a dead coroutine's stack: without a switch that
 * synchronises, TSan would see the new owner's writes race the old owner's. There a freed stack
 * is unmapped (its part of the slab), so a new one always comes with fresh shadow memory.
 */
#define _GNU_SOURCE
#include "stack.h"

#include "../shared/fxlock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif
#ifndef PIDFD_SELF_THREAD_GROUP
#define PIDFD_SELF_THREAD_GROUP (-10001) /* Linux 6.15 */
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
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
#define POOL_WHOLE 1024 /* kept whole however long they go unused */
#define DECAY_NS 1000000000 /* the epoch: kept stacks beyond POOL_WHOLE unused for one are trimmed */

static fxlock pool_lock; /* guards everything below */
static struct coro_stack *whole; /* grows as needed; with hot, at most POOL_MAX entries */
static size_t whole_len, whole_cap;
static size_t whole_low; /* the fewest entries whole has held since the epoch began */
static int64_t epoch_end; /* CLOCK_MONOTONIC_COARSE, ns */
static struct coro_stack *hot;
static const size_t pool_max = POOL_MAX; /* a variable: POOL_MAX may be 0 (type-limits) */
static size_t hot_len, hot_cap;
static struct coro_stack *cold; /* grows as needed; NULL until a stack is first released */
static size_t cold_len, cold_cap;

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

/* Apply advice to n ranges of len bytes, at first, first + step, ...: one process_madvise(2)
 * where the kernel takes it (any advice for the calling process since Linux 6.13, which
 * PIDFD_SELF_THREAD_GROUP names since 6.15), else a madvise each. false if a range failed. */
static bool advise_strided(char *first, size_t step, size_t n, size_t len, int advice)
{
	static _Atomic bool no_batch; /* relaxed: a hint; either way the advice is applied */
	if (!atomic_load_explicit(&no_batch, memory_order_relaxed)) {
		struct iovec v[SLAB_STACKS];
		for (size_t i = 0; i < n; i++)
			v[i] = (struct iovec){ first + i * step, len };
		long done = syscall(SYS_process_madvise, PIDFD_SELF_THREAD_GROUP, v, n, advice, 0);
		if (done == (long)(n * len))
			return true;
		atomic_store_explicit(&no_batch, true, memory_order_relaxed);
	}
	for (size_t i = 0; i < n; i++)
		if (madvise(first + i * step, len, advice) != 0)
			return false;
	return true;
}

/* A new slab of SLAB_STACKS stacks, each with its guard installed and its top page resident,
 * in three system calls where the kernel allows (mmap, then one advice over all the guards and
 * one over all the top pages), outside pool_lock: two threads' first bursts do not wait on each
 * other's system calls (with a call per stack under the lock, the first chain of 10 000
 * coroutines on two workers slept on it thousands of times). Returns the first stack and puts
 * the rest on the hot list, whose stacks are in just this state; base == NULL and errno set
 * when out of memory. */
static struct coro_stack new_slab(void)
{
	static _Atomic bool no_guard_madvise; /* relaxed: a hint; either way a guard is installed */
	size_t size = coro_stack_size(), page = page_size(), step = size + page;
	char *p = mmap(NULL, step * SLAB_STACKS, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return (struct coro_stack){ NULL, 0 };
	size_t n = SLAB_STACKS;
	if (atomic_load_explicit(&no_guard_madvise, memory_order_relaxed) ||
		!advise_strided(p, step, n, page, MADV_GUARD_INSTALL)) {
		atomic_store_explicit(&no_guard_madvise, true, memory_order_relaxed);
		for (n = 0; n < SLAB_STACKS && mprotect(p + n * step, page, PROT_NONE) == 0; n++)
			; /* each splits the mapping: ENOMEM at the limit of mappings */
		if (n < SLAB_STACKS)
			munmap(p + n * step, (SLAB_STACKS - n) * step);
		if (n == 0) {
			errno = ENOMEM;
			return (struct coro_stack){ NULL, 0 };
		}
	}
	/* Best effort: a kernel without MADV_POPULATE_WRITE leaves it to the first touch. */
	(void)advise_strided(p + step - page, step, n, page, MADV_POPULATE_WRITE);
	fxlock_lock(&pool_lock);
	for (size_t i = 1; i < n; i++)
		if (!push(&hot, &hot_len, &hot_cap, (struct coro_stack){ p + i * step + page, size }))
			break; /* out of memory for the list: the rest are leaked, not reused */
	fxlock_unlock(&pool_lock);
	return (struct coro_stack){ p + page, size };
}

struct coro_stack coro_stack_get(void)
{
	fxlock_lock(&pool_lock);
	if (whole_len > 0 || hot_len > 0) {
		struct coro_stack s = whole_len > 0 ? whole[--whole_len] : hot[--hot_len];
		if (whole_len < whole_low)
			whole_low = whole_len;
		fxlock_unlock(&pool_lock);
		return s;
	}
	if (cold_len == 0) {
		fxlock_unlock(&pool_lock);
		return new_slab();
	}
	struct coro_stack s = cold[--cold_len];
	fxlock_unlock(&pool_lock);
	/* Its memory was all given back: the top page again, best effort. */
	(void)madvise((char *)s.base + s.size - page_size(), page_size(), MADV_POPULATE_WRITE);
	return s;
}

static int64_t coarse_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* At an epoch's end, trim the whole stacks it never needed beyond POOL_WHOLE: the bottom of the
 * list, oldest first. Entered with pool_lock held; returns with it released. */
static void decay(int64_t now)
{
	size_t n = whole_low > POOL_WHOLE ? whole_low - POOL_WHOLE : 0;
	struct coro_stack *old = n ? malloc(n * sizeof *old) : NULL;
	if (old) {
		memcpy(old, whole, n * sizeof *old);
		memmove(whole, whole + n, (whole_len - n) * sizeof *whole);
		whole_len -= n;
	} else {
		n = 0; /* nothing to trim, or no memory to do it with: next epoch */
	}
	whole_low = whole_len;
	epoch_end = now + DECAY_NS;
	fxlock_unlock(&pool_lock);
	if (!n)
		return;
	size_t page = page_size();
	for (size_t i = 0; i < n; i++) /* before they are on a list: then others may take them */
		(void)madvise(old[i].base, old[i].size - page, MADV_DONTNEED);
	fxlock_lock(&pool_lock);
	for (size_t i = 0; i < n; i++)
		if (!push(&hot, &hot_len, &hot_cap, old[i]))
			break; /* out of memory for the list: the rest are leaked, not reused */
	fxlock_unlock(&pool_lock);
	free(old);
}

void coro_stack_put(struct coro_stack s)
{
	size_t page = page_size();
	if (pool_max == 0) { /* the strict build: never reused */
		munmap((char *)s.base - page, s.size + page);
		return;
	}
	int64_t now = coarse_now();
	fxlock_lock(&pool_lock);
	bool kept = whole_len + hot_len < pool_max && push(&whole, &whole_len, &whole_cap, s);
	if (now >= epoch_end) {
		decay(now); /* releases pool_lock */
	} else {
		fxlock_unlock(&pool_lock);
	}
	if (kept)
		return;
	/* Past POOL_MAX: all its memory back before it is on the cold list, where another thread
	 * may take it. */
	(void)madvise(s.base, s.size, MADV_DONTNEED);
	fxlock_lock(&pool_lock);
	kept = push(&cold, &cold_len, &cold_cap, s);
	fxlock_unlock(&pool_lock);
	(void)kept; /* out of memory for the list: the stack is leaked rather than an exit failed */
}
