// rwlock/RWLockMix: sync.RWMutex under a mix of readers and writers (bench/c/scenarios/rwlock_mix.c
// on the C side).
package main

import (
	"sync"
	"sync/atomic"
)

func init() {
	register(&scenario{
		prim: "rwlock", name: "RWLockMix", run: rwlockMix,
		sweeps: []sweep{threadCounts, {"write_pct", fixed(0, 1, 10, 50, 100), fixed(10)}},
	})
}

// RWLockMix: one operation is one lock+unlock, a write lock with probability write_pct % (each
// goroutine draws from its own xorshift stream), else a read lock. As on the C side
// (bench/c/scenarios/rwlock_mix.c), the lock guards a word: a writer increments it, a reader
// adds it to its own sum, which is published once at the end; so the figure is mostly the
// lock's own cost under that mix. `threads` goroutines share b.N operations as RunParallel
// does.
func rwlockMix(b *B) {
	threads := int(b.Arg("threads"))
	pct := uint64(b.Arg("write_pct"))
	var rw sync.RWMutex
	var shared int64 // guarded by rw
	var sink atomic.Int64
	parallel(b.N, threads, func(index int, next func() bool) {
		rng := xorshift(0x9E3779B97F4A7C15 * uint64(index+1))
		sum := int64(0)
		for next() {
			if rng.next()%100 < pct {
				rw.Lock()
				shared++
				rw.Unlock()
			} else {
				rw.RLock()
				sum += shared
				rw.RUnlock()
			}
		}
		sink.Add(sum) // read by nobody
	})
}
