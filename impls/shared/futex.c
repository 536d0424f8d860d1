/*
 * futex(2) wrapper: FUTEX_WAIT_BITSET with an absolute CLOCK_MONOTONIC deadline (the csp_now()
 * clock, so no conversion from relative time and no drift across retries), FUTEX_WAKE, both
 * process-private. EINTR and EAGAIN are returned to the caller as "re-check", ETIMEDOUT as the
 * deadline passing.
 */
#define _GNU_SOURCE
#include "futex.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

bool futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t deadline)
{
	struct timespec ts, *tp = NULL;
	if (deadline != CSP_FOREVER) {
		if (csp_now() >= deadline)
			return false;
		ts.tv_sec = deadline / CSP_SECOND;
		ts.tv_nsec = deadline % CSP_SECOND;
		tp = &ts;
	}
	long rc = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG,
		expected, tp, NULL, FUTEX_BITSET_MATCH_ANY);
	return !(rc == -1 && errno == ETIMEDOUT);
}

void futex_wake(_Atomic uint32_t *word, int n)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, NULL, NULL, 0);
}
