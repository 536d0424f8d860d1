"""The aggregates over a benchmark's repetitions: the only place csplab computes them.

bench/run.py runs every benchmark once per round and puts the aggregates over the rounds into
results.json here (with_aggregates); the report reads a measure's per-round samples through
samples() and reduces them with reduce(). The benchmark programs write iteration rows only;
the one other computation is Google Benchmark's own, for csplab-bench run by hand with several
repetitions (bench/c/shim/gbench.cc says why it stays). Python 3 standard library only.
"""

import math
import statistics


def _cv(v):
    mean = statistics.mean(v)
    return statistics.stdev(v) / mean if mean else 0.0


# The aggregates Google Benchmark computes over repetitions (csplab-bench adds min and max), with
# its units: cv is a fraction, its "percentage" unit is for display. Each needs two values or more.
AGGREGATES = [("mean", "time", statistics.mean), ("median", "time", statistics.median),
              ("stddev", "time", statistics.stdev), ("cv", "percentage", _cv),
              ("min", "time", min), ("max", "time", max)]

# Row fields that are not measures (a counter is any other numeric field).
NOT_MEASURES = {
    "name", "run_name", "run_type", "family_index", "per_family_instance_index", "repetitions",
    "repetition_index", "threads", "aggregate_name", "aggregate_unit", "error_occurred",
    "error_message", "iterations", "time_unit", "origin", "label", "go_origin",
}


def is_number(v):
    """A finite int or float (not a bool): what a measure's value must be to count."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def reduce(values):
    """{aggregate name: value} over two or more numbers."""
    if len(values) < 2:
        raise ValueError("aggregates need two values or more")
    return {agg: f(values) for agg, _, f in AGGREGATES}


def samples(rows, field):
    """The per-round samples of one measure of one benchmark: `field` of its iteration rows
    that did not fail, in repetition order, skipping rows where it is missing or null."""
    reps = [r for r in rows if r.get("run_type", "iteration") == "iteration"
            and not r.get("error_occurred")]
    reps.sort(key=lambda r: r.get("repetition_index") or 0)
    return [r[field] for r in reps if is_number(r.get(field))]


def with_aggregates(rows):
    """Iteration rows of several rounds (one repetition each) -> the same rows, each carrying the
    number of repetitions its benchmark got, followed per benchmark with two or more good ones by
    the aggregates over them, as Google Benchmark would have written them: name
    <run_name>_<aggregate>, iterations = repetitions, every measure (times and counters) reduced
    alike; a measure missing or null in any repetition stays null."""
    groups = {}
    for r in rows:
        groups.setdefault(r.get("run_name") or r["name"], []).append(r)
    out = []
    for run_name, reps in groups.items():
        for r in reps:
            r["repetitions"] = len(reps)
        out += reps
        good = [r for r in reps if not r.get("error_occurred")]
        if len(good) < 2:
            continue
        measures = [k for k in good[0] if k not in NOT_MEASURES]
        base = {k: v for k, v in good[0].items() if k in NOT_MEASURES}
        base.pop("repetition_index", None)
        reduced = {}
        for k in measures:
            v = [r.get(k) for r in good]
            reduced[k] = reduce(v) if all(is_number(x) for x in v) else {}
        for agg, unit, _ in AGGREGATES:
            row = dict(base, name=f"{run_name}_{agg}", run_name=run_name,
                       run_type="aggregate", aggregate_name=agg, aggregate_unit=unit,
                       repetitions=len(good), iterations=len(good))
            for k in measures:
                row[k] = reduced[k].get(agg)
            out.append(row)
    return out
