// Result rows: JSON lines with Google Benchmark's field names and layout, as the C side's
// shim writes them (docs/benchmarks.md is the contract).
//
// Per instance: one "iteration" row per repetition, and no aggregates: bench/run.py runs one
// repetition per round and computes the aggregates over its rounds
// (bench/py/csplab_bench/aggregates.py, their only definition); the report reduces the iteration
// rows itself.
package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
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

func writeIteration(w io.Writer, id rowID, index int, r result) error {
	var j jsonLine
	j.str("name", id.name)
	j.str("run_name", id.name)
	j.str("run_type", "iteration")
	j.int("family_index", int64(id.family))
	j.int("per_family_instance_index", int64(id.instance))
	j.int("repetitions", int64(id.repetitions))
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

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// consoleLine is the one line per instance on stdout: the median when there are repetitions (what
// the console shows only; the rows carry every repetition).
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
		if strings.HasPrefix(k, "hist_") { // a latency histogram (hist.go): for the report only
			continue
		}
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = r.counters[k]
		}
		fmt.Fprintf(w, " %s=%.4g", k, median(v))
	}
	fmt.Fprintln(w)
}
