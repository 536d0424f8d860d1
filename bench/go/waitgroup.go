// waitgroup/WaitGroupForkJoin: the fork-join pattern sync.WaitGroup exists for
// (bench/c/scenarios/wg_forkjoin.c on the C side).
package main

import "sync"

func init() {
	register(&scenario{
		prim: "waitgroup", name: "WaitGroupForkJoin", run: forkJoin,
		sweeps: []sweep{{
			name: "fanout",
			values: func(ncpu int) []int64 {
				n := int64(ncpu)
				return uniq([]int64{1, 4, 16, n, 4 * n, 1000})
			},
			smoke: fixed(4),
		}},
	})
}

// WaitGroupForkJoin: one operation is Add(fanout), spawning fanout goroutines that each call
// Done, and Wait for them; the group is reused from one operation to the next.
func forkJoin(b *B) {
	fanout := int(b.Arg("fanout"))
	var wg sync.WaitGroup
	for i := int64(0); i < b.N; i++ {
		wg.Add(fanout)
		for j := 0; j < fanout; j++ {
			go wg.Done()
		}
		wg.Wait()
	}
}
