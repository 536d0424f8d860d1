// Helpers shared by the scenario bodies: calibrated local work, the RunParallel-style loop,
// percentiles, a per-goroutine random generator, padding against false sharing.
package main

import (
	"math"
	"sort"
	"sync"
	"sync/atomic"
)

// workLoop is Go's local work loop (sync/mutex_test.go: v *= 2; v /= 2). The result is used by
// the caller so the compiler keeps the loop.
//
//go:noinline
func workLoop(units int64, v int64) int64 {
	for i := int64(0); i < units; i++ {
		v *= 2
		v /= 2
	}
	return v
}

// nsPerUnit is the loop's cost measured at start-up (calibrate), so a scenario asks for work in
// nanoseconds ("a critical section of ~cs_ns") rather than in loop steps of unknown cost.
var nsPerUnit = 1.0

func calibrate() {
	const units = 2_000_000
	best := math.Inf(1)
	v := int64(1)
	for i := 0; i < 7; i++ {
		t := nanotime()
		v = workLoop(units, v)
		best = math.Min(best, float64(nanotime()-t))
	}
	if v != 1 || best <= 0 {
		return // cannot happen: keeps v alive
	}
	nsPerUnit = best / units
}

// unitsFor converts nanoseconds of work into loop steps.
func unitsFor(ns int64) int64 {
	return int64(math.Round(float64(ns) / nsPerUnit))
}

// paddedInt keeps per-goroutine slots on separate cache lines (two: adjacent-line prefetch).
type paddedInt struct {
	v int64
	_ [120]byte
}

// parallel runs body(index, next) in g goroutines that together do n iterations, each looping
// while next() is true: the C harness's b_run_parallel with its grain (n / (g·64), within
// [1, 10000]) taken from one shared counter. It returns when all are done.
func parallel(n int64, g int, body func(index int, next func() bool)) {
	grain := n / (int64(g) * 64)
	if grain < 1 {
		grain = 1
	} else if grain > 10000 {
		grain = 10000
	}
	var left atomic.Int64
	left.Store(n)
	var wg sync.WaitGroup
	wg.Add(g)
	for i := 0; i < g; i++ {
		go func(index int) {
			defer wg.Done()
			cached := int64(0)
			body(index, func() bool {
				if cached > 0 {
					cached--
					return true
				}
				got := left.Add(-grain) + grain // iterations left before this claim
				if got <= 0 {
					return false
				}
				if got > grain {
					got = grain
				}
				cached = got - 1
				return true
			})
		}(i)
	}
	wg.Wait()
}

// share is worker i's part when n operations are split over k workers.
func share(n int64, k, i int) int64 {
	s := n / int64(k)
	if int64(i) < n%int64(k) {
		s++
	}
	return s
}

// percentile of sorted (ascending) samples: linear interpolation between the two nearest ranks
// (rank p/100·(n-1)), as bench/c/stats.c and numpy's default.
func percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := math.Max(0, math.Min(100, p)) / 100 * float64(n-1)
	lo := int(rank)
	if lo+1 >= n {
		return sorted[n-1]
	}
	return sorted[lo] + (rank-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// latencyCounters sets p50_ns, p99_ns and p999_ns from samples in nanoseconds (sorting them).
func latencyCounters(b *B, samples []float64) {
	sort.Float64s(samples)
	b.Counter("p50_ns", percentile(samples, 50), counterPlain)
	b.Counter("p99_ns", percentile(samples, 99), counterPlain)
	b.Counter("p999_ns", percentile(samples, 99.9), counterPlain)
}

// xorshift64 (Marsaglia 2003): a cheap per-goroutine random stream; state must not be 0.
type xorshift uint64

func (x *xorshift) next() uint64 {
	v := uint64(*x)
	v ^= v << 13
	v ^= v >> 7
	v ^= v << 17
	*x = xorshift(v)
	return v
}
