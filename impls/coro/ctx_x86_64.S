/*
 * Context switch for x86-64 System V (see ctx.h). Frame of a suspended context, from its saved sp:
 *   +0 MXCSR (4 bytes), x87 control word (2 bytes)   +8 r15  +16 r14  +24 r13  +32 r12
 *   +40 rbx  +48 rbp  +56 return address
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
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
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
