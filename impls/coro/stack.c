/* Coroutine stacks (see stack.h). The pool is a lock-protected free list of at most POOL_MAX
 * stacks; beyond that, freed stacks are unmapped. */
#define _GNU_SOURCE
#include "stack.h"

#include "../shared/fxlock.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEFAULT_STACK (256 * 1024)
#define MIN_STACK (16 * 1024)
#if defined(CSPLAB_CORO_STRICT)
/* The strict TSan build (fiber.h) must not reuse a dead coroutine's stack: without a switch that
 * synchronises, TSan would see the new owner's writes race the old owner's. Fresh mappings come
 * with fresh shadow memory. */
#define POOL_MAX 0
#else
#define POOL_MAX 1024
#endif

static fxlock pool_lock;
static struct coro_stack pool[POOL_MAX > 0 ? POOL_MAX : 1];
static const size_t pool_max = POOL_MAX;
static size_t pool_len;

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
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

struct coro_stack coro_stack_get(void)
{
	fxlock_lock(&pool_lock);
	if (pool_len > 0) {
		struct coro_stack s = pool[--pool_len];
		fxlock_unlock(&pool_lock);
		return s;
	}
	fxlock_unlock(&pool_lock);

	size_t size = coro_stack_size(), guard = page_size();
	void *p = mmap(NULL, size + guard, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return (struct coro_stack){ NULL, 0 };
	if (mprotect(p, guard, PROT_NONE) != 0) {
		int e = errno;
		munmap(p, size + guard);
		errno = e;
		return (struct coro_stack){ NULL, 0 };
	}
	return (struct coro_stack){ (char *)p + guard, size };
}

void coro_stack_put(struct coro_stack s)
{
	fxlock_lock(&pool_lock);
	if (pool_len < pool_max && s.size == coro_stack_size()) {
		pool[pool_len++] = s;
		fxlock_unlock(&pool_lock);
		return;
	}
	fxlock_unlock(&pool_lock);
	size_t guard = page_size();
	munmap((char *)s.base - guard, s.size + guard);
}
