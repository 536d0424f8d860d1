// chan/ChanPingPong: the latency of a round trip between two goroutines over two channels
// (bench/c/scenarios/chan_latency.c on the C side, measured the same way).
package main

import "sync"

func init() {
	register(&scenario{
		prim: "chan", name: "ChanPingPong", run: pingPong,
		sweeps: []sweep{{"cap", fixed(0, 1), fixed(0)}},
	})
}

// maxSamples bounds the round trips kept for the percentiles: one every ceil(b.N/maxSamples).
const maxSamples = 100_000

// ChanPingPong: one operation is one round trip: the body sends on ping, an echo goroutine
// receives it and sends it back on pong, the body receives it. Both channels have buffer cap.
// Each trip is timed with one clock read (the end of one is the start of the next); counters
// p50_ns, p99_ns, p999_ns, and every trip in a histogram (hist_<bucket> counters, hist.go).
func pingPong(b *B) {
	capacity := b.Arg("cap")
	ping, pong := make(chan int32, capacity), make(chan int32, capacity)
	stride := (b.N + maxSamples - 1) / maxSamples
	samples := make([]float64, 0, b.N/stride+1)
	h := new(hist)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // echo
		defer wg.Done()
		for i := int64(0); i < b.N; i++ {
			pong <- <-ping
		}
	}()
	b.ResetTimer() // the echo goroutine is started
	skip, prev := int64(0), nanotime()
	for i := int64(0); i < b.N; i++ {
		ping <- int32(i)
		<-pong
		now := nanotime()
		h.add(now - prev)
		if skip == 0 {
			samples = append(samples, float64(now-prev))
			skip = stride
		}
		skip--
		prev = now
	}
	b.StopTimer()
	wg.Wait()
	latencyCounters(b, samples)
	h.counters(b)
}
