"""selection.py: what a benchmark run runs (run.py's selection).

Checks the run's filter and implementation before anything is written, asks both sides for the
names of every row they can produce (csplab-bench --list, gobench.py --list, both
unfiltered), selects from them with the run's filter (select(): Python re, the one dialect of
BENCH_FILTER, see names.py), and groups the selection into comparisons: one scenario with
one set of arguments over every implementation, the unit run.py runs back to back within a
round (docs/benchmarks.md, "Rounds"). Each side is then run with exactly the names selected.
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile

from . import GO_DIR, module_cmd
from .names import FilterError, comparison_of, exactly, family_of, matcher
from .rundir import fail, say

GO_IMPL = "go"


def _rows(n, side):
    return f"{n} {side} row{'' if n == 1 else 's'}"


def select(pattern, c_all, go_all, one_side=False):
    """(csplab names, Go names) of c_all and go_all (each side's every row; an empty list for a
    side that does not run) that the filter selects. Raises FilterError, with the message for
    the user, when the pattern is invalid, selects nothing, or selects rows of one side only
    while both sides run (a filter written for the other side's regex dialect, or a typo) and
    one_side is not set."""
    match = matcher(pattern)
    c_sel = [n for n in c_all if match(n)]
    go_sel = [n for n in go_all if match(n)]
    what = f"BENCH_FILTER '{pattern}'"
    if not c_sel and not go_sel:
        sides = [_rows(len(names), side) for side, names in (("csplab", c_all), ("Go", go_all))
                 if names]
        raise FilterError(f"{what} matches no benchmark (of {' and '.join(sides) or 'none'}; "
                          "Python re, searched in the row names)")
    if c_all and go_all and not one_side and not (c_sel and go_sel):
        found, missing = ((_rows(len(c_sel), "csplab"), "Go") if c_sel else
                          (_rows(len(go_sel), "Go"), "csplab"))
        raise FilterError(f"{what} matches {found} and no {missing} row; --one-side "
                          "(BENCH_ONE_SIDE=1 with make) runs one side alone")
    return c_sel, go_sel


def gobench_cmd(*args):
    """(argv, env) of the Go side (csplab_bench/gobench.py) with these arguments."""
    cmd, env = module_cmd(sys.executable, "gobench")
    return cmd + list(args), env


def run_quiet(cmd, env=None):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env)
    except OSError as e:
        fail(f"cannot run {cmd[0]}: {e.strerror}")


class Selection:
    """The benchmarks of a run: csplab's (c_names) and the Go side's (go_names), selected from
    every row each side lists (c_all, go_all)."""

    def __init__(self, args):
        self.a = args
        self.run_c = self.run_go = False
        self.go_status = None  # why the Go side does not run, when it does not
        self.c_all, self.go_all = [], []
        self.c_names, self.go_names, self.bin_dir = [], [], None

    def plan(self):
        """Check the selection and list what it holds; fail() on bad input."""
        a = self.a
        try:
            matcher(a.filter)  # an invalid pattern stops the run before anything is listed
        except FilterError as e:
            fail(f"BENCH_FILTER {e}")
        self.run_c = a.impl != GO_IMPL
        self.run_go = a.impl in ("", GO_IMPL) and not a.no_go
        self.go_status = None
        if self.run_c:
            self.c_all = self.list_c()
        if self.run_go and not a.go_jsonl and not os.path.isdir(GO_DIR):
            self.go_status = "bench/go (the Go module) is not there"
            if a.impl == GO_IMPL:
                fail("IMPL=go, but the Go side (bench/go) is not there")
            self.run_go = False
        elif not self.run_go:
            self.go_status = ("skipped: IMPL=" + a.impl) if a.impl else "skipped (--no-go)"
        if self.run_go and a.go_jsonl and not os.path.isfile(a.go_jsonl):
            fail(f"--go-jsonl {a.go_jsonl}: no such file")
        self.go_all = self.list_go() if self.run_go and not a.go_jsonl else []
        if not self.run_c and not self.go_all and not a.go_jsonl:
            fail("nothing to run: IMPL=go, but " + ("Go is not installed" if not shutil.which("go")
                 else "the Go side lists no benchmark"))
        if self.c_all or self.go_all:  # else IMPL=go with recorded rows (--go-jsonl) only
            try:
                self.c_names, self.go_names = select(a.filter, self.c_all, self.go_all,
                                                     a.one_side)
            except FilterError as e:
                fail(str(e))
        self.run_c = bool(self.c_names)

    def list_go(self):
        """Every row name of the Go side (compiling its program into bin_dir)."""
        self.bin_dir = tempfile.mkdtemp(prefix="csplab-gobin-")
        atexit.register(shutil.rmtree, self.bin_dir, True)  # however the run ends
        r = run_quiet(*gobench_cmd("--list", "--profile", self.a.profile,
                                    "--bin-dir", self.bin_dir))
        if r.returncode != 0:
            say("the Go side cannot list its benchmarks; running without it:\n" +
                r.stderr.strip())
            self.go_status = "gobench.py --list failed: " + r.stderr.strip()[-200:]
            return []
        if r.stderr.strip():
            say(r.stderr.strip())  # e.g. Go is not installed
        return r.stdout.split()

    def c_cmd(self, *extra, names=None):
        """csplab-bench with the run's profile and implementation, for exactly the given names
        (all its rows without names)."""
        a = self.a
        cmd = ([a.launcher] if a.launcher else []) + [a.bench_bin, "--profile", a.profile]
        if a.impl:
            cmd += ["--impl", a.impl]
        if names:
            cmd.append(f"--benchmark_filter={exactly(names)}")
        return cmd + list(extra)

    def list_c(self):
        """Every row name of csplab-bench (of the run's implementation); fail() when it refuses
        the implementation or the profile."""
        a = self.a
        if not os.access(a.bench_bin, os.X_OK):
            fail(f"{a.bench_bin} is not built (make build-release builds it)")
        r = run_quiet(self.c_cmd("--list"))
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            fail(f"csplab-bench refused the selection (exit {r.returncode})", r.returncode)
        return r.stdout.split()

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
        for n in self.c_all + self.go_all:
            fams.setdefault(family_of(n), len(fams))
        return fams
