"""The run directory of bench/run.py and what goes into its results.json: where runs live
(<reports>/<run-id>/ and the `latest` link), reading the JSON-lines files the benchmark programs
append to, and the facts about the machine, the checkout and Go that make up the context.
Python 3 standard library only.
"""

import datetime
import json
import math
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def say(msg):
    """A message of the benchmark run, on stderr."""
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def fail(msg, status=2):
    say(msg)
    sys.exit(status)


def git_commit():
    """(short commit, the same with a note when the checkout has uncommitted changes)"""
    r = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if r.returncode != 0:
        return "nogit", "not a git checkout"
    short = r.stdout.strip()
    d = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return short, short + (" (with uncommitted changes)" if d.stdout.strip() else "")


def make_run_dir(reports_dir, commit):
    """Creates <reports>/<UTC time>-<commit>[-n]/ and returns its name (the run id)."""
    os.makedirs(reports_dir, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = f"{stamp}-{commit}"
    run_id, n = base, 2
    while True:
        try:
            os.mkdir(os.path.join(reports_dir, run_id))
            return run_id
        except FileExistsError:
            run_id, n = f"{base}-{n}", n + 1


def point_latest(reports_dir, run_id):
    """reports/latest -> run_id, replaced atomically (a new link renamed over the old one).
    Returns None, or why it could not."""
    latest = os.path.join(reports_dir, "latest")
    tmp = os.path.join(reports_dir, f".latest.{os.getpid()}")
    try:
        os.symlink(run_id, tmp)
        os.replace(tmp, latest)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return f"cannot point {latest} at {run_id}: {e.strerror}"
    return None


def read_jsonl(path):
    """(contexts, rows, bad line count) of a JSON-lines file; a missing file is empty. A line cut
    short by an interruption is skipped."""
    ctxs, rows, bad = [], [], 0
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    bad += 1
                    continue
                if isinstance(obj, dict) and isinstance(obj.get("context"), dict):
                    ctxs.append(obj["context"])
                elif isinstance(obj, dict) and isinstance(obj.get("name"), str):
                    rows.append(obj)
                else:
                    bad += 1
    except FileNotFoundError:
        pass
    return ctxs, rows, bad


# The aggregates Google Benchmark computes over repetitions (csplab-bench adds min and max), with
# its units: cv is a fraction, its "percentage" unit is for display.
def _cv(v):
    mean = statistics.mean(v)
    return statistics.stdev(v) / mean if mean else 0.0


AGGREGATES = [("mean", "time", statistics.mean), ("median", "time", statistics.median),
              ("stddev", "time", statistics.stdev), ("cv", "percentage", _cv),
              ("min", "time", min), ("max", "time", max)]
# Row fields that are not measures (a counter is any other numeric field).
_NOT_MEASURES = {
    "name", "run_name", "run_type", "family_index", "per_family_instance_index", "repetitions",
    "repetition_index", "threads", "aggregate_name", "aggregate_unit", "error_occurred",
    "error_message", "iterations", "time_unit", "origin", "label",
}


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


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
        measures = [k for k in good[0] if k not in _NOT_MEASURES]
        base = {k: v for k, v in good[0].items() if k in _NOT_MEASURES}
        base.pop("repetition_index", None)
        for agg, unit, f in AGGREGATES:
            row = dict(base, name=f"{run_name}_{agg}", run_name=run_name,
                       run_type="aggregate", aggregate_name=agg, aggregate_unit=unit,
                       repetitions=len(good), iterations=len(good))
            for k in measures:
                v = [r.get(k) for r in good]
                row[k] = f(v) if all(_number(x) for x in v) else None
            out.append(row)
    return out


def machine_context():
    """What csplab-bench's context line says, for runs where it did not run (IMPL=go)."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    u = os.uname()
    try:
        glibc = os.confstr("CS_GNU_LIBC_VERSION").split()[-1]
    except (ValueError, OSError, AttributeError, IndexError):
        glibc = "unknown"
    return {"cpu_model": cpu, "num_cpus": len(os.sched_getaffinity(0)),
            "kernel": f"{u.sysname} {u.release} {u.machine}", "glibc": glibc}


def go_version(go_ctxs):
    for c in go_ctxs:
        for k in ("go_version", "goversion", "version"):
            if c.get(k):
                return str(c[k])
    go = shutil.which("go")
    if not go:
        return None
    r = subprocess.run([go, "env", "GOVERSION"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() or None
