// Channel throughput beyond Go's own benchmarks (bench/c/scenarios/chan_matrix.c on the C side):
// producers and consumers over one channel, and a receiver selecting over two.
//
//	ChanSPSC    1 producer, 1 consumer
//	ChanMPSC    ncpu producers, 1 consumer
//	ChanMPMC    ncpu producers, ncpu consumers
//	ChanSelect2 2 producers, each on a channel of its own; 1 consumer selecting over both
//
// One operation is one message sent and received; every scenario has the argument cap (the
// channels' buffer, 0 unbuffered) and the counter msgs_per_s. The element is an int32 (the C
// side's int). All producers and consumers are goroutines the body spawns and waits for, so the
// window includes starting them, which b.N amortises.
package main

import "sync"

func init() {
	caps := sweep{"cap", fixed(0, 1, 64), fixed(0)}
	register(&scenario{prim: "chan", name: "ChanSPSC", sweeps: []sweep{caps},
		run: func(b *B) { pipe(b, 1, 1) }})
	register(&scenario{prim: "chan", name: "ChanMPSC", sweeps: []sweep{caps},
		run: func(b *B) { pipe(b, b.NCPU, 1) }})
	register(&scenario{prim: "chan", name: "ChanMPMC", sweeps: []sweep{caps},
		run: func(b *B) { pipe(b, b.NCPU, b.NCPU) }})
	register(&scenario{prim: "chan", name: "ChanSelect2", sweeps: []sweep{caps}, run: select2})
}

// pipe: producers send b.N messages in total over one channel, consumers receive them; each
// worker's share is fixed in advance, so no close is needed.
func pipe(b *B, producers, consumers int) {
	c := make(chan int32, b.Arg("cap"))
	var wg sync.WaitGroup
	wg.Add(producers + consumers)
	for i := 0; i < consumers; i++ {
		go func(n int64) {
			defer wg.Done()
			for j := int64(0); j < n; j++ {
				<-c
			}
		}(share(b.N, consumers, i))
	}
	for i := 0; i < producers; i++ {
		go func(n int64) {
			defer wg.Done()
			for j := int64(0); j < n; j++ {
				c <- int32(j)
			}
		}(share(b.N, producers, i))
	}
	wg.Wait()
	b.StopTimer()
	b.Counter("msgs_per_s", float64(b.N), counterPerSec)
}

// select2: two producers feed one channel each (half of b.N apiece); one receiver takes b.N
// messages with a select over both.
func select2(b *B) {
	capacity := b.Arg("cap")
	in := [2]chan int32{make(chan int32, capacity), make(chan int32, capacity)}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		for j := int64(0); j < b.N; j++ {
			select {
			case <-in[0]:
			case <-in[1]:
			}
		}
	}()
	for i := range in {
		go func(c chan<- int32, n int64) {
			defer wg.Done()
			for j := int64(0); j < n; j++ {
				c <- int32(j)
			}
		}(in[i], share(b.N, 2, i))
	}
	wg.Wait()
	b.StopTimer()
	b.Counter("msgs_per_s", float64(b.N), counterPerSec)
}
