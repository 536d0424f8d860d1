// mutex/MutexHandoff: how long sync.Mutex takes to pass from the goroutine that unlocks it to
// one already waiting for it. The protocol is bench/c/scenarios/mutex_latency.c's, so the samples
// mean the same thing on both sides:
//
//  1. A goroutine notes when it starts waiting (waitingSince[me] = now), then locks.
//  2. Holding the lock, it reads `owner` and puts itself there: if the previous holder was
//     another goroutine, the sample is now minus that holder's clock reading just before its
//     Unlock.
//  3. It keeps the lock until another goroutine has been waiting for graceNs: Go's Lock spins
//     only briefly, so by then the waiter has parked and the sample is the cost of waking it.
//     Then it notes the time and unlocks.
//  4. It steps back: it does not lock again until another goroutine holds the lock, so the
//     releaser never barges back in.
//
// One operation is one hand-off; counters p50_ns, p99_ns, p999_ns, and every sample in a
// histogram (hist_<bucket> counters, hist.go). The time per operation
// includes the grace period and says little; the percentiles are the result. Every wait on
// another goroutine gives up after giveUpNs, and a run with no hand-off for stallNs fails.
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
)

const (
	graceNs  = 20_000
	giveUpNs = 10_000_000
	stallNs  = 5_000_000_000
)

func init() {
	register(&scenario{
		prim: "mutex", name: "MutexHandoff", run: mutexHandoff,
		sweeps: []sweep{{
			name:   "threads",
			values: func(ncpu int) []int64 { return uniq([]int64{2, 2 * int64(ncpu)}) },
			smoke:  fixed(2),
		}},
	})
}

type paddedAtomic struct {
	v atomic.Int64
	_ [120]byte
}

type handoff struct {
	mu sync.Mutex
	n  int64
	// Guarded by mu.
	tUnlock int64 // the last holder's nanotime just before its Unlock
	samples []float64
	// Read outside mu.
	owner        atomic.Int32 // index of the last holder, -1 before the first
	stop         atomic.Bool
	stalled      atomic.Bool
	lastSample   atomic.Int64 // nanotime of the last sample (or of the start)
	waitingSince []paddedAtomic
}

// mayRelease is step 3: another goroutine has waited graceNs, or waiting became pointless.
func (h *handoff) mayRelease(me int, heldSince int64) bool {
	now := nanotime()
	if h.stop.Load() || now-heldSince > giveUpNs {
		return true
	}
	for j := range h.waitingSince {
		since := h.waitingSince[j].v.Load()
		if j != me && since != 0 && now-since >= graceNs {
			return true
		}
	}
	return false
}

func (h *handoff) task(me int) {
	for !h.stop.Load() {
		if nanotime()-h.lastSample.Load() > stallNs {
			h.stalled.Store(true)
			h.stop.Store(true)
			return
		}
		h.waitingSince[me].v.Store(nanotime())
		h.mu.Lock()
		now := nanotime()
		h.waitingSince[me].v.Store(0)
		prev := int(h.owner.Swap(int32(me)))
		if prev >= 0 && prev != me && int64(len(h.samples)) < h.n {
			h.samples = append(h.samples, float64(now-h.tUnlock))
			h.lastSample.Store(now)
			if int64(len(h.samples)) == h.n {
				h.stop.Store(true)
			}
		}
		for !h.mayRelease(me, now) {
			runtime.Gosched()
		}
		h.tUnlock = nanotime()
		h.mu.Unlock()
		for t0 := nanotime(); h.owner.Load() == int32(me) && !h.stop.Load() &&
			nanotime()-t0 < giveUpNs; {
			runtime.Gosched()
		}
	}
}

func mutexHandoff(b *B) {
	threads := int(b.Arg("threads"))
	h := &handoff{n: b.N, samples: make([]float64, 0, b.N),
		waitingSince: make([]paddedAtomic, threads)}
	h.owner.Store(-1)
	h.lastSample.Store(nanotime())
	b.ResetTimer()
	var wg sync.WaitGroup
	wg.Add(threads)
	for i := 0; i < threads; i++ {
		go func(me int) {
			defer wg.Done()
			h.task(me)
		}(i)
	}
	wg.Wait()
	b.StopTimer()
	if h.stalled.Load() {
		b.Errorf("no hand-off for %d s (%d of %d taken)", stallNs/1_000_000_000,
			len(h.samples), h.n)
	}
	hs := new(hist)
	for _, v := range h.samples {
		hs.add(int64(v))
	}
	hs.counters(b)
	latencyCounters(b, h.samples)
}
