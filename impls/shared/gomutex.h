/*
 * gomutex: Go's sync.Mutex (sync/mutex.go, Go 1.19) — normal and starvation modes — over a
 * family's parker (parker.h). See gomutex.c for the state word and the algorithm.
 */
#ifndef CSPLAB_IMPLS_SHARED_GOMUTEX_H
#define CSPLAB_IMPLS_SHARED_GOMUTEX_H

#include "gosema.h"

struct gomutex {
	_Atomic int32_t state;
	struct gosema sema;
};

/* A zero-filled struct gomutex is unlocked. */
void gomutex_lock_slow(struct gomutex *m, const struct parker_ops *p);
void gomutex_unlock_slow(struct gomutex *m, int32_t new_state, const struct parker_ops *p);
bool gomutex_trylock(struct gomutex *m);

static inline void gomutex_lock(struct gomutex *m, const struct parker_ops *p)
{
	int32_t unlocked = 0;
	/* seq_cst, as every access to the state word (Go's atomics are sequentially consistent) */
	if (!atomic_compare_exchange_strong(&m->state, &unlocked, 1))
		gomutex_lock_slow(m, p);
}

static inline void gomutex_unlock(struct gomutex *m, const struct parker_ops *p)
{
	int32_t new_state = atomic_fetch_sub(&m->state, 1) - 1;
	if (new_state != 0)
		gomutex_unlock_slow(m, new_state, p);
}

#endif /* CSPLAB_IMPLS_SHARED_GOMUTEX_H */
