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
void gorwmutex_rlock(struct gorwmutex *l, const struct parker_ops *p);
bool gorwmutex_tryrlock(struct gorwmutex *l);
void gorwmutex_runlock(struct gorwmutex *l, const struct parker_ops *p);
void gorwmutex_lock(struct gorwmutex *l, const struct parker_ops *p);
bool gorwmutex_trylock(struct gorwmutex *l, const struct parker_ops *p);
void gorwmutex_unlock(struct gorwmutex *l, const struct parker_ops *p);

#endif /* CSPLAB_IMPLS_SHARED_GORWMUTEX_H */
