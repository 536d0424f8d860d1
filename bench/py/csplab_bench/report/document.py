"""The report's content, independent of its format: a list of blocks that render_md.py and
render_html.py turn into report.md and index.html.

Blocks: ("h1"|"h2"|"p"|"warn", text), ("table", headers, rows, numeric column indexes[, id]),
("plots", [plots.Plot]). Cells are plain strings. The first section is the answer (answer.py):
which implementation to use per primitive, use case and load, by how much.

Figures: the median wall (and CPU) ns/op over rounds; ratios are of medians from this run
(× pthread: this implementation's median / pthread's for the same key; below 1 is faster), each
with its significance; winners, ties and the tally against Go come from verdicts.py (the null
implementation is harness overhead and shown on its own); spread is the coefficient of variation
across rounds and the min-max range.
"""

from . import answer, latency, stats
from .model import BASE_IMPL, GO_IMPL, NULL_IMPL
from .verdicts import Verdicts, fmt_interval, fmt_ratio, fmt_times

WINNER = "\u2605"  # star before the winner's name
DASH = "\u2014"

CONTEXT_FIELDS = [
    ("cpu_model_full", "CPU"), ("cpu_model", "CPU"), ("cpu_brand", "CPU brand (CPUID)"),
    ("num_cpus", "cores"), ("cpu_mhz", "MHz"),
    ("caches", "caches"), ("cpu_scaling", "CPU frequency scaling"), ("numa_nodes", "NUMA nodes"),
    ("memory", "memory"), ("mm", "kernel memory settings"),
    ("kernel", "kernel"), ("glibc", "glibc"),
    ("compiler", "compiler"), ("build_flags", "flags"), ("go_version", "Go"),
    ("git_commit", "git commit"), ("profile", "profile"), ("rounds", "rounds"),
    ("order", "order"), ("filter", "filter"),
    ("impl", "implementations"), ("date", "date"), ("load_avg", "load average at start"),
    ("load_avg_end", "load average at the end"), ("go_raw", "Go's raw output"),
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
    return fmt_times(a / b)


def pct(cv):
    return DASH if cv is None else f"{cv * 100:.1f}%"


def _median(inst):
    return inst.wall.median if inst is not None and inst.wall.ok() else None


def num(v):
    """A counter's value as a number for a column: thousands separated, 3 significant
    digits below 1000."""
    if v is None:
        return DASH
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def _counter_names(insts):
    """The scenario counters of these instances, in name order (ctxsw has its own column; the
    latency histogram's buckets are drawn, not listed)."""
    return sorted({k for i in insts for k, v in i.counters.items()
                   if k != "ctxsw" and not latency.is_bucket(k) and v is not None})


def _winner_text(c):
    """The summary's winner cell: the star, and the winner's fairness when it is poor."""
    text = c.winner_text(WINNER)
    note = answer.unfair_note(c.winner) if c.winner is not None else None
    return f"{text} ({note})" if note else text


def _context_block(ctx):
    rows = []
    for field, label in CONTEXT_FIELDS:
        v = ctx.get(field)
        if v is None or v == "" or (field == "cpu_model" and ctx.get("cpu_model_full")):
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


def summary(res, v):
    rows = []
    for key in res.keys():
        c = v.by_key[key]
        g = c.group
        null = g.get(NULL_IMPL)
        b = c.best
        state = "straddled" if c.straddled else ""
        if b is None:
            rows.append([key, DASH, DASH, DASH, DASH, DASH, ns(_median(null)), str(len(g)), state])
            continue
        mine = c.best_csplab()
        to_go = c.vs(mine.impl, GO_IMPL) if mine is not None else None
        notes = [n for n in (c.state_note(mine.impl, GO_IMPL) if mine else None,) if n]
        rows.append([key, _winner_text(c), ns(b.wall.median), ns(b.cpu.median),
                     fmt_ratio(c.vs(b.impl, BASE_IMPL)) if b.impl != BASE_IMPL else DASH,
                     (f"{mine.impl} {fmt_ratio(to_go)}" if to_go is not None else DASH),
                     ns(_median(null)), str(len(g)), "; ".join([state] + notes if state else notes)])
    head = ["scenario", "winner", "wall ns/op", "cpu ns/op", "fastest \u00d7 pthread",
            "best csplab \u00d7 go", "null ns/op (harness)", "impls", "machine state"]
    if not any(r[8] for r in rows):
        head, rows = head[:8], [r[:8] for r in rows]
    return ("table", head, rows, {2, 3, 4, 5, 6, 7})


def go_table(res, v):
    """Go-origin keys (no arguments, per the contract) and any key with a Go row: each
    implementation's ratio to Go with its significance, and the verdict against Go."""
    keys = [k for k in res.keys()
            if GO_IMPL in res.by_key(k) or not next(iter(res.by_key(k).values())).args]
    impls = [i for i in res.impls() if i not in (GO_IMPL, NULL_IMPL)]
    origin = set(v.go_origin_keys())
    rows = []
    for key in keys:
        c = v.by_key[key]
        row = [key, ns(_median(c.group.get(GO_IMPL))),
               v.against_go(key) if key in origin else DASH]
        for impl in impls:
            row.append(fmt_ratio(c.vs(impl, GO_IMPL)) if impl in c.group else DASH)
        rows.append(row)
    head = ["scenario", "go ns/op", "csplab vs go"] + [f"{i} \u00d7 go" for i in impls]
    return ("table", head, rows, set(range(3, len(head))) | {1})


def detail(res, prim, v):
    rows = []
    counters = _counter_names(i for i in res.instances if i.prim == prim)
    for key in res.keys(prim):
        c = v.by_key[key]
        g = c.group
        for impl in [i for i in res.impls() if i in g]:
            inst = g[impl]
            unfair = answer.unfair_note(inst) if inst is c.winner else None
            name = (WINNER + " " if inst is c.winner else
                    "= " if c.winner is None and c.tested and impl in c.tied and
                    len(c.tied) > 1 else "") + impl
            if impl == NULL_IMPL:
                name += " (harness)"
            if unfair:
                name += f" ({unfair})"
            if not inst.wall.ok():
                rows.append([key, name, "error: " + (inst.error or "no result")]
                            + [""] * (7 + len(counters)))
                continue
            wl = inst.wall
            spread = f"{ns(wl.min)}\u2013{ns(wl.max)}" if wl.n > 1 else f"n={wl.n}"
            to_go = c.vs(impl, GO_IMPL) if impl != GO_IMPL else None
            rows.append([key, name, ns(wl.median), ns(inst.cpu.median), pct(wl.cv), spread,
                         fmt_ratio(c.vs(impl, BASE_IMPL)) if impl != BASE_IMPL else DASH,
                         fmt_ratio(to_go), fmt_interval(to_go),
                         num(inst.counters.get("ctxsw"))]
                        + [num(inst.counters.get(k)) for k in counters])
    head = ["scenario", "implementation", "wall ns/op", "cpu ns/op", "cv", "min\u2013max",
            "\u00d7 pthread", "\u00d7 go", f"\u00d7 go, {stats.LEVEL:.0%} interval",
            "ctxsw/op"] + counters
    return ("table", head, rows, set(range(2, len(head))))


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


def _against(a, what=None):
    """'0.54× (faster in 3/4 rows)' for an answer.Against; a dash without rows."""
    if a is None or a.ratio is None:
        return DASH
    text = fmt_times(a.ratio)
    if what:
        text = f"{text} {what}"
    sig = a.sig_text()
    return f"{text} ({sig})" if sig else text


ANSWER_HEAD = ["primitive", "use case", "load", "use this", "\u00d7 the next best",
               "\u00d7 pthread (glibc)", "\u00d7 go (reference)", "why"]


def answer_table(res):
    rows = []
    for a in answer.answers(res):
        if a.winner is None:
            rows.append([a.prim, a.use, answer.LOAD_TEXT[a.load], DASH, DASH, DASH, DASH,
                         a.reason()])
            continue
        name = (WINNER + " " if a.sure() else "") + a.winner
        if a.unfair():
            name += f" (unfair: jain {a.jain:.2f})"
        base = "is glibc's" if a.winner == BASE_IMPL else _against(a.base)
        rows.append([a.prim, a.use, answer.LOAD_TEXT[a.load], name,
                     _against(a.margin, a.runner), base, _against(a.go), a.reason()])
    return ("table", ANSWER_HEAD, rows, {4, 5, 6}, "answer")


def answer_blocks(res):
    t = answer_table(res)
    intro = ("Per primitive, use case and load, the implementation to use. \u00d7: its time "
             "divided by the other's (geometric mean over the load's rows; below 1.00 it is "
             "faster), with the p-value, or the rows where the difference is significant "
             f"(Mann-Whitney U, p < {stats.ALPHA}). {WINNER}: faster than the next best in "
             "every row; without it, a tie. OS threads: a drop-in for pthreads; coroutines: "
             "inside csplab's coroutine runtime only. Fair: Jain's index \u2265 "
             f"{answer.FAIR_JAIN} in every row. Go is a reference, never recommended. "
             "docs/benchmarks.md, \u201cThe answer\u201d, has the rules.")
    return [("h2", ANSWER_TITLE), ("p", intro), t if t[2] else
            ("p", "No row of this run maps to a load (uncontended, contended, oversubscribed).")]


ANSWER_TITLE = "Which to use"

CALIB_PRIM = "calib"  # rows that measure the harness's parts (docs/benchmarks.md, "Calibration")
CALIB_TOLERANCE = 0.10


def calibration(res, v):
    """Is the comparison with Go like for like? For each of Go's own benchmarks the harness's
    null implementation (the port's loop and local work, no synchronisation) beside Go's whole
    figure, which it must not significantly exceed; and the calib/ rows (local work alone, C and
    Go), which must not differ significantly by more than CALIB_TOLERANCE."""
    rows = []
    for key in v.go_origin_keys():
        c = v.by_key[key]
        to_go = c.vs(NULL_IMPL, GO_IMPL)
        if to_go is None:
            continue
        check = ("null costs more than Go's whole benchmark (docs/benchmarks.md, Calibration, "
                 "lists the known cases and why)" if to_go.sign > 0 else
                 "ok" if to_go.sign < 0 else "ok: no significant difference")
        rows.append([key, ns(_median(c.group[NULL_IMPL])), ns(_median(c.group[GO_IMPL])),
                     fmt_ratio(to_go), check])
    for key in res.keys(CALIB_PRIM):
        c = v.by_key[key]
        for impl in [i for i in c.group if i != GO_IMPL]:
            to_go = c.vs(impl, GO_IMPL)
            if to_go is None:
                continue
            off = abs(to_go.ratio - 1) > CALIB_TOLERANCE
            check = (f"differ by more than {CALIB_TOLERANCE:.0%}" if off and to_go.sign else
                     "ok" if not off else "ok: no significant difference")
            rows.append([f"{key} ({impl} vs go)", ns(_median(c.group[impl])),
                         ns(_median(c.group[GO_IMPL])), fmt_ratio(to_go), check])
    if not rows:
        return None
    head = ["benchmark", "null (C harness) ns/op", "go ns/op", "null \u00d7 go", "check"]
    return ("table", head, rows, {1, 2, 3})


def build(res, plots, notes=()):
    ctx = res.ctx
    reps = sorted({i.wall.n for i in res.instances if i.wall.ok()})
    v = Verdicts(res)
    blocks = [("h1", f"csplab benchmarks: {ctx.get('run_id', 'run')}")]
    if not stats.HAVE_SCIPY:
        blocks.append(("warn", "No significance tests: scipy is not available to this Python "
                       "(Debian's /usr/bin/python3 with python3-scipy has it; scripts/deps.sh "
                       "installs it). Every verdict below reads \u201cuntested\u201d."))
    if ctx.get("partial"):
        blocks.append(("warn", "Partial run: interrupted before the end. Only the benchmarks "
                       "that completed are shown."))
    blocks += [("warn", n) for n in notes]
    failures = ctx.get("failures") or []
    if failures:
        blocks.append(("warn", "Failures in this run: " + "; ".join(map(str, failures)) +
                       ". Results that did complete are shown."))
    blocks += answer_blocks(res)
    blocks.append(("h2", "How to read this report"))
    blocks.append(("p", "Times are nanoseconds per operation, the median over rounds "
                   f"(rounds per benchmark: {', '.join(map(str, reps)) or DASH}). "
                   "Wall time is elapsed time; CPU time is the process's CPU over the same "
                   "window, all threads (spinning shows there). \u00d7 pthread and \u00d7 go are "
                   "ratios of medians from this run: below 1.00 is faster. Each carries the "
                   "two-sided Mann-Whitney U p-value of the two implementations' per-round "
                   f"samples; p < {stats.ALPHA} is a difference, otherwise the ratio is marked "
                   "\u2248 (no difference shown). " + WINNER + " marks a winner only when it "
                   f"beats every other implementation at p < {stats.ALPHA}; otherwise the "
                   "summary says \u201ctie\u201d and names the implementations none of the others "
                   "is shown faster than (marked = in the tables). The null implementation only "
                   "measures the harness and never competes. Compare within a run, not across "
                   "runs: machines are shared and noisy; bench/run.py --compare compares two "
                   "runs properly. docs/benchmarks.md explains the scenarios and how to read "
                   "this report."))
    blocks.append(("h2", "Machine and run"))
    blocks.append(_context_block(ctx))
    state = v.state.summary()
    blocks.append(("h2", "Summary"))
    blocks += _go_note(res)
    if state:
        straddled = sum(1 for c in v.by_key.values() if c.straddled)
        blocks.append(("p", f"Machine state: {state}. {straddled} of {len(v.by_key)} "
                       "comparisons straddled a change of state (their rounds saw both); their "
                       "verdicts hold over both states together, and where the rounds of each "
                       "state disagree on who is faster the machine-state column says so."))
    blocks.append(summary(res, v))
    tally = v.tally_line()
    if tally:
        blocks.append(("p", tally))
    blocks.append(("h2", "Against Go"))
    blocks.append(("p", "Go's own benchmarks ported one-to-one (and csplab's Go programs where "
                   "present): each csplab implementation's median wall time divided by Go's "
                   "from the same run, with its p-value. csplab vs go: won when some "
                   "implementation is significantly faster than Go, lost when Go is "
                   "significantly faster than every one, tied otherwise."))
    if res.has_impl(GO_IMPL):
        blocks.append(go_table(res, v))
        cal = calibration(res, v)
        if cal:
            blocks.append(("h2", "Calibration"))
            blocks.append(("p", "Is the comparison with Go like for like? The null "
                           "implementation runs a Go benchmark's port with no synchronisation "
                           "at all: its loop, its parallelism and its local work. It must cost "
                           "no more than Go's whole benchmark, or every implementation loses for "
                           "reasons that are not the primitive's. The calib rows measure the "
                           "local work alone on both sides, which must agree within "
                           f"{CALIB_TOLERANCE:.0%}. Both checks fail only on a significant "
                           "difference (Mann-Whitney U over the rounds)."))
            blocks.append(cal)
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
        blocks.append(detail(res, prim, v))
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
