/*
 * Helpers shared by the RW lock conformance tests (test_rwlock*.c): scripts of lock operations.
 *
 * Many tests drive the lock with short scripts of operations, one letter each:
 *   R rlock   r runlock   t tryrlock
 *   L lock    U unlock    T trylock
 * A failed try ends the script (what follows is the matching unlock).
 */
#ifndef CSPLAB_TESTS_RWLOCK_UTIL_H
#define CSPLAB_TESTS_RWLOCK_UTIL_H

#include "harness.h"

/* Apply one script operation; false only for a try that failed. */
static inline bool rw_apply(csp_rwlock *l, char op)
{
	switch (op) {
	case 'R': csp_rwlock_rlock(l); return true;
	case 'r': csp_rwlock_runlock(l); return true;
	case 't': return csp_rwlock_tryrlock(l);
	case 'L': csp_rwlock_lock(l); return true;
	case 'U': csp_rwlock_unlock(l); return true;
	case 'T': return csp_rwlock_trylock(l);
	default: return false;
	}
}

#endif /* CSPLAB_TESTS_RWLOCK_UTIL_H */
