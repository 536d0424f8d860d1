"""The report's data model: results.json read, validated and reduced to one figure set per
benchmark instance.

Input is Google Benchmark's JSON ({"context": {...}, "benchmarks": [...]}) with the row names of
docs/benchmarks.md:

    <primitive>/<Scenario>/<implementation>[/<arg>:<value>...]/manual_time

An *instance* is one such name. Its repetitions are the `iteration` rows with that name; the
headline figure is their median (never the mean), the spread their min, max and coefficient of
variation. When only aggregate rows are present (a run made with
--benchmark_report_aggregates_only) their median/min/max/cv are used instead. The *key* of an
instance is its name without the implementation: instances with the same key are compared.
"""

import json

from . import order

NULL_IMPL = "null"  # harness overhead, never a winner
GO_IMPL = "go"      # Go's own number, the reference
BASE_IMPL = "pthread"

# Google Benchmark's own row fields; anything else numeric is a scenario counter.
_STANDARD = {
    "name", "run_name", "run_type", "family_index", "per_family_instance_index", "repetitions",
    "repetition_index", "threads", "aggregate_name", "aggregate_unit", "error_occurred",
    "error_message", "iterations", "real_time", "cpu_time", "time_unit", "origin", "label",
    "canary_rt_ns", "go_origin",
}
_TIME_UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class ResultsError(Exception):
    """results.json is missing, unreadable or not in the expected shape."""


def load(path):
    """Returns (context dict, list of benchmark rows) or raises ResultsError."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise ResultsError(f"cannot read {path}: {e.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ResultsError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise ResultsError(f"{path} is not a Google Benchmark results file "
                           "(expected an object with a \"benchmarks\" list)")
    ctx = doc.get("context", {})
    if not isinstance(ctx, dict):
        raise ResultsError(f"{path}: \"context\" is not an object")
    rows = [r for r in doc["benchmarks"] if isinstance(r, dict) and isinstance(r.get("name"), str)]
    return ctx, rows


# The row-name grammar has one parser, csplab_bench/names.py; aggregates.py is the one place
# aggregates are computed.
from .. import aggregates  # noqa: E402
from ..names import key_of  # noqa: E402
from ..names import parse as parse_name  # noqa: E402


class Stat:
    """Median, min, max and coefficient of variation of one measure over repetitions."""

    def __init__(self, median=None, lo=None, hi=None, cv=None, n=0):
        self.median, self.min, self.max, self.cv, self.n = median, lo, hi, cv, n

    @classmethod
    def of(cls, values):
        v = [x for x in values if aggregates.is_number(x)]
        if len(v) < 2:
            return cls(v[0], v[0], v[0], None, 1) if v else cls()
        a = aggregates.reduce(v)
        return cls(a["median"], a["min"], a["max"], a["cv"], len(v))

    def ok(self):
        return self.median is not None


class Instance:
    """One benchmark instance: its identity and its figures (times in ns per operation)."""

    def __init__(self, name, prim, scenario, impl, args):
        self.name, self.prim, self.scenario, self.impl, self.args = name, prim, scenario, impl, args
        self.key = key_of(prim, scenario, args)
        self.reps, self.aggs = [], {}
        self.error = None
        # Per round (repetition_index -> value): wall ns/op, CPU ns/op, and the machine-state
        # canary measured before the round's turn of this comparison (None when absent).
        self.rounds, self.cpu_rounds, self.canary = {}, {}, {}
        self.wall = self.cpu = Stat()
        self.counters = {}  # counter -> median over repetitions

    def arg(self, name):
        for k, v in self.args:
            if k == name:
                return v
        return None

    def other_args(self, without):
        return tuple((k, v) for k, v in self.args if k != without)

    def _finish(self):
        for r in self.reps + list(self.aggs.values()):
            if r.get("error_occurred"):
                self.error = str(r.get("error_message") or "error")
        good = [r for r in self.reps if not r.get("error_occurred")]
        # One of Go's own benchmarks (gobench.py marks their rows), not a program of csplab's.
        self.go_origin = any(r.get("go_origin") is True for r in self.reps)
        for i, r in enumerate(good):
            k = r.get("repetition_index", i)
            self.rounds[k], self.cpu_rounds[k] = _ns(r, "real_time"), _ns(r, "cpu_time")
            self.canary[k] = r.get("canary_rt_ns") if _is_num(r.get("canary_rt_ns")) else None
        if good:
            self.wall = Stat.of([_ns(r, "real_time") for r in good])
            self.cpu = Stat.of([_ns(r, "cpu_time") for r in good])
            names = {k for r in good for k, v in r.items() if k not in _STANDARD and _is_num(v)}
            self.counters = {c: Stat.of([r.get(c) for r in good]).median for c in sorted(names)}
        elif not self.reps and "median" in self.aggs:
            self.wall = self._from_aggs("real_time")
            self.cpu = self._from_aggs("cpu_time")
            med = self.aggs["median"]
            self.counters = {k: v for k, v in sorted(med.items())
                             if k not in _STANDARD and _is_num(v)}
        if self.wall.ok():
            self.error = None  # some repetitions failed, the others count

    @property
    def samples(self):
        """The wall ns/op of every good round: what the significance tests compare."""
        return [v for v in self.rounds.values() if v is not None]

    def _from_aggs(self, field):
        a = self.aggs
        get = lambda n: _ns(a[n], field) if n in a else None  # noqa: E731
        # Google Benchmark writes cv as a fraction (its "percentage" unit is only for display).
        cv = a.get("cv", {}).get(field)
        n = int(a["median"].get("repetitions") or 0)
        return Stat(get("median"), get("min"), get("max"), cv, n)


def _is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _ns(row, field):
    v = row.get(field)
    if not _is_num(v):
        return None
    return v * _TIME_UNITS.get(row.get("time_unit", "ns"), 1.0)


class Results:
    """Every instance of a run, in the order the run produced them."""

    def __init__(self, ctx, rows):
        self.ctx = ctx
        self.instances = []
        self.skipped = []  # names that do not follow the contract
        by_name = {}
        for r in rows:
            name = r.get("run_name") or r["name"]
            if r.get("run_type") == "aggregate" and not r.get("run_name"):
                suffix = "_" + str(r.get("aggregate_name", ""))
                if name.endswith(suffix):
                    name = name[: -len(suffix)]
            inst = by_name.get(name)
            if inst is None:
                parsed = parse_name(name)
                if parsed is None:
                    if name not in self.skipped:
                        self.skipped.append(name)
                    continue
                inst = by_name[name] = Instance(name, *parsed)
                self.instances.append(inst)
            if r.get("run_type") == "aggregate":
                inst.aggs[str(r.get("aggregate_name"))] = r
            else:
                inst.reps.append(r)
        for inst in self.instances:
            inst._finish()

    def prims(self):
        """Primitives in the report's fixed order (order.py)."""
        return order.prims(i.prim for i in self.instances)

    def impls(self):
        """Implementation names in the report's fixed order (order.py: the registry's, go and
        null last), whatever order the run measured them in."""
        return order.impls(self.ctx, (i.impl for i in self.instances))

    def family(self, impl):
        return order.family_of(self.ctx, impl)

    def keys(self, prim=None):
        """Row keys by primitive (fixed order), scenario (by name), then arguments (numbers
        numerically)."""
        rank = {p: n for n, p in enumerate(self.prims())}
        seen = {}
        for i in self.instances:
            if prim is None or i.prim == prim:
                seen.setdefault(i.key, (rank[i.prim], i.scenario, sort_args(i.args)))
        return sorted(seen, key=lambda k: seen[k])

    def by_key(self, key):
        """{impl: Instance} for one key."""
        return {i.impl: i for i in self.instances if i.key == key}

    def has_impl(self, impl):
        return any(i.impl == impl for i in self.instances)

    def num_cpus(self):
        try:
            return int(self.ctx.get("num_cpus"))
        except (TypeError, ValueError):
            return None


def sort_args(args):
    return tuple((k, (0, v, "") if isinstance(v, (int, float)) else (1, 0, str(v)))
                 for k, v in args)
