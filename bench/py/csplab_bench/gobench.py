"""gobench.py: the Go side of csplab's benchmark run (docs/benchmarks.md is the contract).

Two kinds of rows, all under the implementation name "go":

1. Go's own benchmarks (the "go_origin" scenarios): the toolchain's runtime and sync test
   packages are compiled (`go test -c`) and their benchmarks run with GOMAXPROCS = cores;
   each `BenchmarkChanSync-2  7604211  158.0 ns/op` line becomes a row
   `chan/ChanSync/go/manual_time`. Go's testing package measures wall time only; the rows'
   cpu_time is an estimate (CpuMeter below): the wall time times the test process's CPU
   utilisation since the previous result line (the CPU time of all its threads over the
   elapsed time), which covers Go's iteration search and the measured run of the same body.
   Context switches are not measured (ctxsw null). MakeChan has sub-benchmarks per element
   type; its row is MakeChan/Int. The test binaries' raw output is kept as it came, appended
   to go-test-bench.txt beside --out, for benchstat.
2. csplab's Go programs (bench/go/*.go, built here): the "beyond Go" scenarios, which
   measure and report exactly as the C harness does.

Every row has Google Benchmark's fields; per (scenario, arguments): one "iteration" row per
repetition, and no aggregates: bench/run.py computes those over its rounds (aggregates.py),
and the report reduces the iteration rows itself.

  PYTHONPATH=bench/py python3 -m csplab_bench.gobench
      [--profile smoke|quick|full] [--repetitions N] [--filter REGEX] [--out FILE.jsonl]
      [--progress] [--bin-dir DIR] [--list]

The profile (bench/profiles.tsv, read through profiles.py) gives Go's -test.count
(repetitions) and -test.benchtime (min_time), and csplab's Go program its -repetitions,
-min-time and -sweeps. --repetitions overrides the profile's count (bench/run.py runs one per
round, see run.py).
--bin-dir keeps the compiled test binaries and csplab's Go program in DIR and reuses them when
they are there already (bench/run.py calls gobench once per comparison and round). --list prints
the names of the rows the selection would produce, one per line, and runs nothing.

--filter is a Python regex searched in row names ('-' in front negates): BENCH_FILTER's one
dialect (names.py). Go invocations none of whose rows can match are skipped, and csplab's
Go program lists all its rows and is given exactly the names the filter selects. --out appends
JSON lines. Without Go on PATH it says so and exits 0. Build caches: GOCACHE and GOPATH as set,
else Go's defaults under $HOME, else a directory beside --out.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from . import GO_DIR, profiles  # profiles: bench/profiles.tsv's reader
from .names import FilterError, exactly, matcher  # the filter's one dialect
from .rundir import ncpu  # the cores, as csp_ncpu() counts them

# Go's own benchmarks that csplab ports one-to-one: (primitive, Go test package, names).
GO_ORIGIN = [
    ("chan", "runtime", """ChanNonblocking SelectUncontended SelectSyncContended
        SelectAsyncContended SelectNonblock ChanUncontended ChanContended ChanSync ChanSyncWork
        ChanProdCons0 ChanProdCons10 ChanProdCons100 ChanProdConsWork0 ChanProdConsWork10
        ChanProdConsWork100 SelectProdCons ChanSem ChanPopular ChanClosed MakeChan
        CreateGoroutines CreateGoroutinesParallel PingPongHog"""),
    ("mutex", "sync", """MutexUncontended Mutex MutexSlack MutexWork MutexWorkSlack
        MutexNoSpin MutexSpin"""),
    ("rwlock", "sync", """RWMutexUncontended RWMutexWrite100 RWMutexWrite10
        RWMutexWorkWrite100 RWMutexWorkWrite10"""),
    ("waitgroup", "sync", """WaitGroupUncontended WaitGroupAddDone WaitGroupAddDoneWork
        WaitGroupWait WaitGroupWaitWork WaitGroupActuallyWait"""),
]
# Benchmarks with sub-benchmarks: the one whose result is the row. A pattern with a second
# level reports nothing for benchmarks without sub-benchmarks, so these run on their own.
SUB_BENCH = {"MakeChan": "Int"}

RESULT = re.compile(r"^Benchmark(\S+?)(?:-\d+)?\s+(\d+)\s+([0-9.e+]+) ns/op")
NOTICE = re.compile(r"^\s*--- (SKIP|FAIL): Benchmark(\S+?)(?:-\d+)?(?:\s|$)")


def writable_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
        return os.access(path, os.W_OK)
    except OSError:
        return False


def go_environment(out_path, cores):
    """The environment of every go command and test binary."""
    env = dict(os.environ)
    env.update(GOMAXPROCS=str(cores), GOPROXY="off", GOFLAGS="-mod=mod", GOWORK="off",
               GOTOOLCHAIN="local", GO111MODULE="on")
    home_cache = env.get("XDG_CACHE_HOME") or (
        os.path.join(env["HOME"], ".cache") if env.get("HOME") else None)
    if home_cache and not writable_dir(home_cache):
        home_cache = None
    beside = os.path.join(os.path.dirname(os.path.abspath(out_path)) if out_path
                          else tempfile.gettempdir(), "go-cache")
    if not env.get("GOCACHE"):
        env["GOCACHE"] = os.path.join(home_cache or beside, "go-build")
    if not env.get("GOPATH"):
        env["GOPATH"] = os.path.join(env["HOME"], "go") if home_cache else \
            os.path.join(beside, "gopath")
    return env


class Progress:
    def __init__(self, enabled, steps):
        self.enabled, self.steps, self.k = enabled, steps, 0
        self.timings = []

    def step(self, what):
        self.k += 1
        if self.enabled:
            print(f"go: running {what} ({self.k}/{self.steps})", file=sys.stderr, flush=True)
        return time.monotonic()

    def done(self, what, start):
        self.timings.append((what, time.monotonic() - start))


class CpuMeter:
    """A running process's CPU utilisation between two moments: the on-CPU nanoseconds of all
    its threads (/proc/<pid>/task/*/schedstat, first field) over the elapsed time. None when
    /proc cannot say (another OS, a thread set that shrank)."""

    def __init__(self):
        self.pid, self.last = None, None

    def start(self, pid):
        self.pid = pid
        self.last = (time.monotonic_ns(), self._cpu_ns())

    def _cpu_ns(self):
        total, task = 0, f"/proc/{self.pid}/task"
        try:
            for t in os.listdir(task):
                with open(f"{task}/{t}/schedstat", encoding="ascii") as f:
                    total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return total

    def utilisation(self):
        """CPUs busy on average since the previous call (or start)."""
        if self.pid is None:
            return None
        now = (time.monotonic_ns(), self._cpu_ns())
        (w0, c0), (w1, c1), self.last = self.last, now, now
        if c0 is None or c1 is None or c1 < c0 or w1 <= w0:
            return None
        return (c1 - c0) / (w1 - w0)


def run(cmd, cwd, env, on_line=None, meter=None):
    """Runs cmd, passing each output line (stdout and stderr) to on_line; meter (a CpuMeter)
    is started on the process. Returns (rc, tail)."""
    tail = []
    try:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, errors="replace")
    except OSError as e:
        return 127, [str(e)]
    if meter:
        meter.start(p.pid)
    for line in p.stdout:
        line = line.rstrip("\n")
        tail = (tail + [line])[-20:]
        if on_line:
            on_line(line)
    return p.wait(), tail


# ---- rows ----------------------------------------------------------------------------------

class BenchOutput:
    """The output of one `go test -bench` run, read line by line: its result lines, and Go's
    reason for each SKIP or FAIL (the `--- SKIP: BenchmarkX` line and the indented lines after
    it) in notes, {Go name: "skipped by Go: <reason>"}."""

    def __init__(self):
        self.notes = {}
        self._last = None  # the benchmark whose indented reason lines may follow

    def feed(self, line):
        """(Go name, iterations, ns/op) when line is a result line, else None."""
        m = RESULT.match(line)
        if m:
            self._last = None
            return m.group(1), int(m.group(2)), float(m.group(3))
        m = NOTICE.match(line)
        if m:
            self._last = m.group(2)
            self.notes[self._last] = "skipped by Go" if m.group(1) == "SKIP" else "failed in Go"
        elif self._last and line[:1].isspace():
            self.notes[self._last] += ": " + line.strip()
        else:
            self._last = None
        return None


def go_origin_rows(name, family, results, error):
    """Iteration rows for one of Go's benchmarks: results is [(iterations, ns/op, CPU
    utilisation or None)] in run order."""
    base = dict(name=name, run_name=name, run_type="iteration", family_index=family,
                per_family_instance_index=0, repetitions=max(1, len(results)), go_origin=True)
    if not results:
        return [dict(base, repetition_index=0, threads=1, error_occurred=True,
                     error_message=error, iterations=0, real_time=None, cpu_time=None,
                     time_unit="ns", ctxsw=None)]
    return [dict(base, repetition_index=i, threads=1, iterations=it, real_time=ns,
                 cpu_time=None if u is None else ns * u, time_unit="ns", ctxsw=None)
            for i, (it, ns, u) in enumerate(results)]


def write_context(out_path, go, env, cores, profile):
    """The file's first line, when the file is new: what the rows were measured with."""
    if not out_path or (os.path.exists(out_path) and os.path.getsize(out_path) > 0):
        return
    version = subprocess.run([go, "env", "GOVERSION"], env=env, capture_output=True,
                             text=True).stdout.strip()
    ctx = {"go_version": version or "unknown", "gomaxprocs": cores, "profile": profile,
           "go_origin_cpu_time": "estimated: wall time x the test process's CPU utilisation "
                                 "since the previous result (gobench.py, CpuMeter)"}
    append_rows(out_path, [{"context": ctx}])


def append_rows(out_path, rows):
    if out_path:
        with open(out_path, "a") as f:
            for r in rows:
                f.write(json.dumps(r, separators=(",", ":"), allow_nan=False) + "\n")


# ---- the plan ------------------------------------------------------------------------------

def plan_go_origin(match):
    """[(package, [(go name, row name, family)])]: one test binary run per package for the
    benchmarks whose rows can match, plus one per benchmark with sub-benchmarks."""
    by_pkg, alone, family = {}, [], 0
    for prim, pkg, names in GO_ORIGIN:
        for go_name in names.split():
            row = f"{prim}/{go_name}/go/manual_time"
            if match(row):
                entry = (go_name, row, family)
                if go_name in SUB_BENCH:
                    alone.append((pkg, [entry]))
                else:
                    by_pkg.setdefault(pkg, []).append(entry)
            family += 1
    return list(by_pkg.items()) + alone


def bench_pattern(benches):
    names = [g for g, _, _ in benches]
    pattern = "^Benchmark(" + "|".join(names) + ")$"
    if len(names) == 1 and names[0] in SUB_BENCH:
        pattern += "/^" + SUB_BENCH[names[0]] + "$"
    return pattern


def repetitions(args):
    return args.repetitions or args.prof.repetitions


def program_flags(args, cores):
    """The profile and the cores as csplab's Go program takes them."""
    p = args.prof
    return [f"-repetitions={repetitions(args)}", f"-min-time={p.min_time:g}",
            f"-sweeps={p.sweeps}", f"-ncpu={cores}"]


RAW_TEXT = "go-test-bench.txt"


def open_raw(out_path):
    """The raw `go test -bench` text is appended to go-test-bench.txt beside --out (every
    round's, in the order run), so benchstat can read the run's Go figures as Go prints them;
    None without --out."""
    if not out_path:
        return None
    try:
        return open(os.path.join(os.path.dirname(os.path.abspath(out_path)), RAW_TEXT), "a",
                    encoding="utf-8")
    except OSError as e:
        print(f"gobench: cannot keep the raw go test text: {e}", file=sys.stderr)
        return None


def run_go_origin(pkg, benches, test_bin, goroot, env, args, progress):
    count = repetitions(args)
    wanted = {(g + "/" + SUB_BENCH[g]) if g in SUB_BENCH else g: (row, fam)
              for g, row, fam in benches}
    results = {g: [] for g in wanted}
    written = set()
    out = BenchOutput()
    meter = CpuMeter()
    raw = open_raw(args.out)

    def on_line(line):
        if raw:
            raw.write(line + "\n")
        r = out.feed(line)
        if r and r[0] in wanted:
            g, iters, ns = r
            results[g].append((iters, ns, meter.utilisation()))
            row, fam = wanted[g]
            print(f"{row:<64} {ns:12.1f} {'-':>12} {iters:10d}", flush=True)
            if len(results[g]) == count:  # complete: written now, kept if the run is cut short
                append_rows(args.out, go_origin_rows(row, fam, results[g], None))
                written.add(g)

    what = f"Go's {pkg} benchmarks: {', '.join(g for g, _, _ in benches[:4])}" + \
        (f" and {len(benches) - 4} more" if len(benches) > 4 else "")
    start = progress.step(what)
    cmd = [test_bin, "-test.run=NONE", "-test.bench=" + bench_pattern(benches),
           f"-test.benchtime={args.prof.min_time:g}s", f"-test.count={count}",
           "-test.timeout=60m"]
    rc, tail = run(cmd, os.path.join(goroot, "src", pkg), env, on_line, meter)
    if raw:
        raw.close()
    progress.done(what, start)
    complete = rc == 0
    for g, (row, fam) in wanted.items():
        if g in written:
            continue
        complete &= bool(results[g])
        why = out.notes.get(g) or out.notes.get(g.split("/")[0]) or (
            "Go reported no result for it" if rc == 0 else
            f"Go's {pkg} tests exited {rc}: " + " | ".join(tail[-3:]))
        append_rows(args.out, go_origin_rows(row, fam, results[g], why))
    return complete


def build_program(go, env, bins, progress):
    """csplab's Go programs (bench/go) built into bins, or reused from there; None on failure."""
    exe = os.path.join(bins, "csplab-gobench")
    if os.access(exe, os.X_OK):  # kept by an earlier call (--bin-dir)
        progress.step("(csplab's Go programs built already)")
        return exe
    what = "go build (csplab's Go programs, bench/go)"
    start = progress.step(what)
    rc, tail = run([go, "build", "-o", exe, "."], GO_DIR, env)
    progress.done(what, start)
    if rc != 0:
        print("gobench: cannot build bench/go:\n" + "\n".join(tail), file=sys.stderr)
        return None
    return exe


def program_rows(exe, env, args, cores, match):
    """The rows of csplab's Go program that the filter selects (it lists them all; the filter
    is applied here, in Python's dialect), or None when it cannot list them."""
    listed = subprocess.run([exe, "-list"] + program_flags(args, cores), env=env,
                            capture_output=True, text=True)
    if listed.returncode != 0:
        print(f"gobench: csplab-gobench -list failed: {listed.stderr.strip()}", file=sys.stderr)
        return None
    return [n for n in listed.stdout.split() if match(n)]


def list_rows(go, env, cores, plan, args, match):
    """--list: the row names of the selection, Go's own benchmarks first."""
    for _, benches in plan:
        for _, row, _ in benches:
            print(row)
    with tempfile.TemporaryDirectory(prefix="csplab-go-") as tmp:
        exe = build_program(go, env, args.bin_dir or tmp, Progress(False, 1))
        rows = program_rows(exe, env, args, cores, match) if exe else None
        if rows is None:
            return 1
        print("\n".join(rows), end="\n" if rows else "")
    return 0


def main():
    try:
        known = profiles.load()
    except profiles.ProfileError as e:
        sys.exit(f"gobench: {e}")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", default=os.environ.get("BENCH_PROFILE", "quick"),
                    choices=list(known))
    ap.add_argument("--repetitions", type=int, default=0,
                    help="repetitions of each benchmark (default: the profile's)")
    ap.add_argument("--filter", default="", help="regex searched in row names")
    ap.add_argument("--out", help="append JSON lines to this file")
    ap.add_argument("--progress", action="store_true", help="report each step on stderr")
    ap.add_argument("--bin-dir", help="keep (and reuse) the compiled binaries here")
    ap.add_argument("--list", action="store_true", help="print the selected row names only")
    args = ap.parse_args()
    if args.repetitions < 0:
        ap.error("--repetitions must be 1 or more")
    args.prof = known[args.profile]
    if args.out:
        args.out = os.path.abspath(args.out)  # the Go program runs in bench/go
    try:
        match = matcher(args.filter)
    except FilterError as e:
        sys.exit(f"gobench: bad --filter: {e}")

    go = shutil.which("go")
    if not go:
        print("Go is not installed: the report will have no go rows", file=sys.stderr)
        return 0
    cores = ncpu()
    env = go_environment(args.out, cores)
    goroot = subprocess.run([go, "env", "GOROOT"], env=env, capture_output=True,
                            text=True).stdout.strip()
    plan = plan_go_origin(match)
    packages = sorted({pkg for pkg, _ in plan})
    if args.bin_dir:
        args.bin_dir = os.path.abspath(args.bin_dir)
        if not writable_dir(args.bin_dir):
            sys.exit(f"gobench: --bin-dir {args.bin_dir} is not a writable directory")
    if args.list:
        return list_rows(go, env, cores, plan, args, match)
    write_context(args.out, go, env, cores, args.profile)
    # Steps: compile each test package, each test binary run, build and run csplab's program.
    progress = Progress(args.progress, len(packages) + len(plan) + 2)
    ok, t0 = True, time.monotonic()
    print(f"{'benchmark (go: one line per repetition)':<64} {'wall ns/op':>12} "
          f"{'cpu ns/op':>12} {'iterations':>10}", flush=True)

    with tempfile.TemporaryDirectory(prefix="csplab-go-") as tmp:
        bins = args.bin_dir or tmp
        binaries = {}
        for pkg in packages:
            binaries[pkg] = os.path.join(bins, pkg + ".test")
            if os.access(binaries[pkg], os.X_OK):  # kept by an earlier call (--bin-dir)
                progress.step(f"(Go's {pkg} tests compiled already)")
                continue
            what = f"go test -c {pkg} (compiling Go's {pkg} tests)"
            start = progress.step(what)
            rc, tail = run([go, "test", "-c", "-o", binaries[pkg], pkg], bins, env)
            progress.done(what, start)
            if rc != 0:
                print(f"gobench: cannot compile Go's {pkg} tests:\n" + "\n".join(tail),
                      file=sys.stderr)
                binaries[pkg] = None
                ok = False
        for pkg, benches in plan:
            if binaries[pkg]:
                ok &= run_go_origin(pkg, benches, binaries[pkg], goroot, env, args, progress)
            else:
                for g, row, fam in benches:
                    append_rows(args.out, go_origin_rows(
                        row, fam, [], f"Go's {pkg} tests did not compile"))
                progress.step(f"(skipped: {pkg} did not compile)")

        exe = build_program(go, env, bins, progress)
        if not exe:
            return 1
        rows = program_rows(exe, env, args, cores, match)
        if rows:
            what = f"csplab-gobench ({len(rows)} instances)"
            start = progress.step(what)
            cmd = [exe, f"-filter={exactly(rows)}"] + program_flags(args, cores)
            rc, _ = run(cmd + ([f"-out={args.out}"] if args.out else []), GO_DIR,
                        env, lambda line: print(line, flush=True))
            progress.done(what, start)
            ok &= rc == 0
        else:
            ok &= rows is not None
            progress.step("(skipped: csplab-gobench, no row matches the filter)")

    if args.progress:
        for what, secs in progress.timings:
            print(f"go: {secs:7.1f} s  {what}", file=sys.stderr)
        print(f"go: {time.monotonic() - t0:7.1f} s  total", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
