// calib/LocalWork, calib/LocalWorkLive, calib/LocalWorkParallel: Go's 100-step local work loop
// alone (bench/c/scenarios/calib.c on the C side; docs/benchmarks.md, "Calibration"). The loops are
// written as Go's sync tests write them, so this compiler makes of them what it makes of those:
//
//   - LocalWork: foo is never read afterwards (`_ = foo`, as in benchmarkMutex and
//     benchmarkWaitGroupAddDone/Wait), so the arithmetic is dead and only the counting loop is
//     left (INCQ; CMPQ $0x64; JL).
//   - LocalWorkLive: foo is read afterwards (as in benchmarkRWMutex and benchmarkChanProdCons),
//     so each step keeps foo *= 2; foo /= 2 (SHLQ; SHRQ; LEAQ; SARQ).
//   - LocalWorkParallel: LocalWork's loop under a RunParallel of NCPU goroutines (GOMAXPROCS).
//
// `go tool objdump -s 'main\.calib' csplab-gobench` shows the loops.
package main

import (
	"sync"
	"sync/atomic"
)

const goWorkSteps = 100 // the loop count in Go's sync tests

func init() {
	register(&scenario{prim: "calib", name: "LocalWork", run: calibLocalWork})
	register(&scenario{prim: "calib", name: "LocalWorkLive", run: calibLocalWorkLive})
	register(&scenario{prim: "calib", name: "LocalWorkParallel", run: calibLocalWorkParallel})
}

func calibLocalWork(b *B) {
	foo := 0
	for i := int64(0); i < b.N; i++ {
		for j := 0; j < goWorkSteps; j++ {
			foo *= 2
			foo /= 2
		}
	}
	_ = foo
}

func calibLocalWorkLive(b *B) {
	foo := 0
	for i := int64(0); i < b.N; i++ {
		for j := 0; j < goWorkSteps; j++ {
			foo *= 2
			foo /= 2
		}
	}
	if foo != 0 {
		b.Errorf("the work loop changed its value (%d)", foo)
	}
}

// calibPB hands out iterations as Go 1.19's testing.PB does: batches of grain from one shared
// counter, and a Next small enough to be inlined into the loop, so the row costs what
// b.RunParallel's loop costs. (util.go's parallel calls a closure per iteration instead.) The
// grain is the C harness's, b_run_parallel's: n / (goroutines·64), within [1, 10000].
type calibPB struct {
	globalN *atomic.Int64 // iterations handed out so far
	grain   int64
	cache   int64 // iterations of this goroutine's batch not yet done
	bN      int64
}

func (pb *calibPB) Next() bool {
	if pb.cache == 0 {
		n := pb.globalN.Add(pb.grain)
		if n <= pb.bN {
			pb.cache = pb.grain
		} else if n < pb.bN+pb.grain {
			pb.cache = pb.bN + pb.grain - n
		} else {
			return false
		}
	}
	pb.cache--
	return true
}

func calibLocalWorkParallel(b *B) {
	procs := b.NCPU
	grain := b.N / (int64(procs) * 64)
	if grain < 1 {
		grain = 1
	} else if grain > 10000 {
		grain = 10000
	}
	var handed atomic.Int64
	var wg sync.WaitGroup
	wg.Add(procs)
	for p := 0; p < procs; p++ {
		go func() {
			defer wg.Done()
			pb := calibPB{globalN: &handed, grain: grain, bN: b.N}
			foo := 0
			for pb.Next() {
				for j := 0; j < goWorkSteps; j++ {
					foo *= 2
					foo /= 2
				}
			}
			_ = foo
		}()
	}
	wg.Wait()
}
