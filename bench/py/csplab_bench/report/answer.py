"""The answer at the top of the report: which implementation to use, for each primitive, use
case and load, by how much, and how sure.

Use cases (the implementations a reader can pick from):
  - "OS threads": a drop-in for pthreads, callable from any thread: every family but coro;
  - "coroutines": inside csplab's coroutine runtime: the coro family only;
  - for a primitive whose rows measure fairness (Jain's index, the `jain` counter of
    MutexThroughput), "OS threads" splits in two: "throughput" (every candidate; a winner below
    FAIR_JAIN is marked unfair) and "fair" (only candidates whose index is FAIR_JAIN or more in
    every row of that load that measures it).
Go is a reference column, never a candidate; the null implementation measures the harness.

Loads, from a row's key (load_of):
  - uncontended: a thread-count argument (THREAD_ARGS) of 1, or one of Go's *Uncontended;
  - contended: a thread count from 2 to the cores, or one of Go's RunParallel benchmarks
    (CONTENDED: as many goroutines as GOMAXPROCS = cores), or a channel scenario fed by
    several tasks;
  - oversubscribed: more threads than cores, or Go's *Slack (SetParallelism(10)).
Rows whose time says little (latency.WALL_SAYS_LITTLE) and rows of no load are left out.

The choice: within a load each candidate's median wall ns/op is divided by the best candidate's
median of the same row; the candidate with the lowest geometric mean of these over the load's
rows (the rows it has) is recommended. Its margin is the geometric mean of its ratio to the
runner-up over the rows both have, with the number of those rows where it is faster at
p < stats.ALPHA (Mann-Whitney U over the rounds, verdicts.py); likewise against pthread
(glibc) and against Go.
"""

import math

from . import latency, stats
from .model import BASE_IMPL, GO_IMPL, NULL_IMPL
from .verdicts import fmt_p

FAIR_JAIN = 0.9
THREAD_ARGS = ("threads", "fanout")
LOADS = ("uncontended", "contended", "oversubscribed")
LOAD_TEXT = {"uncontended": "uncontended", "contended": "contended, \u2264 cores",
             "oversubscribed": "oversubscribed, > cores"}
CORO_FAMILY = "coro"
# Go's RunParallel benchmarks (GOMAXPROCS = cores goroutines) and csplab's channel scenarios fed
# by several tasks: contention at the core count.
CONTENDED = {
    "mutex": {"Mutex", "MutexWork", "MutexSpin", "MutexNoSpin"},
    "rwlock": {"RWMutexWrite100", "RWMutexWrite10", "RWMutexWorkWrite100", "RWMutexWorkWrite10"},
    "chan": {"ChanContended", "ChanSync", "ChanProdCons0", "ChanProdCons10", "ChanProdCons100",
             "ChanSPSC", "ChanMPSC", "ChanMPMC", "ChanSelect2", "SelectProdCons"},
    "waitgroup": {"WaitGroupAddDone", "WaitGroupWait", "WaitGroupActuallyWait"},
}


def load_of(inst, ncpu):
    """'uncontended', 'contended', 'oversubscribed' or None for one instance (see the module)."""
    if inst.scenario in latency.WALL_SAYS_LITTLE:
        return None
    for a in THREAD_ARGS:
        t = inst.arg(a)
        if isinstance(t, (int, float)):
            if t <= 1:
                return "uncontended"
            return "contended" if ncpu and t <= ncpu else "oversubscribed" if ncpu else None
    if inst.scenario in CONTENDED.get(inst.prim, ()):  # whatever its other arguments (cap)
        return "contended"
    if inst.args:
        return None
    if inst.scenario.endswith("Uncontended"):
        return "uncontended"
    if inst.scenario.endswith("Slack"):
        return "oversubscribed"
    return None


def jain(inst):
    v = inst.counters.get("jain") if inst is not None else None
    return v if isinstance(v, (int, float)) else None


def unfair_note(inst):
    """'unfair: jain 0.13' when the instance measured a Jain index below FAIR_JAIN; else None."""
    j = jain(inst)
    return f"unfair: jain {j:.2f}" if j is not None and j < FAIR_JAIN else None


def _geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


class Against:
    """The recommended implementation against another over the rows both have: the geometric
    mean of the ratios of medians, and in how many of the rows the difference is significant
    (faster: wins, slower: losses)."""

    def __init__(self, other, groups, winner):
        self.other = other
        ratios, self.rows, self.wins, self.losses, self.ps = [], 0, 0, 0, []
        for g in groups:
            a, b = g.get(winner), g.get(other)
            if a is None or b is None or not a.wall.ok() or not b.wall.ok():
                continue
            v = stats.Verdict(a.samples, b.samples)
            if v.ratio is None:
                continue
            self.rows += 1
            ratios.append(v.ratio)
            self.wins += v.sign < 0
            self.losses += v.sign > 0
            if v.p is not None:
                self.ps.append(v.p)
        self.ratio = _geomean(ratios)
        self.tested = bool(self.ps) and len(self.ps) == self.rows

    def sig_text(self):
        if not self.rows:
            return ""
        if not self.tested:
            return "untested"
        if self.rows == 1:
            return fmt_p(self.ps[0])
        parts = ([f"faster in {self.wins}/{self.rows} rows"] if self.wins else []) + (
            [f"slower in {self.losses}/{self.rows}"] if self.losses else [])
        return ", ".join(parts) or f"not significant in {self.rows} rows"


class Answer:
    """One line of the answer: a primitive, a use case, a load."""

    def __init__(self, prim, use, load, rows, winner=None, runner=None, scores=None,
                 why_none=None, jain_min=None):
        self.prim, self.use, self.load, self.rows = prim, use, load, rows
        self.winner, self.runner = winner, runner
        self.scores = scores or {}
        self.why_none = why_none
        self.jain = jain_min  # the winner's lowest Jain index in the load, None: not measured
        groups = [g for _, g in rows]
        self.margin = Against(runner, groups, winner) if winner and runner else None
        self.base = (Against(BASE_IMPL, groups, winner)
                     if winner and winner != BASE_IMPL else None)
        self.go = Against(GO_IMPL, groups, winner) if winner else None

    def unfair(self):
        return self.jain is not None and self.jain < FAIR_JAIN

    def reason(self):
        if self.winner is None:
            return self.why_none or "no rows"
        firsts = sum(1 for _, g in self.rows if _fastest(g, self.scores) == self.winner)
        n = sum(1 for _, g in self.rows if self.winner in g)
        m = self.margin
        text = ("the only candidate" if m is None else
                f"fastest in {firsts} of {n} row{'s' if n != 1 else ''}")
        if m is not None and m.tested and m.wins == 0:
            text += f"; a tie with {m.other} (no significant difference)"
        elif m is not None and m.tested and m.wins < m.rows:
            text += f"; faster than {m.other} significantly in {m.wins} of {m.rows}"
        if self.jain is not None and self.load != "uncontended":  # one thread: always 1
            text += f"; Jain \u2265 {self.jain:.2f}" if not self.unfair() else (
                f"; unfair: Jain down to {self.jain:.2f}")
        return text

    def sure(self):
        """True when the recommendation beats the runner-up significantly in every row both
        have (the report's \u2605); False for a tie or an untested margin, None when it is the
        only candidate."""
        m = self.margin
        return None if m is None else bool(m.rows and m.tested and m.wins == m.rows)


def _fastest(group, scores):
    mine = [(i.wall.median, impl) for impl, i in group.items()
            if impl in scores and i.wall.ok()]
    return min(mine)[1] if mine else None


def choose(prim, use, load, rows, candidates, fair=False):
    """The Answer for one primitive, use case and load. rows: [(key, {impl: Instance})];
    candidates: the implementation names allowed (in the report's order, which breaks ties)."""
    allowed = [c for c in candidates if any(c in g and g[c].wall.ok() for _, g in rows)]
    jains = {}
    for c in allowed:
        js = [jain(g[c]) for _, g in rows if c in g]
        js = [j for j in js if j is not None]
        jains[c] = min(js) if js else None
    if fair:
        unfair = [c for c in allowed if jains[c] is not None and jains[c] < FAIR_JAIN]
        allowed = [c for c in allowed if c not in unfair]
        if not allowed:
            return Answer(prim, use, load, rows, why_none=(
                f"no candidate keeps a Jain index \u2265 {FAIR_JAIN} here (best: "
                + ", ".join(f"{c} {jains[c]:.2f}" for c in
                            sorted(unfair, key=lambda c: -jains[c])[:2]) + ")"))
    if not allowed:
        return Answer(prim, use, load, rows, why_none="no rows for these implementations")
    rel = {c: [] for c in allowed}
    for _, g in rows:
        med = {c: g[c].wall.median for c in allowed if c in g and g[c].wall.ok()}
        if not med:
            continue
        best = min(med.values())
        for c, m in med.items():
            rel[c].append(m / best)
    scores = {c: _geomean(v) for c, v in rel.items() if v}
    rank = {c: n for n, c in enumerate(candidates)}
    ordered = sorted(scores, key=lambda c: (scores[c], rank[c]))
    winner = ordered[0]
    runner = ordered[1] if len(ordered) > 1 else None
    return Answer(prim, use, load, rows, winner, runner, scores, jain_min=jains.get(winner))


def answers(res):
    """Every Answer of a run, by primitive (report order), use case, load."""
    ncpu = res.num_cpus()
    impls = [i for i in res.impls() if i not in (GO_IMPL, NULL_IMPL)]
    out = []
    for prim in res.prims():
        by_load = {load: [] for load in LOADS}
        for key in res.keys(prim):
            g = res.by_key(key)
            load = load_of(next(iter(g.values())), ncpu)
            if load:
                by_load[load].append((key, g))
        if not any(by_load.values()):
            continue
        present = {i for rows in by_load.values() for _, g in rows for i in g}
        threads = [i for i in impls if i in present and res.family(i) != CORO_FAMILY]
        coro = [i for i in impls if i in present and res.family(i) == CORO_FAMILY]
        measured_fair = any(jain(i) is not None for rows in by_load.values()
                            for _, g in rows for i in g.values())
        uses = []
        if threads:
            if measured_fair:
                uses += [("OS threads, throughput", threads, False),
                         ("OS threads, fair", threads, True)]
            else:
                uses.append(("OS threads", threads, False))
        if coro:
            uses.append(("coroutines", coro, False))
        for use, cands, fair in uses:
            for load in LOADS:
                if by_load[load]:
                    out.append(choose(prim, use, load, by_load[load], cands, fair))
    return out
