/* fxlock's slow path (see fxlock.h). */
#include "fxlock.h"

void fxlock_lock_slow(fxlock *l, bool paced)
{
	unsigned pause = paced ? pace_start(&l->pace) : 1, last = 0, n = 0;
	for (unsigned spent = 0; spent < FXLOCK_SPIN; spent += last, n++) {
		/* relaxed: a hint only; fxlock_trylock's CAS does the ordering */
		uint32_t c = atomic_load_explicit(&l->word, memory_order_relaxed);
		if (c == FXLOCK_FREE && fxlock_trylock(l)) {
			if (paced)
				pace_learn(&l->pace, n, last);
			return;
		}
		if (c == FXLOCK_CONTENDED)
			break; /* others already sleep: join them rather than compete */
		for (unsigned i = 0; i < pause; i++)
			cpu_relax();
		last = pause;
		if (paced)
			pause = pace_next(pause);
	}
	/* acquire: as fxlock_trylock. Taking the lock as CONTENDED (not HELD) keeps the other
	 * sleepers wakeable by our unlock. */
	while (atomic_exchange_explicit(&l->word, FXLOCK_CONTENDED, memory_order_acquire) != FXLOCK_FREE)
		futex_wait(&l->word, FXLOCK_CONTENDED, CSP_FOREVER);
}
