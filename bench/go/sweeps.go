// Scenarios and argument sweeps: what runs, with which arguments.
//
// The sweeps are the C side's (docs/benchmarks.md, "Beyond Go"): thread counts {1, ncpu,
// 2·ncpu, 4·ncpu} without duplicates; a profile whose sweeps are "smoke" (bench/profiles.tsv)
// {1, ncpu} and one value of every other argument (the `smoke` field below), so `make test`
// only checks that the harness works.
package main

import (
	"sort"
	"strconv"
)

// profile is one row of bench/profiles.tsv, passed in by gobench.py as flags (main.go).
type profile struct {
	repetitions int
	minTime     float64 // seconds a run must last at least
	smokeSweeps bool    // sweeps "smoke": the reduced argument sweeps
}

// sweep is one argument's values; the keyword threads means threadCounts.
type sweep struct {
	name   string
	values func(ncpu int) []int64
	smoke  func(ncpu int) []int64
}

type scenario struct {
	prim, name string
	sweeps     []sweep // the instances are their cross product, first sweep outermost
	run        func(b *B)
}

var scenarios []*scenario

func register(s *scenario) { scenarios = append(scenarios, s) }

func fixed(v ...int64) func(int) []int64 { return func(int) []int64 { return v } }

// uniq sorts and drops duplicates (ncpu may coincide with a fixed value).
func uniq(v []int64) []int64 {
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	out := v[:0]
	for i, x := range v {
		if i == 0 || x != v[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// threadCounts is bench_thread_counts() of bench/c/harness.c.
var threadCounts = sweep{
	name: "threads",
	values: func(ncpu int) []int64 {
		n := int64(ncpu)
		return uniq([]int64{1, n, 2 * n, 4 * n})
	},
	smoke: func(ncpu int) []int64 { return uniq([]int64{1, int64(ncpu)}) },
}

// instance is one argument combination of a scenario.
type instance struct {
	sc    *scenario
	index int      // per_family_instance_index
	names []string // argument names, in order
	vals  []int64
}

func (in instance) args() map[string]int64 {
	m := map[string]int64{}
	for i, n := range in.names {
		m[n] = in.vals[i]
	}
	return m
}

// rowName is <primitive>/<Scenario>/go[/<arg>:<value>...]/manual_time.
func (in instance) rowName() string {
	s := in.sc.prim + "/" + in.sc.name + "/go"
	for i, n := range in.names {
		s += "/" + n + ":" + strconv.FormatInt(in.vals[i], 10)
	}
	return s + "/manual_time"
}

// instances expands a scenario's sweeps for a profile.
func (s *scenario) instances(p profile, ncpu int) []instance {
	combos := [][]int64{{}}
	var names []string
	for _, sw := range s.sweeps {
		vals := sw.values(ncpu)
		if p.smokeSweeps && sw.smoke != nil {
			vals = sw.smoke(ncpu)
		}
		names = append(names, sw.name)
		var next [][]int64
		for _, c := range combos {
			for _, v := range vals {
				next = append(next, append(append([]int64(nil), c...), v))
			}
		}
		combos = next
	}
	out := make([]instance, len(combos))
	for i, c := range combos {
		out[i] = instance{sc: s, index: i, names: names, vals: c}
	}
	return out
}
