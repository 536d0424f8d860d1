"""The report's plots, drawn by gnuplot from one generated script (kept as plots/plots.gp in the
run directory, so a plot can be redrawn or restyled by hand).

Three kinds, each written as PNG (pngcairo) and SVG:
  - a latency scenario (its rows carry histograms, latency.py): the CDF of every sample, log x,
    one line per implementation (Go's too when its side measured it), and its tail (the fraction
    of samples above x, log y: a percentile curve), two plots per key;
  - a scenario with a `threads` argument: wall ns/op against thread count, one line per
    implementation with min-max error bars, a dotted vertical line at the machine's core count;
    one plot per combination of its other arguments;
  - any other scenario: bars of the median wall ns/op with min-max error bars, one bar per
    implementation, clustered by argument combination when the scenario has arguments.
The y axis turns logarithmic when the values in one plot span more than LOG_SPAN.
Colours come from palette.py, so an implementation looks the same in every plot.
"""

import math
import os
import re
import shutil
import subprocess

from . import latency, palette
from .model import sort_args

LOG_SPAN = 30.0
SIZE = "760,430"
YLABEL = "wall ns/op, median (bars: min-max)"


class Plot:
    def __init__(self, stem, prim, title, kind, keys):
        self.stem, self.prim, self.title, self.kind, self.keys = stem, prim, title, kind, keys
        self.png = f"plots/{stem}.png"
        self.svg = f"plots/{stem}.svg"


def _q(s):
    """A gnuplot single-quoted string."""
    return "'" + str(s).replace("'", "''") + "'"


def _stem(text, used):
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", text.replace(":", "-")).strip("_") or "plot"
    stem, n = s, 2
    while stem in used:
        stem, n = f"{s}_{n}", n + 1
    used.add(stem)
    return stem


def _fmt(x):
    return repr(float(x))


def _yaxis(values):
    """gnuplot lines for the y axis given every plotted value (min, median, max)."""
    pos = [v for v in values if v is not None and v > 0]
    if pos and max(pos) / min(pos) > LOG_SPAN:
        floor = 10 ** math.floor(math.log10(min(pos)))
        return ["set logscale y 10", f"set yrange [{_fmt(floor)}:*]",
                f"set ylabel {_q(YLABEL + ', log scale')}"], floor
    return ["unset logscale y", "set yrange [0:*]"], 0.0


def _header(p, ylabel):
    return [
        "reset",
        f"set terminal pngcairo size {SIZE} font 'sans,10' noenhanced",
        f"set output {_q(p.png)}",
        f"set title {_q(p.title)}",
        "set key outside right top",
        "set grid ytics lc rgb '#dddddd'",
        "set border 3",
        "set tics nomirror",
        "set format y '%g'",
        f"set ylabel {_q(ylabel)}",
    ]


def _footer(p):
    return [
        f"set terminal svg size {SIZE} font 'sans,10' noenhanced background '#ffffff'",
        f"set output {_q(p.svg)}",
        "replot",
        "unset output",
        "",
    ]


def _line_plot(p, series, ncpu, impls):
    """series: {impl: [(threads, median, min, max)]}."""
    lines = []
    names = [i for i in impls if i in series]
    for n, impl in enumerate(names):
        lines.append(f"$L{n} << EOD")
        lines += [" ".join(_fmt(v) for v in pt) for pt in sorted(series[impl])]
        lines.append("EOD")
    xs = sorted({pt[0] for pts in series.values() for pt in pts} | ({ncpu} if ncpu else set()))
    ylines, _ = _yaxis([v for pts in series.values() for pt in pts for v in pt[1:]])
    lines += _header(p, YLABEL)
    lines += ylines
    lines += [
        "set logscale x 2",
        f"set xrange [{_fmt(xs[0] / 1.4)}:{_fmt(xs[-1] * 1.4)}]",
        "set xtics (" + ", ".join(f"'{x:g}' {_fmt(x)}" for x in xs) + ")",
        "set xlabel 'threads'",
    ]
    if ncpu:
        lines += [
            f"set arrow 1 from {ncpu}, graph 0 to {ncpu}, graph 1 nohead dt 3 lw 1.5 "
            "lc rgb '#888888'",
            f"set label 1 {_q(f'{ncpu} cores')} at {ncpu}, graph 1 offset 0.6,-0.8 "
            "tc rgb '#666666'",
        ]
    parts = []
    for n, impl in enumerate(names):
        style = (f"lw 2 pt {palette.point(impl)} ps 0.8 dt {palette.dash(impl)} "
                 f"lc rgb {_q(palette.colour(impl))}")
        parts.append(f"$L{n} using 1:2:3:4 with yerrorlines {style} title {_q(impl)}")
    lines.append("plot " + ", \\\n     ".join(parts))
    return lines + _footer(p)


def _bar_plot(p, clusters, data, impls):
    """clusters: labels; data: {impl: {cluster index: (median, min, max)}}."""
    names = [i for i in impls if i in data]
    width = 0.8 / max(1, len(names))
    ylines, floor = _yaxis([v for d in data.values() for t in d.values() for v in t])
    lines = []
    bars = []
    for n, impl in enumerate(names):
        lines.append(f"$B{n} << EOD")
        for c, (med, lo, hi) in sorted(data[impl].items()):
            x = c - 0.4 + width * (n + 0.5)
            lines.append(" ".join(_fmt(v) for v in
                                  (x, med, x - width * 0.45, x + width * 0.45, floor, med, lo, hi)))
            bars.append((x, impl))
        lines.append("EOD")
    lines += _header(p, YLABEL)
    lines += ylines
    lines.append(f"set xrange [-0.6:{_fmt(len(clusters) - 0.4)}]")
    if len(clusters) == 1:
        # One cluster: name each bar under it; the legend would only repeat the names.
        rot = "rotate by -30 " if len(bars) > 6 else ""
        lines.append(f"set xtics {rot}(" +
                     ", ".join(f"{_q(impl)} {_fmt(x)}" for x, impl in sorted(bars)) + ")")
        lines.append("unset key")
    else:
        lines.append("set xtics (" +
                     ", ".join(f"{_q(c)} {n}" for n, c in enumerate(clusters)) + ")")
    parts = []
    labels = len(bars) <= 16
    for n, impl in enumerate(names):
        col = _q(palette.colour(impl))
        parts.append(f"$B{n} using 1:2:3:4:5:6 with boxxyerror fs solid 0.85 noborder "
                     f"lc rgb {col} title {_q(impl)}")
        # min-max as a capped vector (gnuplot's errorbars leave a gap around the median)
        parts.append(f"$B{n} using 1:7:(0):($8-$7) with vectors heads size screen 0.006,90 "
                     "lc rgb '#333333' notitle")
        if labels:
            parts.append(f"$B{n} using 1:8:($2 >= 1000 ? sprintf('%.0f', $2) : "
                         "sprintf('%.3g', $2)) with labels offset 0,0.6 "
                         "font ',8' tc rgb '#333333' notitle")
    lines.append("plot " + ", \\\n     ".join(parts))
    return lines + _footer(p)


TAIL_FLOOR = 1e-5  # the tail plot's lowest fraction: the 99.999th percentile


def _cdf_plot(p, series, impls, tail):
    """series: {impl: [(ns, fraction)]}. tail: draw the fraction of samples above x on a log
    y axis (a percentile curve: 0.01 is the 99th percentile, 0.001 the 99.9th) instead of the
    CDF."""
    names = [i for i in impls if i in series]
    lines = []
    for n, impl in enumerate(names):
        lines.append(f"$C{n} << EOD")
        for x, y in series[impl]:
            y = max(1 - y, TAIL_FLOOR / 2) if tail else y  # a finished tail sits below the axis
            lines.append(f"{_fmt(x)} {_fmt(y)}")
        lines.append("EOD")
    lines += _header(p, "fraction of samples > x, log scale" if tail else
                     "fraction of samples \u2264 x")
    lines += (["set logscale y 10", f"set yrange [{_fmt(TAIL_FLOOR)}:1.2]",
               "set ytics ('1' 1, '0.1' 0.1, '0.01 (p99)' 0.01, '0.001 (p99.9)' 0.001, "
               "'1e-4' 1e-4, '1e-5' 1e-5)"] if tail else
              ["set yrange [0:1.02]", "set ytics 0.1"])
    lines += ["set logscale x 10", "set format x '%.0s%c'", "set xlabel 'latency, ns (log scale)'",
              "set key outside right top", "set grid xtics ytics lc rgb '#dddddd'"]
    parts = [f"$C{n} using 1:2 with steps lw 2 dt {palette.dash(impl)} "
             f"lc rgb {_q(palette.colour(impl))} title {_q(impl)}"
             for n, impl in enumerate(names)]
    lines.append("plot " + ", \\\n     ".join(parts))
    return lines + _footer(p)


def _cdf_plans(res, prim, impls, used):
    out = []
    for key in res.keys(prim):
        series = {impl: latency.cdf(latency.histogram(i)) for impl, i in res.by_key(key).items()}
        series = {k: v for k, v in series.items() if v}
        if not series:
            continue
        p = Plot(_stem(key + "_cdf", used), prim, key + " - latency CDF", "cdf", [key])
        out.append((p, _cdf_plot(p, series, impls, False)))
        p = Plot(_stem(key + "_tail", used), prim, key + " - latency tail (percentiles)", "cdf",
                 [key])
        out.append((p, _cdf_plot(p, series, impls, True)))
    return out


def _triple(inst):
    w = inst.wall
    return (w.median, w.min if w.min is not None else w.median,
            w.max if w.max is not None else w.median)


def plan(res):
    """[(Plot, gnuplot lines)] for every plot of the run."""
    impls = res.impls()
    ncpu = res.num_cpus()
    used = set()
    out = []
    for prim in res.prims():
        insts = [i for i in res.instances if i.prim == prim and i.wall.ok()]
        groups = {}  # (scenario, other args) -> instances, in run order
        for i in insts:
            threaded = i.arg("threads") is not None
            g = (i.scenario, i.other_args("threads") if threaded else (), threaded)
            groups.setdefault(g, []).append(i)
        out += _cdf_plans(res, prim, impls, used)
        for (scenario, others, threaded), members in sorted(
                groups.items(), key=lambda g: (g[0][0], sort_args(g[0][1]), g[0][2])):
            if scenario in latency.WALL_SAYS_LITTLE:
                continue  # its CDF is the result
            keys = sorted({i.key for i in members})
            if threaded:
                title = "/".join([prim, scenario] + [f"{k}:{v}" for k, v in others])
                series = {}
                for i in members:
                    series.setdefault(i.impl, []).append((i.arg("threads"),) + _triple(i))
                p = Plot(_stem(title, used), prim, title + " - wall time by threads", "line",
                         keys)
                out.append((p, _line_plot(p, series, ncpu, impls)))
            else:
                title = f"{prim}/{scenario}"
                combos = sorted({i.args for i in members}, key=sort_args)
                labels = [" ".join(f"{k}:{v}" for k, v in a) or scenario for a in combos]
                data = {}
                for i in members:
                    data.setdefault(i.impl, {})[combos.index(i.args)] = _triple(i)
                p = Plot(_stem(title, used), prim, title + " - wall time", "bar", keys)
                out.append((p, _bar_plot(p, labels, data, impls)))
    return out


def draw(run_dir, res, log):
    """Writes plots/plots.gp and runs gnuplot; returns (the Plots whose PNG and SVG exist, the
    number of plots planned)."""
    planned = plan(res)
    if not planned:
        return [], 0
    os.makedirs(os.path.join(run_dir, "plots"), exist_ok=True)
    for p, _ in planned:  # a plot left from an earlier report must not pass for a new one
        for f in (p.png, p.svg):
            try:
                os.unlink(os.path.join(run_dir, f))
            except FileNotFoundError:
                pass
    script = os.path.join("plots", "plots.gp")
    with open(os.path.join(run_dir, script), "w", encoding="utf-8") as f:
        f.write("# Generated by csplab_bench.report: every plot of this run. Redraw with\n"
                "#   cd <run dir> && gnuplot plots/plots.gp\n\n")
        for _, lines in planned:
            f.write("\n".join(lines) + "\n")
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        log("report: gnuplot not found, the report has no plots "
            "(scripts/deps.sh installs gnuplot-nox)")
        return [], len(planned)
    r = subprocess.run([gnuplot, script], cwd=run_dir, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        tail = "\n".join(r.stderr.strip().splitlines()[-8:])
        log(f"report: gnuplot failed (exit {r.returncode}); plots may be missing:\n{tail}")
    drawn = [p for p, _ in planned
             if all(os.path.isfile(os.path.join(run_dir, f)) for f in (p.png, p.svg))]
    return drawn, len(planned)
