"""The run directory of bench/run.py and what goes into its results.json: where runs live
(<reports>/<run-id>/ and the `latest` link), reading the JSON-lines files the benchmark programs
append to, and the facts about the machine, the checkout and Go that make up the context.
Python 3 standard library only.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys

from . import ROOT


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


def ncpu():
    """Cores as csp_ncpu() (src/util.c) counts them, the Python side's only count: the CPUs this
    process may run on (its affinity mask, as Go's GOMAXPROCS default), else the online ones."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


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
    return {"cpu_model": cpu, "num_cpus": ncpu(),
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
