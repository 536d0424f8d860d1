/*
 * Context switch for x86-64 System V (see ctx.h). Frame of a suspended context, from its saved sp:
 *   +0 r15  +8 r14  +16 r13  +24 r12  +32 rbx  +40 rbp  +48 return address
 * The floating-point control state (MXCSR, x87 control word) is not switched: ctx.h says why.
 */
#if defined(__x86_64__) && !defined(CSPLAB_CORO_PORTABLE)
	.text
	.globl	coro_ctx_switch
	.type	coro_ctx_switch, @function
coro_ctx_switch:			/* rdi = from, rsi = to */
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	coro_ctx_switch, .-coro_ctx_switch

/* First code of a new context: the entry function and its argument wait in r12 and r13. */
	.globl	coro_ctx_trampoline
	.type	coro_ctx_trampoline, @function
coro_ctx_trampoline:
	.cfi_startproc
	.cfi_undefined rip		/* the outermost frame: unwinders stop here */
	movq	%r13, %rdi
	callq	*%r12
	ud2				/* entry must never return */
	.cfi_endproc
	.size	coro_ctx_trampoline, .-coro_ctx_trampoline
#endif
	.section .note.GNU-stack,"",@progbits
