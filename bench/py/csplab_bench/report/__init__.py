"""csplab's benchmark report: from a run directory's results.json (Google Benchmark's JSON
format, written by bench/run.py) to plots/ (PNG and SVG, via gnuplot), report.md and a
self-contained index.html in the same directory.

    from csplab_bench import report; report.generate("reports/latest")
    # or: bench/run.py --report-only DIR

model.py reads and reduces the results (order.py: the fixed order of implementations,
latency.py: the rows' latency histograms), plots.py draws, answer.py picks the implementation to
use per primitive, use case and load, document.py decides the content, render_md.py and
render_html.py write it out; machine.py is the machine's context that bench/run.py records.
Python 3 standard library only (scipy, when Debian's interpreter has it, for the tests of
significance: stats.py).
"""

import os
import sys

from . import document, plots, render_html, render_md
from .model import Results, ResultsError, load

__all__ = ["generate", "ResultsError"]


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _stderr(msg):
    print(msg, file=sys.stderr, flush=True)


def generate(run_dir, log=_stderr):
    """Writes the report of run_dir; returns the paths written. Raises ResultsError when
    results.json is missing, invalid or holds no result."""
    path = os.path.join(run_dir, "results.json")
    ctx, rows = load(path)
    res = Results(ctx, rows)
    if not res.instances:
        raise ResultsError(f"{path} holds no benchmark result")
    drawn, planned = plots.draw(run_dir, res, log)
    notes = []
    if len(drawn) < planned:
        notes.append(f"{planned - len(drawn)} of {planned} plots are missing: gnuplot is not "
                     "installed or failed (see the messages of the run).")
    blocks = document.build(res, drawn, notes)
    md = os.path.join(run_dir, "report.md")
    page = os.path.join(run_dir, "index.html")
    _write(md, render_md.render(blocks))
    _write(page, render_html.render(blocks, run_dir))
    return [md, page] + [os.path.join(run_dir, p.png) for p in drawn]
