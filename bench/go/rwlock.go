// rwlock/RWLockMix: sync.RWMutex under a mix of readers and writers (bench/c/scenarios/rwlock_mix.c
// on the C side).
package main

import "sync"

func init() {
	register(&scenario{
		prim: "rwlock", name: "RWLockMix", run: rwlockMix,
		sweeps: []sweep{threadCounts, {"write_pct", fixed(0, 1, 10, 50, 100), fixed(10)}},
	})
}

// RWLockMix: one operation is one lock+unlock, a write lock with probability write_pct % (each
// goroutine draws from its own xorshift stream), else a read lock; nothing is done while holding
// it, so the figure is the lock's own cost under that mix. `threads` goroutines share b.N
// operations as RunParallel does.
func rwlockMix(b *B) {
	threads := int(b.Arg("threads"))
	pct := uint64(b.Arg("write_pct"))
	var rw sync.RWMutex
	parallel(b.N, threads, func(index int, next func() bool) {
		rng := xorshift(0x9E3779B97F4A7C15 * uint64(index+1))
		for next() {
			if rng.next()%100 < pct {
				rw.Lock() // empty sections on purpose: the lock's own cost
				rw.Unlock()
			} else {
				rw.RLock()
				rw.RUnlock()
			}
		}
	})
}
