/*
 * The only door to the kernel for csplab's own implementations: futex(2) wait and wake on a 32-bit word.
 *
 * Contract: futex_wait may return spuriously (a signal, a wake meant for an earlier user of the
 * word, the word already changed); callers always re-check their condition. The kernel gives no
 * memory ordering that ThreadSanitizer can see, so every happens-before edge of a futex-based
 * primitive must come from its atomics.
 */
#ifndef CSPLAB_IMPLS_SHARED_FUTEX_H
#define CSPLAB_IMPLS_SHARED_FUTEX_H

#include <csplab/impl.h>
#include <stdatomic.h>
#include <stdint.h>

/*
 * Sleep while *word == expected, until woken or the absolute deadline (csp_now() clock;
 * CSP_FOREVER: none). Returns false only when the deadline has passed; true otherwise (woken,
 * spurious, or the word differed).
 */
bool futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t deadline);

/* Wake up to n tasks sleeping on word (INT32_MAX: all). */
void futex_wake(_Atomic uint32_t *word, int n);

/* A short pause for spin loops (the PAUSE instruction on x86, YIELD on arm64). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

#endif /* CSPLAB_IMPLS_SHARED_FUTEX_H */
