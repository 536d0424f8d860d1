/* coro_ctx_make: lay out the first frame of a new context so that the switch "returns" into the
 * trampoline (ctx_*.S), which calls entry(arg). See ctx.h for the frame layouts. */
#include "ctx.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && !defined(CSPLAB_CORO_PORTABLE)

void coro_ctx_trampoline(void);

void coro_ctx_make(struct coro_ctx *ctx, void *stack, size_t size, void (*entry)(void *), void *arg)
{
	/* top is 16-aligned; after `ret` pops the trampoline's address sp == top, so the
	 * trampoline's call sees the ABI's alignment. */
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - 56);
	memset(frame, 0, 56);
	frame[2] = (uint64_t)(uintptr_t)arg;   /* r13 */
	frame[3] = (uint64_t)(uintptr_t)entry; /* r12 */
	frame[6] = (uint64_t)(uintptr_t)coro_ctx_trampoline;
	ctx->sp = frame;
}

#elif defined(__aarch64__) && !defined(CSPLAB_CORO_PORTABLE)

void coro_ctx_trampoline(void);

void coro_ctx_make(struct coro_ctx *ctx, void *stack, size_t size, void (*entry)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - 176);
	memset(frame, 0, 176);
	frame[0] = (uint64_t)(uintptr_t)entry; /* x19 */
	frame[1] = (uint64_t)(uintptr_t)arg;   /* x20 */
	frame[11] = (uint64_t)(uintptr_t)coro_ctx_trampoline; /* x30: where the switch returns */
	ctx->sp = frame;
}

#else /* portable fallback: ucontext */

static void start(unsigned hi_entry, unsigned lo_entry, unsigned hi_arg, unsigned lo_arg)
{
	/* makecontext passes ints only: pointers arrive split in two. */
	void (*entry)(void *) = (void (*)(void *))(((uintptr_t)hi_entry << 16 << 16) | lo_entry);
	void *arg = (void *)(((uintptr_t)hi_arg << 16 << 16) | lo_arg);
	entry(arg);
}

void coro_ctx_make(struct coro_ctx *ctx, void *stack, size_t size, void (*entry)(void *), void *arg)
{
	getcontext(&ctx->uc);
	ctx->uc.uc_stack.ss_sp = stack;
	ctx->uc.uc_stack.ss_size = size;
	ctx->uc.uc_link = NULL;
	uintptr_t e = (uintptr_t)entry, a = (uintptr_t)arg;
	makecontext(&ctx->uc, (void (*)(void))start, 4, (unsigned)(e >> 16 >> 16), (unsigned)e,
		(unsigned)(a >> 16 >> 16), (unsigned)a);
}

void coro_ctx_switch(struct coro_ctx *from, struct coro_ctx *to)
{
	swapcontext(&from->uc, &to->uc);
}

#endif
