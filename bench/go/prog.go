// prog/*: Go twins of csplab's Go in Practice programs (examples/gip, docs/programs.md), under
// the row names and arguments of the C side (bench/c/scenarios/prog_*.c), so each program's C rows
// and its Go row fall into one comparison. One operation is one whole run of the program.
//
//	prog/Sieve      test/chan/sieve1.go: a filter goroutine per prime, unbuffered channels
//	prog/Pipeline   generator -> squarers -> sink, stopped by closing done
//	prog/WordCount  one goroutine per file, one map under a sync.Mutex taken once per word
//	prog/Cache      readers under RLock, every write_every-th lookup a refresh under Lock
//	prog/Compress   compress/gzip, one goroutine per file, a WaitGroup (prog_compress.go)
//	prog/Goroutines test/chan/goroutines.go: a chain of goroutines passing one value on
//
// Each program is written as the C one is, step for step, and checks its result the same way
// (a wrong result is a failed run, as b_error on the C side).
package main

import "sync"

func init() {
	ncpu := func(n int) []int64 { return []int64{int64(n)} }
	register(&scenario{prim: "prog", name: "Sieve", run: progSieve,
		sweeps: []sweep{{"primes", fixed(200), fixed(20)}}})
	register(&scenario{prim: "prog", name: "Pipeline", run: progPipeline,
		sweeps: []sweep{{"items", fixed(5000), fixed(200)}, {"workers", ncpu, nil},
			{"cap", fixed(0), nil}}})
	register(&scenario{prim: "prog", name: "WordCount", run: progWordCount,
		sweeps: []sweep{{"files", ncpu, nil}, {"kib", func(n int) []int64 {
			return []int64{wcTotalKiB / int64(n)}
		}, func(n int) []int64 { return []int64{wcSmokeKiB / int64(n)} }}}})
	register(&scenario{prim: "prog", name: "Goroutines", run: progGoroutines,
		sweeps: []sweep{{"tasks", fixed(10000), fixed(100)}}})
	register(&scenario{prim: "prog", name: "Cache", run: progCache,
		sweeps: []sweep{{"readers", ncpu, nil}, {"reads", fixed(50000), fixed(1000)},
			{"write_every", fixed(100), nil}}})
}

// ---- the programs' generated text: examples/gip/text.c, byte for byte ----------------------

var vocab = []string{
	"the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
	"by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
	"an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has",
	"there", "been", "if", "more", "when", "will", "would", "who", "so", "no", "channel",
	"goroutine", "mutex", "select", "waitgroup", "concurrency", "parallelism", "scheduler",
	"compress", "reader", "writer", "pipeline", "sieve", "prime", "deadline", "timeout",
}

// genText is gip_text: splitmix64 draws, the smaller of two vocabulary indexes, a space or
// (one draw in 16) a newline after each word.
func genText(buf []byte, seed uint64) {
	s := seed
	nv := uint64(len(vocab))
	at := 0
	for at < len(buf) {
		s += 0x9E3779B97F4A7C15
		z := s
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		r := z ^ (z >> 31)
		a, b := r%nv, (r>>32)%nv
		if b < a {
			a = b
		}
		at += copy(buf[at:], vocab[a])
		if at < len(buf) {
			if r>>60 == 0 {
				buf[at] = '\n'
			} else {
				buf[at] = ' '
			}
			at++
		}
	}
}

// ---- prog/Sieve ---------------------------------------------------------------------------

// sieveRun is gip_sieve_run: the chain is taken down after the last prime as the C one is. In
// C a send on a closed channel returns CSP_CLOSED; in Go it panics, and the filter recovers,
// closes its own input and returns, which makes the next one upstream fail in turn.
func sieveRun(n int, primes []int64) int {
	var wg sync.WaitGroup
	ch := make(chan int64)
	wg.Add(1)
	go func(out chan<- int64) { // Generate
		defer wg.Done()
		defer func() { _ = recover() }()
		for i := int64(2); ; i++ {
			out <- i
		}
	}(ch)
	found := 0
	for found < n {
		p := <-ch
		primes[found] = p
		found++
		if found == n {
			break
		}
		next := make(chan int64)
		wg.Add(1)
		go func(in chan int64, out chan<- int64, prime int64) { // Filter
			defer wg.Done()
			defer close(in)
			defer func() { _ = recover() }()
			for i := range in {
				if i%prime != 0 {
					out <- i
				}
			}
		}(ch, next, p)
		ch = next
	}
	close(ch)
	wg.Wait()
	return found
}

func progSieve(b *B) {
	n := int(b.Arg("primes"))
	primes := make([]int64, n)
	for i := int64(0); i < b.N; i++ {
		found := sieveRun(n, primes)
		last := primes[found-1]
		prime := last >= 2
		for d := int64(2); prime && d*d <= last; d++ {
			prime = last%d != 0
		}
		if found != n || !prime {
			b.Errorf("sieve found %d of %d primes, the last %d", found, n, last)
			return
		}
	}
}

// ---- prog/Pipeline ------------------------------------------------------------------------

type pair struct{ i, sq int64 }

// pipelineRun is gip_pipeline_run.
func pipelineRun(workers int, items int64, capacity int) (received int64, ok bool) {
	nums := make(chan int64, capacity)
	out := make(chan pair, capacity)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1 + workers)
	go func() {
		defer wg.Done()
		for i := int64(0); ; i++ {
			select {
			case nums <- i:
			case <-done:
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for {
				var i int64
				select {
				case i = <-nums:
				case <-done:
					return
				}
				select {
				case out <- pair{i, i * i}:
				case <-done:
					return
				}
			}
		}()
	}
	bound := items + int64(workers)*(2*int64(capacity)+2) + 1
	seen := make([]byte, bound/8+1)
	ok = true
	for received < items {
		v := <-out
		received++
		if v.i < 0 || v.i >= bound || v.sq != v.i*v.i || seen[v.i/8]>>(v.i%8)&1 != 0 {
			ok = false
		} else {
			seen[v.i/8] |= 1 << (v.i % 8)
		}
	}
	close(done)
	wg.Wait()
	return received, ok
}

func progPipeline(b *B) {
	items := b.Arg("items")
	for i := int64(0); i < b.N; i++ {
		if got, ok := pipelineRun(int(b.Arg("workers")), items, int(b.Arg("cap"))); got != items || !ok {
			b.Errorf("pipeline: %d of %d values, squares right: %v", got, items, ok)
			return
		}
	}
}

// ---- prog/WordCount -----------------------------------------------------------------------

const (
	wcTotalKiB = 4096
	wcSmokeKiB = 64
)

var wcInput struct {
	text            []byte
	total, distinct int
}

func letter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// countWords is gip_wc_count_buf: runs of ASCII letters, lower-cased, each counted under mu
// (when not nil) as the chapter's add() does.
func countWords(m map[string]int, mu *sync.Mutex, buf []byte) int {
	total := 0
	w := make([]byte, 0, 64)
	for i := 0; i < len(buf); {
		for i < len(buf) && !letter(buf[i]) {
			i++
		}
		w = w[:0]
		for i < len(buf) && letter(buf[i]) {
			w = append(w, buf[i]|0x20)
			i++
		}
		if len(w) == 0 {
			break
		}
		if mu != nil {
			mu.Lock()
		}
		m[string(w)]++
		if mu != nil {
			mu.Unlock()
		}
		total++
	}
	return total
}

func progWordCount(b *B) {
	files := int(b.Arg("files"))
	each := int(b.Arg("kib")) * 1024
	b.StopTimer()
	if len(wcInput.text) != files*each {
		wcInput.text = make([]byte, files*each)
		genText(wcInput.text, 1)
		// counted file by file, as the C side's reference (a word cut at a file boundary
		// counts as two)
		ref := map[string]int{}
		wcInput.total = 0
		for f := 0; f < files; f++ {
			wcInput.total += countWords(ref, nil, wcInput.text[f*each:(f+1)*each])
		}
		wcInput.distinct = len(ref)
	}
	b.StartTimer()
	for i := int64(0); i < b.N; i++ {
		m := map[string]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		totals := make([]int, files)
		for f := 0; f < files; f++ {
			wg.Add(1)
			go func(f int) {
				defer wg.Done()
				totals[f] = countWords(m, &mu, wcInput.text[f*each:(f+1)*each])
			}(f)
		}
		wg.Wait()
		b.StopTimer()
		total := 0
		for _, t := range totals {
			total += t
		}
		if total != wcInput.total || len(m) != wcInput.distinct {
			b.Errorf("wrong count: %d words, %d distinct; one goroutine counts %d, %d", total,
				len(m), wcInput.total, wcInput.distinct)
			return
		}
		b.StartTimer()
	}
}

// ---- prog/Cache ---------------------------------------------------------------------------

const cacheFields = 6

type cacheEntry struct {
	key, version uint64
	field        [cacheFields]uint64
}

func cacheMix(key, version uint64, k int) uint64 {
	x := key*0x9E3779B97F4A7C15 ^ (version+uint64(k))*0xBF58476D1CE4E5B9
	return x ^ (x >> 31)
}

// cacheRun is gip_cache_run; returns the torn reads.
func cacheRun(readers int, reads int64, slots int, writeEvery int64) int64 {
	var lock sync.RWMutex
	var wg sync.WaitGroup
	e := make([]cacheEntry, slots)
	for i := range e {
		e[i].key = uint64(i)
		for k := 0; k < cacheFields; k++ {
			e[i].field[k] = cacheMix(uint64(i), 0, k)
		}
	}
	var mu sync.Mutex
	var tornAll int64
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(s uint64) {
			defer wg.Done()
			var torn int64
			for i := int64(1); i <= reads; i++ {
				s ^= s << 13
				s ^= s >> 7
				s ^= s << 17
				key := s % (uint64(slots) * 2)
				en := &e[key%uint64(slots)]
				if writeEvery > 0 && i%writeEvery == 0 {
					lock.Lock()
					en.key = key
					en.version++
					for k := 0; k < cacheFields; k++ {
						en.field[k] = cacheMix(key, en.version, k)
					}
					lock.Unlock()
					continue
				}
				lock.RLock()
				c := *en
				lock.RUnlock()
				for k := 0; k < cacheFields; k++ {
					if c.field[k] != cacheMix(c.key, c.version, k) {
						torn++
						break
					}
				}
			}
			mu.Lock()
			tornAll += torn
			mu.Unlock()
		}(0x2545F4914F6CDD1D * uint64(r+1))
	}
	wg.Wait()
	return tornAll
}

func progCache(b *B) {
	for i := int64(0); i < b.N; i++ {
		if torn := cacheRun(int(b.Arg("readers")), b.Arg("reads"), 1024, b.Arg("write_every")); torn != 0 {
			b.Errorf("%d torn reads", torn)
			return
		}
	}
}

// ---- prog/Goroutines ----------------------------------------------------------------------

// goroutinesRun is test/chan/goroutines.go's main: n goroutines, each passing on one plus what
// it receives, all alive at once; what the leftmost channel delivers.
func goroutinesRun(n int) int {
	leftmost := make(chan int)
	right := leftmost
	left := leftmost
	for i := 0; i < n; i++ {
		left, right = right, make(chan int)
		go func(left, right chan int) { left <- 1 + <-right }(left, right)
	}
	right <- 0
	return <-leftmost
}

func progGoroutines(b *B) {
	n := int(b.Arg("tasks"))
	for i := int64(0); i < b.N; i++ {
		if got := goroutinesRun(n); got != n {
			b.Errorf("a chain of %d goroutines passed on %d, want %d", n, got, n)
			return
		}
	}
}
