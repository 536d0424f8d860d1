/*
 * Coroutine contexts: the machine state a suspended coroutine keeps, and the switch.
 *
 * A context is one word: the saved stack pointer. The switch pushes the callee-saved registers
 * (those the C calling convention says a call preserves) on the running stack, stores the stack
 * pointer in *from, loads to->sp and pops the other side's registers. Everything else was already
 * spilled by the compiler around the call, so nothing more is needed: ~20 instructions.
 *   x86-64 (ctx_x86_64.S):  rbx rbp r12-r15
 *   aarch64 (ctx_aarch64.S): x19-x28 fp lr, d8-d15
 * The floating-point control state (x86-64: MXCSR and the x87 control word; aarch64: FPCR)
 * belongs to the worker thread, not to the coroutine, as in Go: coroutines are assumed to run
 * with the default environment, and one that changes the rounding mode or exception masks must
 * restore them before it blocks, yields or returns. Saving and restoring MXCSR and the control
 * word on x86-64 cost about 4 ns of a ~60 ns channel round trip here (ldmxcsr serialises).
 * Other targets fall back to ucontext (ctx_portable.c): correct but slow — swapcontext makes a
 * signal-mask syscall on every switch.
 */
#ifndef CSPLAB_IMPLS_CORO_CTX_H
#define CSPLAB_IMPLS_CORO_CTX_H

#include <stddef.h>

/* CSPLAB_CORO_PORTABLE forces the ucontext fallback (scripts/test-aarch64.sh tests it). */
#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(CSPLAB_CORO_PORTABLE)
#define CORO_CTX_ASM 1
struct coro_ctx {
	void *sp;
};
#else
#include <ucontext.h>
struct coro_ctx {
	ucontext_t uc;
};
#endif

/* Prepare ctx so that switching to it calls entry(arg) on the given stack. entry never returns. */
void coro_ctx_make(struct coro_ctx *ctx, void *stack, size_t size, void (*entry)(void *), void *arg);

/* Save the running context in *from and resume *to. Returns when someone switches back. */
void coro_ctx_switch(struct coro_ctx *from, struct coro_ctx *to);

#endif /* CSPLAB_IMPLS_CORO_CTX_H */
