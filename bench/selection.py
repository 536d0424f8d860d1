"""bench/selection.py: what a benchmark run runs (bench/run.py's selection).

Checks the run's filter and implementation before anything is written, asks both sides for the
names of the rows they would produce (csplab-bench --list, bench/go/gobench.py --list), and groups
them into comparisons: one scenario with one set of arguments over every implementation, the
unit bench/run.py runs back to back within a round (docs/benchmarks.md, "Rounds").
"""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

from names import comparison_of, family_of
from rundir import ROOT, fail, say

GOBENCH = os.path.join(ROOT, "bench", "go", "gobench.py")
GO_IMPL = "go"


def exactly(names):
    """A filter matching exactly these names, in the dialects of Google Benchmark (std::regex),
    Python and Go (RE2)."""
    special = set(".^$*+?()[]{}|\\")
    esc = ["".join("\\" + ch if ch in special else ch for ch in n) for n in names]
    return "^(" + "|".join(esc) + ")$"


def run_quiet(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        fail(f"cannot run {cmd[0]}: {e.strerror}")


class Selection:
    """The benchmarks of a run: csplab's (c_names) and the Go side's (go_names)."""

    def __init__(self, args):
        self.a = args
        self.run_c = self.run_go = False
        self.go_status = None  # why the Go side does not run, when it does not
        self.c_names, self.go_names, self.bin_dir = [], [], None

    def plan(self):
        """Check the selection and list what it holds; fail() on bad input."""
        a = self.a
        try:  # Python's regex dialect, close enough to std::regex's and Go's to catch typos
            re.compile(a.filter[1:] if a.filter.startswith("-") else a.filter)
        except re.error as e:
            fail(f"BENCH_FILTER '{a.filter}' is not a valid regular expression: {e}")
        self.run_c = a.impl != GO_IMPL
        self.run_go = a.impl in ("", GO_IMPL) and not a.no_go
        self.go_status = None
        if self.run_c:
            self.list_c()
        if self.run_go and not a.go_jsonl and not os.path.isfile(GOBENCH):
            self.go_status = "bench/go/gobench.py is not there"
            if a.impl == GO_IMPL:
                fail("IMPL=go, but the Go side (bench/go/gobench.py) is not there")
            self.run_go = False
        elif not self.run_go:
            self.go_status = ("skipped: IMPL=" + a.impl) if a.impl else "skipped (--no-go)"
        if self.run_go and a.go_jsonl and not os.path.isfile(a.go_jsonl):
            fail(f"--go-jsonl {a.go_jsonl}: no such file")
        if not self.run_c and not self.run_go:
            fail(f"BENCH_FILTER '{a.filter}' matches no benchmark")
        self.go_names = self.list_go() if self.run_go and not a.go_jsonl else []
        if not self.run_c and not self.go_names and not a.go_jsonl:
            if not shutil.which("go"):
                fail("nothing to run: " + ("IMPL=go, but Go is not installed" if a.impl else
                     f"BENCH_FILTER '{a.filter}' matches no benchmark of csplab, and Go is "
                     "not installed"))
            fail(f"BENCH_FILTER '{a.filter}' matches no benchmark")

    def list_go(self):
        """The Go side's row names for the selection (compiling its program into bin_dir)."""
        self.bin_dir = tempfile.mkdtemp(prefix="csplab-gobin-")
        atexit.register(shutil.rmtree, self.bin_dir, True)  # however the run ends
        cmd = [sys.executable, GOBENCH, "--list", "--profile", self.a.profile,
               "--bin-dir", self.bin_dir]
        if self.a.filter:
            cmd += ["--filter", self.a.filter]
        r = run_quiet(cmd)
        if r.returncode != 0:
            say("the Go side cannot list its benchmarks; running without it:\n" +
                r.stderr.strip())
            self.go_status = "gobench.py --list failed: " + r.stderr.strip()[-200:]
            return []
        if r.stderr.strip():
            say(r.stderr.strip())  # e.g. Go is not installed
        return r.stdout.split()

    def c_cmd(self, *extra, names=None):
        """csplab-bench with the selection: the run's filter, or exactly the given names."""
        a = self.a
        cmd = ([a.launcher] if a.launcher else []) + [a.bench_bin, "--profile", a.profile]
        if a.impl:
            cmd += ["--impl", a.impl]
        if names:
            cmd.append(f"--benchmark_filter={exactly(names)}")
        elif a.filter:
            cmd.append(f"--benchmark_filter={a.filter}")
        return cmd + list(extra)

    def list_c(self):
        """csplab-bench's row names for the selection (c_names); fail() when it refuses it."""
        a = self.a
        if not os.access(a.bench_bin, os.X_OK):
            fail(f"{a.bench_bin} is not built (make build-release builds it)")
        r = run_quiet(self.c_cmd("--list"))
        self.c_names = r.stdout.split() if r.returncode == 0 else []
        if self.c_names:
            return
        if r.returncode != 0 and not self.filter_only_mismatch():
            sys.stderr.write(r.stderr)
            fail(f"csplab-bench refused the selection (exit {r.returncode})", r.returncode)
        if a.impl or not self.run_go:
            sys.stderr.write(r.stderr)
            what = f"of implementation '{a.impl}'" if a.impl else "of csplab"
            fail(f"BENCH_FILTER '{a.filter}' matches no benchmark {what}")
        say(f"BENCH_FILTER '{a.filter}' matches no benchmark of csplab; trying the Go side")
        self.run_c = False

    def filter_only_mismatch(self):
        """Whether csplab-bench refused only because the filter matches none of its rows (it
        accepts the selection without the filter): the Go side may still match it."""
        if not self.a.filter or self.a.impl or not self.run_go:
            return False
        saved, self.a.filter = self.a.filter, ""
        try:
            return run_quiet(self.c_cmd("--list")).returncode == 0
        finally:
            self.a.filter = saved

    def comparisons(self):
        """{comparison: (csplab names, go names)} of the selection."""
        groups = {}
        for n in self.c_names if self.run_c else []:
            groups.setdefault(comparison_of(n), ([], []))[0].append(n)
        for n in self.go_names:
            groups.setdefault(comparison_of(n), ([], []))[1].append(n)
        return groups

    def families(self):
        """{family: index} in the order of the listings, as one unfiltered run numbers them."""
        fams = {}
        for n in self.c_names + self.go_names:
            fams.setdefault(family_of(n), len(fams))
        return fams
