// chan/Yield: the cost of a yield that switches goroutines (bench/c/scenarios/yield.c on the C side
// has the rationale): four goroutines per core call runtime.Gosched until b.N yields are done in
// all. Read the CPU ns/op column: CPU time per yield.
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
)

func init() {
	register(&scenario{prim: "chan", name: "Yield", run: yieldRun})
}

const (
	yieldBatch        = 64 // yields per claim on the shared counter
	yieldTasksPerCore = 4
)

func yieldRun(b *B) {
	batches := (b.N + yieldBatch - 1) / yieldBatch
	var wg sync.WaitGroup
	for i := 0; i < yieldTasksPerCore*b.NCPU; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for atomic.AddInt64(&batches, -1) >= 0 {
				for j := 0; j < yieldBatch; j++ {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
}
