"""Latency distributions from the rows' histograms.

The latency scenarios (mutex/MutexHandoff, chan/ChanPingPong; both sides) record every sample in
a log-linear histogram, HdrHistogram-style, and write its non-empty buckets as counters
hist_<index> = count (bench/hist.h has the bucket formula, bench/go/hist.go its Go twin; SUB_BITS
and the formula below must stay equal to theirs). An instance's distribution is the sum of its
rounds' histograms: every sample of the run.
"""

PREFIX = "hist_"
# Scenarios whose time per operation includes a deliberate wait and says little (the hand-off's
# grace period, bench/mutex_latency.c): the report draws their CDF and no wall-time plot.
WALL_SAYS_LITTLE = {"MutexHandoff"}
SUB_BITS = 4
SUB = 1 << SUB_BITS


def is_bucket(counter):
    return counter.startswith(PREFIX) and counter[len(PREFIX):].isdigit()


def low(i):
    """The lowest value (ns) of bucket i (bench_hist_low in bench/hist.c)."""
    if i < SUB:
        return i
    e = i // SUB + SUB_BITS - 1
    return (SUB + i % SUB) << (e - SUB_BITS)


def index(v):
    """The bucket of a value in ns (bench_hist_index in bench/hist.h)."""
    v = int(v)
    if v < SUB:
        return max(v, 0)
    e = v.bit_length() - 1
    return (e - SUB_BITS + 1) * SUB + ((v >> (e - SUB_BITS)) & (SUB - 1))


def histogram(inst):
    """{bucket: count} summed over the instance's good rounds; {} when it has none."""
    out = {}
    for r in inst.reps:
        if r.get("error_occurred"):
            continue
        for k, v in r.items():
            if is_bucket(k) and isinstance(v, (int, float)) and v > 0:
                b = int(k[len(PREFIX):])
                out[b] = out.get(b, 0) + v
    return out


def cdf(hist):
    """[(x ns, fraction of samples <= x)], one point per non-empty bucket at its upper edge,
    starting from the lowest bucket's lower edge at 0."""
    total = sum(hist.values())
    if not total:
        return []
    pts, seen = [], 0
    first = min(hist)
    pts.append((max(low(first), 1), 0.0))
    for b in sorted(hist):
        seen += hist[b]
        pts.append((low(b + 1), seen / total))
    return pts


def percentile(hist, p):
    """The upper edge of the bucket holding the p-th percentile (p in 0..100), or None."""
    total = sum(hist.values())
    if not total:
        return None
    need, seen = total * p / 100.0, 0
    for b in sorted(hist):
        seen += hist[b]
        if seen >= need:
            return low(b + 1)
    return low(max(hist) + 1)
