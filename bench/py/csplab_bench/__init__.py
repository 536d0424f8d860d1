"""csplab_bench: the Python half of csplab's benchmark run (docs/benchmarks.md).

    run         the run: argument parsing, rounds, the merge into results.json (bench/run.py
                calls run.main)
    selection   what a run runs: both sides' row lists, the filter, the comparisons
    names       the row-name grammar's one parser and BENCH_FILTER's one dialect
    profiles    the one reader of bench/profiles.tsv on the Python side
    aggregates  the one place aggregates over repetitions are computed
    rundir      the run directory, JSON-lines reading, the machine's context
    gobench     the Go side (python3 -m csplab_bench.gobench, with bench/py on PYTHONPATH)
    report/     results.json -> model -> verdicts -> report.md, index.html, plots

Python 3 standard library only, except the report's statistics (Debian's python3-scipy, hence
/usr/bin/python3).
"""

import os

PY_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bench/py
BENCH_DIR = os.path.dirname(PY_DIR)                                    # bench
ROOT = os.path.dirname(BENCH_DIR)                                      # the checkout
GO_DIR = os.path.join(BENCH_DIR, "go")                                 # the Go module
PROFILES_TSV = os.path.join(BENCH_DIR, "profiles.tsv")                 # the profiles


def module_cmd(python, module):
    """(argv, env) that run csplab_bench.<module> as a program in a child process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PY_DIR, env.get("PYTHONPATH")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in the source tree
    return [python, "-m", f"csplab_bench.{module}"], env
