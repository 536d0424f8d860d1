/*
 * gorwmutex: Go's sync.RWMutex (sync/rwmutex.go, Go 1.19) over a family's parker: a gomutex for
 * writers, a reader count biased by MAX_READERS while a writer is pending, and two gosemas on
 * which blocked readers and the pending writer sleep. See gorwmutex.c.
 */
#ifndef CSPLAB_IMPLS_SHARED_GORWMUTEX_H
#define CSPLAB_IMPLS_SHARED_GORWMUTEX_H

#include "gomutex.h"

struct gorwmutex {
	struct gomutex w;
	_Atomic int32_t readers;
	_Atomic int32_t departing;
	struct gosema rsem, wsem;
};

/* A zero-filled struct gorwmutex is unlocked. */
bool gorwmutex_tryrlock(struct gorwmutex *l);
void gorwmutex_rlock_slow(struct gorwmutex *l, const struct parker_ops *p);
void gorwmutex_runlock_slow(struct gorwmutex *l, int32_t r, const struct parker_ops *p);

/* The fast paths inline, as Go inlines RLock and RUnlock: one atomic add each; the slow paths
 * (a writer pending or waiting) in gorwmutex.c. */
static inline void gorwmutex_rlock(struct gorwmutex *l, const struct parker_ops *p)
{
	if (atomic_fetch_add(&l->readers, 1) + 1 < 0)
		gorwmutex_rlock_slow(l, p);
}

static inline void gorwmutex_runlock(struct gorwmutex *l, const struct parker_ops *p)
{
	int32_t r = atomic_fetch_sub(&l->readers, 1) - 1;
	if (r < 0)
		gorwmutex_runlock_slow(l, r, p);
}
void gorwmutex_lock(struct gorwmutex *l, const struct parker_ops *p);
bool gorwmutex_trylock(struct gorwmutex *l, const struct parker_ops *p);
void gorwmutex_unlock(struct gorwmutex *l, const struct parker_ops *p);

#endif /* CSPLAB_IMPLS_SHARED_GORWMUTEX_H */
