// Result rows: JSON lines with Google Benchmark's field names and layout, as the C side's
// shim writes them (docs/benchmarks.md is the contract), and the aggregates Google Benchmark
// computes over repetitions.
//
// Per instance: one "iteration" row per repetition; then, when at least two repetitions
// succeeded (Google Benchmark reports no aggregates for a single run), the aggregates mean,
// median, stddev (sample, n-1), cv (stddev/mean, aggregate_unit "percentage", a fraction),
// min and max, each over real_time, cpu_time and every counter. Aggregate rows are named
// <name>_<aggregate> and carry iterations = the number of repetitions.
package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

type rowID struct {
	name             string // .../manual_time
	family, instance int    // family_index, per_family_instance_index
	repetitions      int
}

// jsonLine builds one object with fields in insertion order.
type jsonLine struct{ buf bytes.Buffer }

func (j *jsonLine) key(k string) {
	if j.buf.Len() == 0 {
		j.buf.WriteByte('{')
	} else {
		j.buf.WriteByte(',')
	}
	j.buf.WriteString(strconv.Quote(k))
	j.buf.WriteByte(':')
}

func (j *jsonLine) str(k, v string) { j.key(k); j.buf.WriteString(strconv.Quote(v)) }
func (j *jsonLine) int(k string, v int64) {
	j.key(k)
	j.buf.WriteString(strconv.FormatInt(v, 10))
}

// num writes a float; a value JSON cannot hold (NaN, ±Inf) is written as null.
func (j *jsonLine) num(k string, v float64) {
	j.key(k)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		j.buf.WriteString("null")
		return
	}
	j.buf.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
}

func (j *jsonLine) writeTo(w io.Writer) error {
	j.buf.WriteString("}\n")
	_, err := w.Write(j.buf.Bytes())
	return err
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func header(j *jsonLine, id rowID, name, runType string) {
	j.str("name", name)
	j.str("run_name", id.name)
	j.str("run_type", runType)
	j.int("family_index", int64(id.family))
	j.int("per_family_instance_index", int64(id.instance))
	j.int("repetitions", int64(id.repetitions))
}

func writeIteration(w io.Writer, id rowID, index int, r result) error {
	var j jsonLine
	header(&j, id, id.name, "iteration")
	j.int("repetition_index", int64(index))
	j.int("threads", 1)
	if r.err != "" {
		j.key("error_occurred")
		j.buf.WriteString("true")
		j.str("error_message", r.err)
	}
	j.int("iterations", r.iterations)
	j.num("real_time", r.realNs)
	j.num("cpu_time", r.cpuNs)
	j.str("time_unit", "ns")
	for _, k := range sortedKeys(r.counters) {
		j.num(k, r.counters[k])
	}
	return j.writeTo(w)
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

func stddev(v []float64) float64 {
	if len(v) < 2 {
		return 0
	}
	m, ss := mean(v), 0.0
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(v)-1))
}

func cv(v []float64) float64 {
	sd := stddev(v)
	if sd == 0 {
		return 0 // also when the mean is 0: identical values vary by nothing
	}
	return sd / mean(v)
}

func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(v []float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		m = math.Max(m, x)
	}
	return m
}

var aggregates = []struct {
	name, unit string
	f          func([]float64) float64
}{
	{"mean", "time", mean},
	{"median", "time", median},
	{"stddev", "time", stddev},
	{"cv", "percentage", cv},
	{"min", "time", minOf},
	{"max", "time", maxOf},
}

func writeAggregates(w io.Writer, id rowID, runs []result) error {
	var ok []result
	for _, r := range runs {
		if r.err == "" {
			ok = append(ok, r)
		}
	}
	if len(ok) < 2 {
		return nil
	}
	column := func(get func(result) float64) []float64 {
		v := make([]float64, len(ok))
		for i, r := range ok {
			v[i] = get(r)
		}
		return v
	}
	real := column(func(r result) float64 { return r.realNs })
	cpu := column(func(r result) float64 { return r.cpuNs })
	for _, a := range aggregates {
		var j jsonLine
		header(&j, id, id.name+"_"+a.name, "aggregate")
		j.int("threads", 1)
		j.str("aggregate_name", a.name)
		j.str("aggregate_unit", a.unit)
		j.int("iterations", int64(len(ok)))
		j.num("real_time", a.f(real))
		j.num("cpu_time", a.f(cpu))
		j.str("time_unit", "ns")
		for _, k := range sortedKeys(ok[0].counters) {
			j.num(k, a.f(column(func(r result) float64 { return r.counters[k] })))
		}
		if err := j.writeTo(w); err != nil {
			return err
		}
	}
	return nil
}

// consoleLine is the one line per instance on stdout: the median when there are repetitions.
func consoleLine(w io.Writer, name string, runs []result) {
	last := runs[len(runs)-1]
	if last.err != "" {
		fmt.Fprintf(w, "%-64s ERROR: %s\n", name, last.err)
		return
	}
	real, cpu := make([]float64, len(runs)), make([]float64, len(runs))
	for i, r := range runs {
		real[i], cpu[i] = r.realNs, r.cpuNs
	}
	fmt.Fprintf(w, "%-64s %12.1f %12.1f %10d", name, median(real), median(cpu), last.iterations)
	for _, k := range sortedKeys(last.counters) {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = r.counters[k]
		}
		fmt.Fprintf(w, " %s=%.4g", k, median(v))
	}
	fmt.Fprintln(w)
}
