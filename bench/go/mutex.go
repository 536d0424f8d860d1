// mutex/MutexThroughput: sync.Mutex's throughput and fairness over thread counts and critical
// sections of set length (bench/c/scenarios/mutex_matrix.c on the C side).
package main

import "sync"

func init() {
	register(&scenario{
		prim: "mutex", name: "MutexThroughput", run: mutexThroughput,
		sweeps: []sweep{threadCounts, {"cs_ns", fixed(0, 50, 200, 2000), fixed(200)}},
	})
}

// MutexThroughput: one operation is lock, ~cs_ns of local work, unlock, then 100 ns of local
// work outside. `threads` goroutines compete until b.N operations are done; the count of
// operations left lives under the mutex, so each goroutine's share is exactly what it won.
// As on the C side, all goroutines wait at a gate until every one has started, and the timer
// starts when the gate opens.
//
// Counters: jain, Jain's fairness index (Σx)²/(n·Σx²) of the per-goroutine acquisitions (1: all
// equal; 1/n: one goroutine had them all), and minmax, the largest over the smallest (a
// goroutine with none counts as 1).
func mutexThroughput(b *B) {
	threads := int(b.Arg("threads"))
	cs, outside := unitsFor(b.Arg("cs_ns")), unitsFor(100)
	var mu sync.Mutex
	left := b.N // guarded by mu
	won := make([]paddedInt, threads)
	var wg, started sync.WaitGroup
	gate := make(chan struct{})
	wg.Add(threads)
	started.Add(threads)
	for i := range won {
		go func(me *paddedInt) {
			defer wg.Done()
			started.Done()
			<-gate
			v := int64(1)
			for {
				mu.Lock()
				if left == 0 {
					mu.Unlock()
					return
				}
				left--
				v = workLoop(cs, v)
				mu.Unlock()
				me.v++
				v = workLoop(outside, v)
			}
		}(&won[i])
	}
	started.Wait()
	b.ResetTimer()
	close(gate)
	wg.Wait()
	b.StopTimer()

	sum, sumSq := 0.0, 0.0
	lo, hi := won[0].v, won[0].v
	for _, w := range won {
		x := float64(w.v)
		sum += x
		sumSq += x * x
		if w.v < lo {
			lo = w.v
		}
		if w.v > hi {
			hi = w.v
		}
	}
	if lo < 1 {
		lo = 1
	}
	b.Counter("jain", sum*sum/(float64(threads)*sumSq), counterPlain)
	b.Counter("minmax", float64(hi)/float64(lo), counterPlain)
}
