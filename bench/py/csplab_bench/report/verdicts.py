"""The verdicts of a run: who wins each comparison (or who ties), each ratio with its
significance, the tally against Go's own benchmarks, and the machine's state beside them.

A comparison (a key: one scenario with one set of arguments) has one sample per implementation
and round: its wall ns/op. stats.leaders() picks the fastest median and the group none of the
others is significantly faster than the fastest of; a winner is named only when that group is
the fastest alone. The null implementation measures the harness and never competes; Go's row
competes like any other (it is what csplab measures itself against).

Machine state (docs/benchmarks.md, "Machine state"): every round's turn of a comparison carries
the cross-core round trip measured just before it (canary_rt_ns, tools/canary.c). A reading is
*slow* when it is more than SLOW_FACTOR times the run's fastest (the 10th percentile, so one
lucky reading does not decide); a comparison whose rounds saw both states *straddled* a change.
"""

from . import stats
from .model import GO_IMPL, NULL_IMPL

SLOW_FACTOR = 2.0  # the two levels measured on the reference machine are about 4x apart


def fmt_p(p):
    if p is None:
        return "untested"
    return "p<.001" if p < 0.001 else f"p={p:.3f}".replace("0.", ".", 1)


def fmt_times(r):
    """A ratio as '1,234×', '0.85×' or '0.0012×'."""
    return (f"{r:,.0f}" if r >= 100 else f"{r:.2f}" if r >= 0.01 else f"{r:.2g}") + "\u00d7"


def fmt_ratio(v):
    """'0.85× p=.008' when significant, '≈1.02× p=.421' when not, '1.02× untested' with too few
    rounds; a dash without a ratio."""
    if v is None or v.ratio is None:
        return "\u2014"
    mark = "" if v.sign or not v.tested else "\u2248"
    return f"{mark}{fmt_times(v.ratio)} {fmt_p(v.p)}"


def fmt_interval(v):
    if v is None or v.low is None:
        return "\u2014"
    return f"{v.low:.2f}\u2013{v.high:.2f}"


def _span(ratios):
    lo, hi = min(ratios), max(ratios)
    return f"{lo:.2f}\u00d7" if f"{lo:.2f}" == f"{hi:.2f}" else f"{lo:.2f}\u2013{hi:.2f}\u00d7"


class State:
    """The machine's state over a run, from the canary readings of its rows."""

    def __init__(self, res):
        vals = sorted({(i.key, k): c for i in res.instances for k, c in i.canary.items()
                       if c is not None}.values())
        self.readings = vals
        self.base = vals[len(vals) // 10] if vals else None
        self.threshold = self.base * SLOW_FACTOR if vals else None

    def measured(self):
        return bool(self.readings)

    def slow(self, reading):
        return None if reading is None or self.threshold is None else reading > self.threshold

    def of_key(self, group):
        """{round: True (slow) | False (fast)} of one comparison."""
        out = {}
        for inst in group.values():
            for k, c in inst.canary.items():
                s = self.slow(c)
                if s is not None:
                    out.setdefault(k, s)
        return out

    def summary(self):
        v = self.readings
        if not v:
            return None
        slow = sum(1 for x in v if self.slow(x))
        return (f"cross-core round trip {v[0]:.0f}\u2013{v[-1]:.0f} ns "
                f"(median {v[len(v) // 2]:.0f}); readings over {self.threshold:.0f} ns "
                f"({SLOW_FACTOR:g}\u00d7 the run's 10th percentile) count as the slow state: "
                f"{slow} of {len(v)}")


class Comparison:
    """The verdict of one key."""

    def __init__(self, key, group, state):
        self.key, self.group = key, group
        real = {impl: i for impl, i in group.items() if impl != NULL_IMPL and i.wall.ok()}
        best, tied = stats.leaders({impl: i.samples for impl, i in real.items()})
        self.best = real.get(best)
        self.tied = tied
        # Tested: the best and every other real implementation have two or more rounds.
        self.tested = bool(real) and all(len(i.samples) >= 2 for i in real.values())
        self.winner = self.best if self.tested and len(tied) == 1 and len(real) > 1 else None
        rounds = state.of_key(group)
        self.straddled = len(set(rounds.values())) > 1
        self.rounds_state = rounds

    def best_csplab(self):
        """The csplab implementation (not Go, not null) with the lowest median, or None."""
        mine = [i for impl, i in self.group.items()
                if impl not in (GO_IMPL, NULL_IMPL) and i.wall.ok()]
        return min(mine, key=lambda i: (i.wall.median, i.impl)) if mine else None

    def vs(self, impl, ref):
        """stats.Verdict of implementation impl against ref in this comparison, or None."""
        a, b = self.group.get(impl), self.group.get(ref)
        if a is None or b is None or not a.wall.ok() or not b.wall.ok():
            return None
        return stats.Verdict(a.samples, b.samples)

    def by_state(self, impl, ref):
        """When this comparison straddled a change of state: (fast-state ratios, slow-state
        ratios) of impl/ref per round, paired by round; else None."""
        if not self.straddled:
            return None
        a, b = self.group.get(impl), self.group.get(ref)
        if a is None or b is None:
            return None
        fast, slow = [], []
        for k, s in sorted(self.rounds_state.items()):
            x, y = a.rounds.get(k), b.rounds.get(k)
            if x and y:
                (slow if s else fast).append(x / y)
        return fast, slow

    def state_note(self, impl, ref):
        """'beats go when a cache-line round trip is fast, loses when slow', when every round of
        each state says so; None otherwise."""
        split = self.by_state(impl, ref)
        if not split or not split[0] or not split[1]:
            return None
        fast, slow = split
        word = lambda rs: ("beats" if all(r < 1 for r in rs) else  # noqa: E731
                           "loses to" if all(r > 1 for r in rs) else None)
        f, s = word(fast), word(slow)
        if f and s and f != s:
            return (f"{impl} {f} {ref} when a cross-core round trip is fast ({_span(fast)}), "
                    f"{s} it when slow ({_span(slow)})")
        return None

    def winner_text(self, star):
        if self.best is None:
            return "\u2014"
        if not self.tested:
            return f"{self.best.impl} (untested: fewer than 2 rounds)"
        if self.winner is not None:
            return f"{star} {self.winner.impl}"
        names = self.tied if len(self.tied) <= 4 else self.tied[:4] + [f"+{len(self.tied) - 4}"]
        return "tie: " + ", ".join(names)


class Verdicts:
    """Every comparison of a run, and the tally against Go's own benchmarks."""

    def __init__(self, res):
        self.res = res
        self.state = State(res)
        self.by_key = {k: Comparison(k, res.by_key(k), self.state) for k in res.keys()}

    def go_origin_keys(self):
        """Go's own benchmarks: keys whose Go row gobench.py marked go_origin (rows recorded
        before the mark: a Go row without arguments outside calib/, as the ports of Go's
        benchmarks take none)."""
        marked = any(i.go_origin for i in self.res.instances)
        return [k for k, c in self.by_key.items() if GO_IMPL in c.group and (
            c.group[GO_IMPL].go_origin if marked else
            not c.group[GO_IMPL].args and c.group[GO_IMPL].prim != "calib")]

    def against_go(self, key):
        """'won' (some csplab implementation significantly faster than Go), 'lost' (Go
        significantly faster than every one), 'tied', or 'untested'."""
        c = self.by_key[key]
        vs = [c.vs(impl, GO_IMPL) for impl in c.group if impl not in (GO_IMPL, NULL_IMPL)]
        vs = [v for v in vs if v is not None]
        if not vs or not all(v.tested for v in vs):
            return "untested"
        if any(v.sign < 0 for v in vs):
            return "won"
        if all(v.sign > 0 for v in vs):
            return "lost"
        return "tied"

    def go_tally(self):
        out = {"won": [], "tied": [], "lost": [], "untested": []}
        for k in self.go_origin_keys():
            out[self.against_go(k)].append(k)
        return out

    def tally_line(self):
        t = self.go_tally()
        total = sum(len(v) for v in t.values())
        if not total:
            return None
        line = (f"Go's benchmarks: {len(t['won'])} won, {len(t['tied'])} tied, "
                f"{len(t['lost'])} lost")
        if t["untested"]:
            line += f", {len(t['untested'])} untested (fewer than 2 rounds)"
        return line + f" (of {total}; Mann-Whitney U over the rounds, p < {stats.ALPHA})."
