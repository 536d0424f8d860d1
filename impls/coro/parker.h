/* The coro family's parker for the shared Go algorithms (impls/shared/parker.h). */
#ifndef CSPLAB_IMPLS_CORO_PARKER_H
#define CSPLAB_IMPLS_CORO_PARKER_H

#include "../shared/parker.h"
#include "waiter.h"

extern const struct parker_ops coro_parker;

#endif /* CSPLAB_IMPLS_CORO_PARKER_H */
