"""Two runs compared, benchstat-style: `make compare OLD=<run> NEW=<run>` or
`bench/run.py --compare OLD NEW` (a run is a run directory or its results.json).

Per benchmark row present in both: the old and new medians over their rounds with their spread,
the change new/old - 1 with its confidence interval (stats.ratio_interval: Hodges-Lehmann over
the two runs' rounds), the Mann-Whitney U p-value, and "~" in place of the change when it is not
significant. Then the geometric mean of new/old over those rows, the rows only one run has, and
how the verdicts of the old run fared in the new (confirmed, now a tie, reversed): the figure
docs/benchmarks.md calls the reproducibility of a verdict. The text is printed and written to
<NEW>/compare-<OLD run id>.txt.
"""

import os

from . import stats
from .model import GO_IMPL, Results, ResultsError, load
from .verdicts import Verdicts


def open_run(where):
    """(run directory, Results) of a run directory or a results.json path."""
    path = where
    if os.path.isdir(where):
        path = os.path.join(where, "results.json")
    if not os.path.isfile(path):
        raise ResultsError(f"{where}: no results.json there (a run directory of bench/run.py, "
                           "or its results.json, is expected)")
    ctx, rows = load(path)
    res = Results(ctx, rows)
    if not res.instances:
        raise ResultsError(f"{path} holds no benchmark result")
    return os.path.dirname(os.path.abspath(path)), res


def _ns(v):
    if v is None:
        return "\u2014"
    return f"{v:,.0f}" if v >= 1000 else f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 \
        else f"{v:.2f}"


def _spread(inst):
    s = inst.wall
    if s.n < 2 or not s.median:
        return ""
    return f"\u00b1{max(s.median - s.min, s.max - s.median) / s.median:.0%}"


def _pct(r):
    return f"{(r - 1) * 100:+.1f}%"


def rows_of(old, new):
    """The table: [(name, old cell, new cell, change, interval, p, n)], the geometric mean of
    new/old, and the names only one side has."""
    a = {i.name: i for i in old.instances if i.wall.ok()}
    b = {i.name: i for i in new.instances if i.wall.ok()}
    table, ratios = [], []
    ordered = [i.name for k in old.keys() for i in old.by_key(k).values()]
    for name in [n for n in ordered if n in a and n in b]:
        x, y = a[name], b[name]
        v = stats.Verdict(y.samples, x.samples)
        est = y.wall.median / x.wall.median
        ratios.append(est)
        change = _pct(est) if v.sign else "~"
        interval = (f"{_pct(v.low)} .. {_pct(v.high)}" if v.low is not None else "")
        p = "" if v.p is None else f"p={v.p:.3f}"
        table.append((_short(name), f"{_ns(x.wall.median)} {_spread(x)}",
                      f"{_ns(y.wall.median)} {_spread(y)}", change, interval, p,
                      f"n={len(x.samples)}+{len(y.samples)}"))
    only_old = [_short(n) for n in a if n not in b]
    only_new = [_short(n) for n in b if n not in a]
    return table, stats.geomean(ratios), only_old, only_new


def _short(name):
    return name[: -len("/manual_time")] if name.endswith("/manual_time") else name


def verdict_changes(old, new):
    """How the old run's significant verdicts fared in the new one: {"winners": (confirmed,
    tie, reversed, [reversed keys]), "vs go": (...)}. A winner is confirmed when the new run
    names the same winner, a tie when the old winner is in the new run's tied group, reversed
    otherwise. A ratio to Go (per implementation and key) significant in the old run is
    confirmed when significant the same way in the new one, a tie when not significant,
    reversed when significant the other way."""
    vo, vn = Verdicts(old), Verdicts(new)
    win = [0, 0, 0, []]
    go = [0, 0, 0, []]
    for key, co in vo.by_key.items():
        cn = vn.by_key.get(key)
        if cn is None:
            continue
        if co.winner is not None and cn.tested:
            w = co.winner.impl
            if cn.winner is not None and cn.winner.impl == w:
                win[0] += 1
            elif w in cn.tied:
                win[1] += 1
            else:
                win[2] += 1
                win[3].append(f"{key}: {w} -> {cn.winner_text('winner')}")
        for impl in co.group:
            if impl == GO_IMPL:
                continue
            a, b = co.vs(impl, GO_IMPL), cn.vs(impl, GO_IMPL)
            if a is None or b is None or not a.sign or not b.tested:
                continue
            if b.sign == a.sign:
                go[0] += 1
            elif b.sign == 0:
                go[1] += 1
            else:
                go[2] += 1
                go[3].append(f"{key}: {impl} {a.ratio:.2f}x -> {b.ratio:.2f}x go")
    return {"winners": tuple(win), "vs go": tuple(go)}, vo.state, vn.state


def _table(head, rows):
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "  ".join(  # noqa: E731
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return [fmt(head)] + [fmt(r) for r in rows]


def _describe(label, d, res):
    c = res.ctx
    return (f"{label}: {d} (commit {c.get('git_commit', '?')}, profile {c.get('profile', '?')}, "
            f"{c.get('rounds', '?')} rounds, {c.get('date', '?')})")


def text(old_dir, old, new_dir, new):
    lines = [_describe("old", old_dir, old), _describe("new", new_dir, new)]
    if not stats.HAVE_SCIPY:
        lines.append("no significance tests: scipy is not available to this Python "
                     "(run under /usr/bin/python3 with python3-scipy)")
    table, gm, only_old, only_new = rows_of(old, new)
    head = ("benchmark", "old ns/op", "new ns/op", "change", f"{stats.LEVEL:.0%} interval", "p",
            "rounds")
    lines.append("")
    lines += _table(head, table) if table else ["(no benchmark in both runs)"]
    if gm is not None:
        lines.append(f"geomean of new/old over {len(table)} rows: {_pct(gm)}")
    lines.append(f"~: no significant change (two-sided Mann-Whitney U over the rounds, "
                 f"p >= {stats.ALPHA}); \u00b1: largest distance of a round from the median.")
    for label, names in (("only in old", only_old), ("only in new", only_new)):
        if names:
            lines.append("")
            lines.append(f"{label} ({len(names)}):")
            lines += ["  " + n for n in names]
    changes, so, sn = verdict_changes(old, new)
    lines.append("")
    lines.append("verdicts of the old run in the new one:")
    for what, (conf, tie, rev, which) in changes.items():
        total = conf + tie + rev
        lines.append(f"  {what}: {total} significant in old; {conf} confirmed, {tie} now a tie, "
                     f"{rev} reversed")
        lines += ["    reversed: " + w for w in which]
    for label, s in (("old", so), ("new", sn)):
        if s.measured():
            lines.append(f"  machine state, {label} run: {s.summary()}")
    return "\n".join(lines) + "\n"


def compare(old_where, new_where):
    """Returns (the comparison's text, the path it was written to)."""
    old_dir, old = open_run(old_where)
    new_dir, new = open_run(new_where)
    out = text(old_dir, old, new_dir, new)
    run_id = old.ctx.get("run_id") or os.path.basename(old_dir)
    path = os.path.join(new_dir, f"compare-{run_id}.txt")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(out)
    os.replace(tmp, path)
    return out, path
