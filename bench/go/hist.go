// A latency histogram of every sample, HdrHistogram-style: log-linear buckets, histSub of them
// per power of two. The bucket formula is bench/c/hist.h's (the C side's), so both sides' rows
// carry the same hist_<index> counters and the report reads them alike:
//
//	v < histSub:  index v;
//	otherwise:    e = floor(log2 v), m = the histSubBits bits below the leading one,
//	              index = (e - histSubBits + 1) * histSub + m.
package main

import (
	"math/bits"
	"strconv"
)

const (
	histSubBits = 4
	histSub     = 1 << histSubBits
	histMaxLog2 = 40
	histBuckets = (histMaxLog2 - histSubBits + 2) * histSub
)

type hist [histBuckets]int64

func histIndex(v int64) int {
	if v < histSub {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	e := 63 - bits.LeadingZeros64(uint64(v))
	if e > histMaxLog2 {
		return histBuckets - 1
	}
	m := int((v >> (e - histSubBits)) & (histSub - 1))
	return (e-histSubBits+1)*histSub + m
}

func (h *hist) add(ns int64) { h[histIndex(ns)]++ }

// counters writes every non-empty bucket as the counter hist_<index>.
func (h *hist) counters(b *B) {
	for i, c := range h {
		if c != 0 {
			b.Counter("hist_"+strconv.Itoa(i), float64(c), counterPlain)
		}
	}
}
