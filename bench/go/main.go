// csplab-gobench: csplab's "beyond Go" benchmark scenarios (docs/benchmarks.md) written in Go
// with sync.Mutex, sync.RWMutex, sync.WaitGroup and channels, measured and reported as the C
// harness measures and reports its implementations, so Go's rows sit beside the C ones under the
// implementation name "go".
//
//	csplab-gobench -repetitions N -min-time SECONDS -sweeps smoke|all [-filter REGEX]
//	               [-out FILE.jsonl] [-list] [-ncpu N]
//
// -repetitions, -min-time and -sweeps are a profile's columns: gobench.py (bench/py/) passes them
// from bench/profiles.tsv, the profiles' only definition; this program has no profile of its own.
// -filter is searched in each row name (Go regexp; a leading '-' negates it). gobench.py lists
// every row and applies BENCH_FILTER itself (Python re, its one dialect), then passes the names
// it selected as an escaped exact pattern, which both dialects read alike. -out appends JSON
// lines, one per result, as each instance finishes.
// "threads" are goroutines; GOMAXPROCS is set to the core count (-ncpu, default the CPUs this
// process may run on).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
)

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "csplab-gobench: "+format+"\n", a...)
	os.Exit(2)
}

// matcher is Google Benchmark's filter: a regexp searched in the name, '-' in front negates.
func matcher(filter string) func(string) bool {
	if filter == "" || filter == "all" || filter == "." {
		return func(string) bool { return true }
	}
	negate := filter[0] == '-'
	if negate {
		filter = filter[1:]
	}
	re, err := regexp.Compile(filter)
	if err != nil {
		fail("bad filter regexp %q: %v", filter, err)
	}
	return func(name string) bool { return re.MatchString(name) != negate }
}

func main() {
	filter := flag.String("filter", "", "run only rows whose name matches this regexp")
	out := flag.String("out", "", "append JSON lines to this file")
	list := flag.Bool("list", false, "print the row names that would run, and exit")
	ncpu := flag.Int("ncpu", runtime.NumCPU(), "cores: GOMAXPROCS and the thread sweeps")
	reps := flag.Int("repetitions", 0, "repetitions of every instance (the profile's)")
	minTime := flag.Float64("min-time", 0, "minimum seconds per run (the profile's)")
	sweeps := flag.String("sweeps", "", "the profile's sweeps: smoke or all")
	flag.Parse()
	if flag.NArg() > 0 {
		fail("unexpected argument %q", flag.Arg(0))
	}
	if *sweeps != "smoke" && *sweeps != "all" {
		fail("-sweeps must be smoke or all (gobench.py passes bench/profiles.tsv's)")
	}
	p := profile{repetitions: *reps, minTime: *minTime, smokeSweeps: *sweeps == "smoke"}
	if !*list && (p.repetitions < 1 || p.minTime <= 0) {
		fail("-repetitions and -min-time must be positive (gobench.py passes bench/profiles.tsv's)")
	}
	if *ncpu < 1 {
		fail("-ncpu must be at least 1")
	}
	runtime.GOMAXPROCS(*ncpu)
	match := matcher(*filter)

	// In the contract's order (docs/benchmarks.md), whatever the order of the files' init.
	order := map[string]int{}
	for i, name := range strings.Fields(`MutexThroughput MutexHandoff RWLockMix ChanSPSC
		ChanMPSC ChanMPMC ChanSelect2 ChanPingPong WaitGroupForkJoin`) {
		order[name] = i + 1
	}
	sort.SliceStable(scenarios, func(i, j int) bool {
		return order[scenarios[i].name] < order[scenarios[j].name]
	})
	var todo []instance
	for _, s := range scenarios {
		for _, in := range s.instances(p, *ncpu) {
			if match(in.rowName()) {
				todo = append(todo, in)
			}
		}
	}
	if *list {
		for _, in := range todo {
			fmt.Println(in.rowName())
		}
		return
	}
	if len(todo) == 0 {
		fail("no benchmark matches the filter %q", *filter)
	}

	var jsonl io.Writer = io.Discard
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fail("%v", err)
		}
		defer f.Close()
		jsonl = f
	}
	defer progCleanup() // prog/Compress's generated inputs (prog_compress.go)
	calibrate()
	fmt.Printf("%-64s %12s %12s %10s\n", "benchmark (median of repetitions)", "wall ns/op",
		"cpu ns/op", "iterations")
	family := map[*scenario]int{}
	for i, s := range scenarios {
		family[s] = i
	}
	for _, in := range todo {
		runs := runInstance(in.sc, in.args(), *ncpu, p)
		id := rowID{in.rowName(), family[in.sc], in.index, p.repetitions}
		// One buffered write per instance: an interrupted run keeps every instance it finished.
		w := bufio.NewWriter(jsonl)
		for i, r := range runs {
			if err := writeIteration(w, id, i, r); err != nil {
				fail("%v", err)
			}
		}
		if err := w.Flush(); err != nil {
			fail("writing %s: %v", *out, err)
		}
		consoleLine(os.Stdout, in.rowName(), runs)
	}
}
