"""The report's content, independent of its format: a list of blocks that render_md.py and
render_html.py turn into report.md and index.html.

Blocks: ("h1"|"h2"|"p"|"warn", text), ("table", headers, rows, numeric column indexes),
("plots", [plots.Plot]). Cells are plain strings.

Figures: the median wall (and CPU) ns/op over repetitions; ratios are of medians from this run
(× pthread: this implementation's median / pthread's for the same key; below 1 is faster); the
winner of a key has the lowest median wall time among the real implementations (the null
implementation is harness overhead and shown on its own); spread is the coefficient of variation
across repetitions and the min-max range.
"""

from .model import BASE_IMPL, GO_IMPL, NULL_IMPL

WINNER = "\u2605"  # star before the winner's name
DASH = "\u2014"

CONTEXT_FIELDS = [
    ("cpu_model", "CPU"), ("num_cpus", "cores"), ("kernel", "kernel"), ("glibc", "glibc"),
    ("compiler", "compiler"), ("build_flags", "flags"), ("go_version", "Go"),
    ("git_commit", "git commit"), ("profile", "profile"), ("rounds", "rounds"),
    ("order", "order"), ("filter", "filter"),
    ("impl", "implementations"), ("date", "date"), ("load_avg", "load average at start"),
    ("run_id", "run"),
]


def ns(v):
    if v is None:
        return DASH
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return DASH
    r = a / b
    text = f"{r:,.0f}" if r >= 100 else f"{r:.2f}" if r >= 0.01 else f"{r:.2g}"
    return text + "\u00d7"


def pct(cv):
    return DASH if cv is None else f"{cv * 100:.1f}%"


def _median(inst):
    return inst.wall.median if inst is not None and inst.wall.ok() else None


def winner(group):
    """The Instance with the lowest median wall time among the real implementations, or None."""
    cands = [i for impl, i in group.items() if impl != NULL_IMPL and i.wall.ok()]
    return min(cands, key=lambda i: i.wall.median) if cands else None


def _counters(inst):
    skip = {"ctxsw"}
    return " ".join(f"{k}={v:.4g}" for k, v in inst.counters.items()
                    if k not in skip and v is not None)


def _context_block(ctx):
    rows = []
    for field, label in CONTEXT_FIELDS:
        v = ctx.get(field)
        if v is None or v == "":
            continue
        if isinstance(v, list):
            v = ("  " if all(isinstance(x, float) for x in v) else "; ").join(
                f"{x:.2f}" if isinstance(x, float) else str(x) for x in v)
        rows.append([label, str(v)])
    return ("table", ["", ""], rows, set())


def _go_note(res):
    if res.has_impl(GO_IMPL):
        src = res.ctx.get("go_source")
        return [("p", f"Go rows: {src}.")] if src else []
    why = res.ctx.get("go_status") or "no Go rows in results.json"
    return [("warn", f"No Go results in this run: {why}. The \u00d7 go columns are empty.")]


def summary(res):
    rows = []
    for key in res.keys():
        g = res.by_key(key)
        w = winner(g)
        base, go, null = g.get(BASE_IMPL), g.get(GO_IMPL), g.get(NULL_IMPL)
        if w is None:
            rows.append([key, DASH, DASH, DASH, DASH, DASH, ns(_median(null)), str(len(g))])
            continue
        rows.append([key, WINNER + " " + w.impl, ns(w.wall.median), ns(w.cpu.median),
                     ratio(w.wall.median, _median(base)), ratio(w.wall.median, _median(go)),
                     ns(_median(null)), str(len(g))])
    head = ["scenario", "winner", "wall ns/op", "cpu ns/op", "\u00d7 pthread", "\u00d7 go",
            "null ns/op (harness)", "impls"]
    return ("table", head, rows, {2, 3, 4, 5, 6, 7})


def go_table(res):
    """Go-origin keys (no arguments, per the contract) and any key with a Go row."""
    keys = [k for k in res.keys()
            if GO_IMPL in res.by_key(k) or not next(iter(res.by_key(k).values())).args]
    impls = [i for i in res.impls() if i not in (GO_IMPL, NULL_IMPL)]
    rows = []
    for key in keys:
        g = res.by_key(key)
        go = _median(g.get(GO_IMPL))
        row = [key, ns(go)]
        for impl in impls:
            row.append(ratio(_median(g.get(impl)), go) if impl in g else DASH)
        rows.append(row)
    head = ["scenario", "go ns/op"] + [f"{i} \u00d7 go" for i in impls]
    return ("table", head, rows, set(range(1, len(head))))


def detail(res, prim):
    rows = []
    for key in res.keys(prim):
        g = res.by_key(key)
        w = winner(g)
        base, go = _median(g.get(BASE_IMPL)), _median(g.get(GO_IMPL))
        for impl in [i for i in res.impls() if i in g]:
            inst = g[impl]
            name = (WINNER + " " if inst is w else "") + impl
            if impl == NULL_IMPL:
                name += " (harness)"
            if not inst.wall.ok():
                rows.append([key, name, "error: " + (inst.error or "no result")] + [""] * 7)
                continue
            wl = inst.wall
            spread = f"{ns(wl.min)}\u2013{ns(wl.max)}" if wl.n > 1 else f"n={wl.n}"
            rows.append([key, name, ns(wl.median), ns(inst.cpu.median), pct(wl.cv), spread,
                         ratio(wl.median, base), ratio(wl.median, go),
                         f"{inst.counters['ctxsw']:.3g}" if "ctxsw" in inst.counters else DASH,
                         _counters(inst)])
    head = ["scenario", "implementation", "wall ns/op", "cpu ns/op", "cv", "min\u2013max",
            "\u00d7 pthread", "\u00d7 go", "ctxsw/op", "counters"]
    if not any(r[9] for r in rows):  # no scenario counters in this primitive
        head, rows = head[:9], [r[:9] for r in rows]
    return ("table", head, rows, {2, 3, 4, 5, 6, 7, 8})


def oversubscription(res, factor=4):
    """Each implementation at threads = cores beside threads = factor x cores, where a scenario
    sweeps threads: what spinning costs once tasks outnumber cores (growth: 4N / N)."""
    n = res.num_cpus()
    if not n:
        return None
    rows = []
    for prim in res.prims():
        for key in res.keys(prim):
            g = res.by_key(key)
            sample = next(iter(g.values()))
            if sample.arg("threads") != n:
                continue
            rest = sample.other_args("threads")
            over = {i.impl: i for i in res.instances if i.prim == prim and
                    i.scenario == sample.scenario and i.arg("threads") == factor * n and
                    i.other_args("threads") == rest}
            label = "/".join([prim, sample.scenario] + [f"{k}:{v}" for k, v in rest])
            for impl in [i for i in res.impls() if i in g and i in over and i != NULL_IMPL]:
                a, b = g[impl], over[impl]
                if not (a.wall.ok() and b.wall.ok()):
                    continue
                rows.append([label, impl, ns(a.wall.median), ns(b.wall.median),
                             ratio(b.wall.median, a.wall.median), ns(a.cpu.median),
                             ns(b.cpu.median), ratio(b.cpu.median, a.cpu.median)])
    if not rows:
        return None
    head = ["scenario", "implementation", f"wall ns/op, {n} threads",
            f"wall, {factor * n} threads", "wall growth", f"cpu ns/op, {n} threads",
            f"cpu, {factor * n} threads", "cpu growth"]
    return ("table", head, rows, {2, 3, 4, 5, 6, 7})


def build(res, plots, notes=()):
    ctx = res.ctx
    reps = sorted({i.wall.n for i in res.instances if i.wall.ok()})
    blocks = [("h1", f"csplab benchmarks: {ctx.get('run_id', 'run')}")]
    if ctx.get("partial"):
        blocks.append(("warn", "Partial run: interrupted before the end. Only the benchmarks "
                       "that completed are shown."))
    blocks += [("warn", n) for n in notes]
    failures = ctx.get("failures") or []
    if failures:
        blocks.append(("warn", "Failures in this run: " + "; ".join(map(str, failures)) +
                       ". Results that did complete are shown."))
    blocks.append(("p", "Times are nanoseconds per operation, the median over repetitions "
                   f"(repetitions per benchmark: {', '.join(map(str, reps)) or DASH}). "
                   "Wall time is elapsed time; CPU time is the process's CPU over the same "
                   "window, all threads (spinning shows there). \u00d7 pthread and \u00d7 go are "
                   "ratios of medians from this run: below 1.00 is faster. " + WINNER +
                   " marks the winner (lowest median wall time; the null implementation only "
                   "measures the harness and is shown on its own). Compare within a run, not "
                   "across runs: machines are shared and noisy. docs/benchmarks.md explains the "
                   "scenarios and how to read this report."))
    blocks.append(("h2", "Machine and run"))
    blocks.append(_context_block(ctx))
    blocks.append(("h2", "Summary"))
    blocks += _go_note(res)
    blocks.append(summary(res))
    blocks.append(("h2", "Against Go"))
    blocks.append(("p", "Go's own benchmarks ported one-to-one (and csplab's Go programs where "
                   "present): each csplab implementation's median wall time divided by Go's "
                   "from the same run."))
    if res.has_impl(GO_IMPL):
        blocks.append(go_table(res))
    else:
        blocks += _go_note(res)
    over = oversubscription(res)
    if over:
        blocks.append(("h2", "Oversubscription"))
        blocks.append(("p", "Where a scenario sweeps the thread count: each implementation with as "
                       "many threads as cores, and with four times as many. Spin locks that "
                       "hand the lock in a fixed order (ticket, MCS) tend to collapse once a waiter "
                       "next in line can be descheduled; CPU time shows the cycles spinning "
                       "burns that wall time hides. Growth is the 4\u00d7 figure divided by the "
                       "1\u00d7 one."))
        blocks.append(over)
    for prim in res.prims():
        blocks.append(("h2", prim))
        mine = [p for p in plots if p.prim == prim]
        if mine:
            blocks.append(("plots", mine))
        blocks.append(detail(res, prim))
    errors = [i for i in res.instances if not i.wall.ok()]
    if errors:
        blocks.append(("h2", "Errors"))
        blocks.append(("table", ["benchmark", "message"],
                       [[i.name, i.error or "no result"] for i in errors], set()))
    if res.skipped:
        blocks.append(("h2", "Rows not understood"))
        blocks.append(("p", "These names do not follow <primitive>/<Scenario>/<impl>[/args]: "
                       + ", ".join(res.skipped)))
    return blocks
