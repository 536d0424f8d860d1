/* fxlock's slow path (see fxlock.h). */
#include "fxlock.h"

void fxlock_lock_slow(fxlock *l)
{
	for (int i = 0; i < FXLOCK_SPIN; i++) {
		/* relaxed: a hint only; fxlock_trylock's CAS does the ordering */
		uint32_t c = atomic_load_explicit(&l->word, memory_order_relaxed);
		if (c == FXLOCK_FREE && fxlock_trylock(l))
			return;
		if (c == FXLOCK_CONTENDED)
			break; /* others already sleep: join them rather than compete */
		cpu_relax();
	}
	/* acquire: as fxlock_trylock. Taking the lock as CONTENDED (not HELD) keeps the other
	 * sleepers wakeable by our unlock. */
	while (atomic_exchange_explicit(&l->word, FXLOCK_CONTENDED, memory_order_acquire) != FXLOCK_FREE)
		futex_wait(&l->word, FXLOCK_CONTENDED, CSP_FOREVER);
}
