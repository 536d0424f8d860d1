/*
 * The sanitizers' view of coroutine switches. ThreadSanitizer and AddressSanitizer track one
 * stack per thread; a coroutine switch changes the stack under them, so each switch is announced:
 *  - TSan: every coroutine is a TSan "fiber" (__tsan_create_fiber); the switch calls
 *    __tsan_switch_to_fiber from an always-inline wrapper (see the NOTES on pitfalls). Normally a
 *    switch carries happens-before, like a lock hand-off, so two coroutines that take turns on one
 *    worker never race in TSan's eyes. In the strict build (CSPLAB_CORO_STRICT) a switch *out of*
 *    a task carries none, so what a task did before it yielded or parked is not passed on through
 *    the scheduler to the next task: races between coroutines stay visible. The switch from the
 *    scheduler into a task still synchronises (the task must see the scheduler's own state), so
 *    the hand-offs that remain are the real ones: a task that readies another (coro_ready) and
 *    the primitives' declared ones (coro_tsan_release/acquire in waiter.c). The scheduler's own
 *    bookkeeping on a task (its switch reason, the "current task" variable) would then look racy,
 *    so in the strict build the scheduler loop runs with TSan ignoring its plain reads and writes
 *    (coro_fiber_strict_scheduler); its atomics and locks still synchronise, and the normal TSan
 *    build checks the scheduler itself.
 *  - ASan: __sanitizer_start_switch_fiber before and __sanitizer_finish_switch_fiber after, with
 *    the target stack's bounds, so ASan's fake stacks and stack checks follow.
 * Without sanitizers everything here compiles to nothing.
 */
#ifndef CSPLAB_IMPLS_CORO_FIBER_H
#define CSPLAB_IMPLS_CORO_FIBER_H

#include <stdbool.h>
#include <stddef.h>

#if defined(CSPLAB_TSAN)
#include <sanitizer/tsan_interface.h>
#endif
#if defined(CSPLAB_ASAN)
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/asan_interface.h>
#endif

#if defined(CSPLAB_TSAN) && defined(CSPLAB_CORO_STRICT)
#define CORO_TSAN_LEAVE_FLAGS __tsan_switch_to_fiber_no_sync
#else
#define CORO_TSAN_LEAVE_FLAGS 0
#endif

static inline void *coro_fiber_create(void)
{
#if defined(CSPLAB_TSAN)
	return __tsan_create_fiber(0);
#else
	return NULL;
#endif
}

static inline void *coro_fiber_current(void)
{
#if defined(CSPLAB_TSAN)
	return __tsan_get_current_fiber();
#else
	return NULL;
#endif
}

static inline void coro_fiber_destroy(void *fiber)
{
#if defined(CSPLAB_TSAN)
	if (fiber)
		__tsan_destroy_fiber(fiber);
#else
	(void)fiber;
#endif
}

static inline void coro_fiber_name(void *fiber, const char *name)
{
#if defined(CSPLAB_TSAN)
	__tsan_set_fiber_name(fiber, name);
#else
	(void)fiber;
	(void)name;
#endif
}

/* Just before the switch. fake_save: where ASan keeps the leaving side's fake stack (NULL when
 * the leaving coroutine is finished for good). leaving_task: the switch goes from a task to its
 * scheduler (no happens-before in the strict build). */
__attribute__((always_inline)) static inline void coro_fiber_before(void *to_fiber,
	void **fake_save, const void *to_bottom, size_t to_size, bool leaving_task)
{
#if defined(CSPLAB_TSAN)
	__tsan_switch_to_fiber(to_fiber, leaving_task ? CORO_TSAN_LEAVE_FLAGS : 0);
#else
	(void)to_fiber;
	(void)leaving_task;
#endif
#if defined(CSPLAB_ASAN)
	__sanitizer_start_switch_fiber(fake_save, to_bottom, to_size);
#else
	(void)fake_save;
	(void)to_bottom;
	(void)to_size;
#endif
}

/* ASan: make [p, p + n) of a coroutine stack addressable again for other use (a dead frame's
 * redzones stay poisoned until a new frame there overwrites them). */
static inline void coro_fiber_unpoison(void *p, size_t n)
{
#if defined(CSPLAB_ASAN)
	__asan_unpoison_memory_region(p, n);
#else
	(void)p;
	(void)n;
#endif
}

/* Just after control came back (or first arrived) on this side. */
__attribute__((always_inline)) static inline void coro_fiber_after(void *fake_saved)
{
#if defined(CSPLAB_ASAN)
	__sanitizer_finish_switch_fiber(fake_saved, NULL, NULL);
#else
	(void)fake_saved;
#endif
}

#if defined(CSPLAB_TSAN) && defined(CSPLAB_CORO_STRICT)
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreWritesBegin(const char *file, int line);
#endif

/* Called once by each worker before its scheduler loop (see above). */
static inline void coro_fiber_strict_scheduler(void)
{
#if defined(CSPLAB_TSAN) && defined(CSPLAB_CORO_STRICT)
	AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
	AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
#endif
}

/* Declared hand-offs for the strict TSan build (no-ops otherwise: switches already sync). */
static inline void coro_tsan_release(const void *addr)
{
#if defined(CSPLAB_TSAN) && defined(CSPLAB_CORO_STRICT)
	__tsan_release((void *)addr);
#else
	(void)addr;
#endif
}

static inline void coro_tsan_acquire(const void *addr)
{
#if defined(CSPLAB_TSAN) && defined(CSPLAB_CORO_STRICT)
	__tsan_acquire((void *)addr);
#else
	(void)addr;
#endif
}

#endif /* CSPLAB_IMPLS_CORO_FIBER_H */
