// The Go side's harness as scenario bodies see it: the counterpart of bench/c/bench.h, roughly
// Go's *testing.B.
//
// A body does b.N operations in goroutines of its own. The harness measures the body's window
// as the C harness does: wall time, process CPU time (getrusage RUSAGE_SELF, utime + stime: every
// thread of the process, so Go's scheduler, GC and spinning show here) and context switches
// (ru_nvcsw + ru_nivcsw), each later divided by b.N. ResetTimer / StopTimer / StartTimer shape
// the window as testing.B's do.
//
// Iteration counts follow Google Benchmark 1.7.1 (the C side's driver): start at 1 and grow
// until one run lasts at least the minimum time; later repetitions reuse that count.
package main

import (
	"fmt"
	"math"
	"runtime"
	"syscall"
	_ "unsafe" // go:linkname
)

// nanotime is the runtime's monotonic clock (the vDSO CLOCK_MONOTONIC read that time.Now also
// makes, without the second, wall-clock read). Used for the window and for per-operation
// latencies, where time.Now's extra cost would show.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// maxIterations is Google Benchmark's kMaxIterations.
const maxIterations = 1_000_000_000

// Counter flags, as the C shim's GB_COUNTER_*.
const (
	counterPlain  = 0
	counterPerOp  = 1 // value / iterations
	counterPerSec = 2 // value / wall seconds of the window
)

type counter struct {
	value float64
	flags int
}

// B is what a scenario body gets.
type B struct {
	N    int64 // operations to do
	NCPU int   // cores, as csp_ncpu(); GOMAXPROCS is set to it

	args     map[string]int64
	counters map[string]counter
	err      string

	running           bool
	tWall, tCPU, tCSW int64 // window start
	wall, cpu, csw    int64 // accumulated
}

// Arg is the value of a named argument of this instance (threads, cs_ns, cap, ...).
func (b *B) Arg(name string) int64 {
	v, ok := b.args[name]
	if !ok {
		panic("csplab-gobench: scenario asks for an argument it does not declare: " + name)
	}
	return v
}

// Counter sets an extra result column.
func (b *B) Counter(name string, value float64, flags int) {
	b.counters[name] = counter{value, flags}
}

// Errorf marks the run failed (the first message wins); the body then returns.
func (b *B) Errorf(format string, a ...interface{}) {
	if b.err == "" {
		b.err = fmt.Sprintf(format, a...)
	}
}

// usage reads process CPU time and context switches.
func usage() (cpuNs, csw int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), ru.Nvcsw + ru.Nivcsw
}

func (b *B) StartTimer() {
	if b.running {
		return
	}
	b.running = true
	b.tCPU, b.tCSW = usage()
	b.tWall = nanotime()
}

func (b *B) StopTimer() {
	if !b.running {
		return
	}
	wall := nanotime()
	cpu, csw := usage()
	b.wall += wall - b.tWall
	b.cpu += cpu - b.tCPU
	b.csw += csw - b.tCSW
	b.running = false
}

func (b *B) ResetTimer() {
	was := b.running
	b.running = false
	b.wall, b.cpu, b.csw = 0, 0, 0
	if was {
		b.StartTimer()
	}
}

// result is one run (one repetition): figures per operation.
type result struct {
	iterations int64
	seconds    float64 // wall time of the window
	realNs     float64
	cpuNs      float64
	counters   map[string]float64 // ctxsw and the scenario's, finished
	err        string
}

// runOnce runs the body once with n operations.
func runOnce(sc *scenario, args map[string]int64, ncpu int, n int64) result {
	b := &B{N: n, NCPU: ncpu, args: args, counters: map[string]counter{}}
	runtime.GC() // as testing.B before each run: no garbage of the previous run is collected here
	b.StartTimer()
	sc.run(b)
	b.StopTimer()
	r := result{iterations: n, seconds: float64(b.wall) / 1e9, err: b.err}
	if r.err != "" {
		return r
	}
	r.realNs = float64(b.wall) / float64(n)
	r.cpuNs = float64(b.cpu) / float64(n)
	r.counters = map[string]float64{"ctxsw": float64(b.csw) / float64(n)}
	for name, c := range b.counters {
		v := c.value
		if c.flags&counterPerOp != 0 {
			v /= float64(n)
		}
		if c.flags&counterPerSec != 0 {
			v /= math.Max(r.seconds, 1e-9)
		}
		r.counters[name] = v
	}
	return r
}

// runInstance runs the repetitions of one instance: the first grows the iteration count as
// Google Benchmark does, the others reuse it. A failed run ends the instance.
func runInstance(sc *scenario, args map[string]int64, ncpu int, p profile) []result {
	var out []result
	n := int64(1)
	for {
		r := runOnce(sc, args, ncpu, n)
		if r.err != "" || r.seconds >= p.minTime || n >= maxIterations {
			out = append(out, r)
			break
		}
		// Google Benchmark's PredictNumItersNeeded: aim 40% past the minimum; a run under 10%
		// of it is too short to predict from, so grow tenfold.
		mult := p.minTime * 1.4 / math.Max(r.seconds, 1e-9)
		if r.seconds/p.minTime <= 0.1 {
			mult = 10
		}
		next := int64(math.Round(math.Max(mult*float64(n), float64(n)+1)))
		if next > maxIterations {
			next = maxIterations
		}
		n = next
	}
	for i := 1; i < p.repetitions && out[len(out)-1].err == ""; i++ {
		out = append(out, runOnce(sc, args, ncpu, n))
	}
	return out
}
