"""csplab_bench.run: one benchmark run, from the binaries to the report: what `make bench` calls
through bench/run.py, whose whole body is entry() here.

    bench/run.py [--profile smoke|quick|full] [--filter REGEX] [--one-side] [--impl NAME]
                 [--reports-dir DIR] [--bench-bin PATH] [--launcher PROGRAM]
                 [--no-go | --go-jsonl FILE]
    bench/run.py --report-only RUN_DIR
    bench/run.py --compare OLD NEW      (make compare OLD=... NEW=...; report/compare.py)

Defaults come from the environment as `make bench` passes them: BENCH_PROFILE (quick),
BENCH_FILTER (every benchmark), BENCH_ONE_SIDE (1: --one-side), IMPL (every implementation; `go`
runs only the Go side, any other name skips it).

The filter is a Python regular expression (re), searched in the row names; a leading '-' negates
it. It is applied here and only here (selection.py): both sides list every row they have,
the filter selects among them, and each side is run with exactly the names selected, so no other
regex dialect is involved. A filter that selects rows of one side only while both sides run
stops the run ("BENCH_FILTER '...' matches 3 Go rows and no csplab row") unless --one-side says
that is meant.

A run is made of rounds, as many as the profile has repetitions (bench/profiles.tsv defines the
profiles: smoke 1, quick 5, full 10).
Each round runs every selected benchmark once, comparison by comparison in a random order: a
comparison is one scenario with one set of arguments (chan/ChanSync, mutex/MutexThroughput at
threads:2/cs_ns:0, ...) over every implementation. Within it, csplab's implementations
(csplab-bench, in Google Benchmark's random interleaving) and the Go side run back to back, which
of the two first drawn at random. So the repetitions of every implementation are spread over the
whole run, the implementations compared with each other, Go's included, are measured within a
second or two of each other, and a change in the machine's state (another tenant, where the
virtual CPUs sit) falls on all of them alike instead of on whichever ran at that moment.

A run goes to <reports>/<run-id>/ (run-id: UTC time and short git commit):
  csplab.<k>.jsonl  rows from csplab-bench in round k, appended as each benchmark finishes
  go.<k>.jsonl      rows from gobench.py (the Go side) in round k, appended likewise (Go's own
                    benchmarks and csplab's Go programs)
  go-test-bench.txt  Go's own benchmarks' raw `go test -bench` output, every round (benchstat)
  canary.jsonl   the machine's cross-core round trip (tools/canary.c) measured just before each
                 comparison's turn in each round; merged into that turn's rows as canary_rt_ns
  results.json   all merged in Google Benchmark's JSON format: per benchmark one iteration row
                 per round (repetition_index = round - 1) and the aggregates over them
                 (aggregates.py, the only place csplab computes them); its
                 context describes the machine
  report.md, index.html, plots/   the report (report/)
and <reports>/latest is pointed at it. Interrupted (Ctrl-C, SIGTERM), it keeps what completed,
writes results.json marked "partial": true with its report, and exits 130 (143 for SIGTERM).
Bad input (unknown profile or implementation; a filter that is not a valid regex, matches
nothing, or one side only without --one-side) stops it before anything is written, with a
message and exit status 2. Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

from . import ROOT, aggregates, profiles, report, rundir  # profiles: bench/profiles.tsv
from .report import machine
from .rundir import fail, say
from .selection import Selection, comparison_of, exactly, family_of, gobench_cmd

# Milliseconds of the machine-state canary before each comparison (tools/canary.c): a few
# hundred round trips even in the slow state, about 2 % of a quick run's time.
CANARY_MS = 20
GO_RAW = "go-test-bench.txt"  # written by gobench.py beside its --out
# A benchmark takes at least ~1.8x repetitions x min time (Google Benchmark's iteration search);
# slow operations (oversubscribed spinning) take much longer, hence "at least".
OVERHEAD = 1.8


def clock(seconds):
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def shown(path):
    """path relative to the current directory when it is below it, else absolute."""
    rel = os.path.relpath(path, os.getcwd())
    return path if rel.startswith("..") else rel


class Stop(Exception):
    """Raised from the signal handlers: the run was interrupted."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, _frame):
    raise Stop(signum)


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(prog="bench/run.py", description="csplab benchmark run and report")
    try:
        names = ", ".join(profiles.load())
    except profiles.ProfileError:
        names = "see bench/profiles.tsv"
    p.add_argument("--profile", default=env("BENCH_PROFILE") or "quick",
                   help=f"{names} (env BENCH_PROFILE; now %(default)s)")
    p.add_argument("--filter", default=env("BENCH_FILTER") or "",
                   help="Python regex searched in row names; a leading '-' negates it "
                        "(env BENCH_FILTER; now '%(default)s')")
    p.add_argument("--one-side", action="store_true", default=env("BENCH_ONE_SIDE") == "1",
                   help="run a filter that matches rows of one side only (default: stop; "
                        "env BENCH_ONE_SIDE=1)")
    p.add_argument("--impl", default=env("IMPL") or "",
                   help="one implementation (make list), or go: the Go side only "
                        "(env IMPL; now '%(default)s')")
    p.add_argument("--reports-dir", default=os.path.join(ROOT, "reports"))
    p.add_argument("--bench-bin", default=os.path.join(ROOT, "build", "release", "csplab-bench"))
    p.add_argument("--launcher", default="", help="program to start csplab-bench through "
                   "(e.g. scripts/sanitized-run for a sanitizer build)")
    go = p.add_mutually_exclusive_group()
    go.add_argument("--no-go", action="store_true", help="skip the Go side")
    go.add_argument("--go-jsonl", metavar="FILE", help="merge these recorded Go rows instead "
                    "of running the Go side")
    p.add_argument("--check", action="store_true", help="fail unless results.json, report.md, "
                   "index.html and (with gnuplot) a PNG plot were written: the bench/smoke test")
    p.add_argument("--report-only", metavar="RUN_DIR",
                   help="regenerate the report of an existing run from its results.json")
    p.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"),
                   help="compare two runs (run directories or results.json files): per row "
                   "the change with its interval and p-value, written to NEW/compare-<OLD>.txt")
    return p.parse_args(argv)


class Run:
    def __init__(self, args):
        self.a = args
        self.interrupted = None  # signal number
        self.failures = []       # "csplab-bench exited with status 1", ...
        self.c_failed = False
        self.go_started = False
        self.child = None
        self.sel = Selection(args)

    def plan(self):
        """Checks before anything is written: the profile, then the selection (selection.py)."""
        try:
            known = profiles.load()
        except profiles.ProfileError as e:
            fail(str(e))
        if self.a.profile not in known:
            fail(f"unknown profile '{self.a.profile}' (BENCH_PROFILE must be one of "
                 f"{', '.join(known)}, from bench/profiles.tsv)")
        self.prof = known[self.a.profile]
        self.sel.plan()

    # ---- running -------------------------------------------------------------------------------
    def phase(self, k, n, what):
        print(f"\n==== bench round {k}/{n}: {what} ====", file=sys.stderr, flush=True)

    def run_child(self, name, cmd, env=None):
        """Runs cmd with the terminal as its output; a failure is recorded, an interruption
        (of us or of the child) raised as Stop."""
        try:
            self.child = subprocess.Popen(cmd, cwd=ROOT, env=env)
        except OSError as e:
            self.failures.append(f"{name} could not start: {e.strerror}")
            return
        rc = self.child.wait()
        self.child = None
        if rc in (-signal.SIGINT, 128 + signal.SIGINT):
            raise Stop(signal.SIGINT)
        if rc in (-signal.SIGTERM, 128 + signal.SIGTERM):
            raise Stop(signal.SIGTERM)
        if rc != 0:
            self.failures.append(f"{name} exited with status {rc}")
            self.c_failed |= name == "csplab-bench"  # it stopped before the end
            say(f"{name} failed (exit {rc}); keeping what it completed")

    def stop_child(self):
        """After an interruption: let the child finish its interrupted line, then make sure it is
        gone (it got the same SIGINT from the terminal, unless only we were signalled)."""
        c, self.child = self.child, None
        if c is None:
            return
        for sig, wait in ((None, 2), (signal.SIGINT, 5), (signal.SIGKILL, 5)):
            if sig is not None and c.poll() is None:
                c.send_signal(sig)
            try:
                c.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def run_comparison(self, k, c_names, go_names, rng):
        """One round's turn of one comparison: its two sides back to back, in a random order."""
        sides = [side for side, names in (("c", c_names), ("go", go_names)) if names]
        rng.shuffle(sides)
        for side in sides:
            if side == "c":
                self.run_child("csplab-bench", self.sel.c_cmd(
                    "--benchmark_repetitions=1", "--benchmark_enable_random_interleaving=true",
                    "--out", self.path(f"csplab.{k}.jsonl"), names=c_names))
                if self.c_failed:
                    self.sel.run_c = False  # it stopped before the end: do not run it again
            elif side == "go":
                self.go_started = True
                self.run_child("gobench.py", *gobench_cmd(
                    "--profile", self.a.profile, "--repetitions", "1",
                    "--bin-dir", self.sel.bin_dir, "--filter", exactly(go_names),
                    "--out", self.path(f"go.{k}.jsonl")))

    def canary(self, k, comparison):
        """The machine's cross-core round trip just before round k's turn of a comparison
        (tools/canary.c), appended to canary.jsonl; merge() copies it into that turn's rows."""
        if self.canary_bin is None:
            return
        try:
            r = subprocess.run([self.canary_bin, "--ms", str(CANARY_MS)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=30)
            ns = json.loads(r.stdout)["canary_rt_ns"] if r.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError, KeyError, TypeError) as e:
            say(f"the machine-state canary failed ({e}); the run goes on without it")
            self.canary_bin = None
            return
        with open(self.path("canary.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps({"round": k, "comparison": comparison, "canary_rt_ns": ns}) + "\n")

    def read_canary(self):
        """{(round, comparison): cross-core round trip in ns} of this run."""
        out = {}
        try:
            with open(self.path("canary.jsonl"), encoding="utf-8") as f:
                for line in f:
                    try:
                        c = json.loads(line)
                        out[(int(c["round"]), c["comparison"])] = c["canary_rt_ns"]
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by an interruption
        except FileNotFoundError:
            pass
        return out

    def execute(self):
        a = self.a
        reps, min_time = self.prof.repetitions, self.prof.min_time
        self.rounds_done = 0
        start = time.monotonic()
        if self.sel.run_go and a.go_jsonl:
            say(f"Go side: recorded rows from {a.go_jsonl}")
            shutil.copyfile(a.go_jsonl, self.path("go.recorded.jsonl"))
        groups = self.sel.comparisons()
        rng = random.Random()
        for k in range(1, reps + 1):
            took = time.monotonic() - start
            left = (f", about {clock(took / (k - 1) * (reps - k + 1))} left" if k > 1 else
                    f", at least {clock(len(self.sel.c_names) * reps * min_time * OVERHEAD)} in all"
                    if self.sel.run_c else "")
            order = sorted(groups)
            rng.shuffle(order)
            self.phase(k, reps, f"{len(order)} comparisons in a random order, each with its "
                       f"implementations back to back, profile {a.profile}; "
                       f"{clock(took)} elapsed{left}")
            for i, name in enumerate(order, 1):
                c_names, go_names = groups[name]
                c_names = c_names if self.sel.run_c else []
                say(f"round {k}/{reps}, comparison {i}/{len(order)}: {name} "
                    f"({len(c_names)} csplab + {len(go_names)} go; "
                    f"{clock(time.monotonic() - start)} elapsed)")
                self.canary(k, name)
                self.run_comparison(k, c_names, go_names, rng)
            self.rounds_done = k
            say(f"round {k} of {reps} done, {clock(time.monotonic() - start)} elapsed")

    def read_rounds(self, prefix):
        """(contexts, rows, bad lines) of rounds 1..n of <prefix>.<k>.jsonl: the iteration rows
        numbered by round, with the aggregates over the rounds computed here."""
        ctxs, rows, bad = [], [], 0
        k = 1
        while os.path.exists(self.path(f"{prefix}.{k}.jsonl")):
            c, r, b = rundir.read_jsonl(self.path(f"{prefix}.{k}.jsonl"))
            ctxs += c
            bad += b
            for row in r:
                if row.get("run_type") != "aggregate":
                    row["repetition_index"] = k - 1
                    ns = self.canaries.get((k, comparison_of(row["name"])))
                    if ns is not None:
                        row["canary_rt_ns"] = ns
                    # Each call numbered only the families it ran: number them as the full
                    # selection's listing does, so an index means the same in every round.
                    fam = self.families.get(family_of(row["name"]))
                    if fam is not None:
                        row["family_index"] = fam
                    rows.append(row)
            k += 1
        return ctxs, aggregates.with_aggregates(rows), bad

    def path(self, name):
        return os.path.join(self.run_dir, name)

    # ---- results.json ------------------------------------------------------------------------
    def merge(self, commit_text):
        a = self.a
        self.canaries = self.read_canary()
        c_ctxs, c_rows, c_bad = self.read_rounds("csplab")
        if a.go_jsonl:
            go_ctxs, go_rows, go_bad = rundir.read_jsonl(self.path("go.recorded.jsonl"))
        else:
            go_ctxs, go_rows, go_bad = self.read_rounds("go")
        if c_bad + go_bad:
            say(f"skipped {c_bad + go_bad} unreadable line(s) (cut short by the interruption?)")
        for r in c_rows:
            r.setdefault("origin", "csplab")
        for r in go_rows:
            r.setdefault("origin", "go")
        ctx = {"date": self.started}
        ctx.update(rundir.machine_context())
        if c_ctxs:
            ctx.update(c_ctxs[0])
        try:
            ctx["num_cpus"] = int(ctx["num_cpus"])
        except (KeyError, TypeError, ValueError):
            pass
        ctx.update(machine.context())  # caches, MHz, scaling, memory settings
        ctx.update({
            "library_build_type": "release",
            "load_avg": self.load_avg, "load_avg_end": machine.load_avg(),
            "run_id": self.run_id, "git_commit": commit_text, "profile": a.profile,
            "rounds": self.rounds_done,
            "order": "rounds: each runs every benchmark once, comparison by comparison (one "
                     "scenario with one set of arguments) in a random order; its csplab "
                     "implementations (randomly interleaved) and its Go side back to back, in a "
                     "random order",
            "filter": a.filter or "(all)", "impl": a.impl or "(all)",
            "go_version": rundir.go_version(go_ctxs) or "not found",
            "partial": bool(self.interrupted or self.c_failed),
        })
        if os.path.exists(self.path(GO_RAW)):
            ctx["go_raw"] = f"{GO_RAW}: Go's own go test -bench output, for benchstat"
        if go_rows:
            ctx["go_source"] = (f"recorded rows from {os.path.basename(a.go_jsonl)}, not "
                                "measured in this run" if a.go_jsonl else "measured in this run")
        else:
            ctx["go_status"] = self.sel.go_status or (
                "interrupted during the Go side" if self.interrupted and self.go_started else
                "interrupted before the Go side" if self.interrupted else
                "Go is not installed: no go on PATH" if not shutil.which("go") else
                "the Go side produced no rows (see its messages)")
        if self.canaries:
            ctx["canary"] = ("the cross-core round trip (tools/canary.c, "
                             f"{CANARY_MS} ms) before every comparison in every round: "
                             "canary_rt_ns in its rows")
        else:
            ctx["canary"] = "not measured (" + (self.canary_why or "no reading") + ")"
        if self.failures:
            ctx["failures"] = self.failures
        return ctx, c_rows + go_rows

    def finish(self, commit_text):
        """Merges, writes results.json and the report; returns the exit status."""
        ctx, rows = self.merge(commit_text)
        status = 0
        if self.interrupted:
            status = 128 + self.interrupted
        elif self.failures:
            status = 1
        if not rows:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            if self.interrupted:
                say("interrupted before any benchmark completed; nothing kept")
            elif self.failures:
                say("no result: " + "; ".join(self.failures))
            else:
                say(f"no result: BENCH_FILTER '{self.a.filter}' matched nothing"
                    if self.a.filter else "no result (see the messages above)")
                status = 2
            return status
        tmp = self.path("results.json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"context": ctx, "benchmarks": rows}, f, indent=1)
            f.write("\n")
        os.replace(tmp, self.path("results.json"))
        why = rundir.point_latest(self.a.reports_dir, self.run_id)
        if why:
            say(why)
        print("\n==== bench: report ====", file=sys.stderr, flush=True)
        try:
            written = report.generate(self.run_dir, say)
        except report.ResultsError as e:
            say(f"no report: {e}")
            return status or 1
        rel = shown(self.run_dir)
        say(f"{len(rows)} result rows{' (partial)' if ctx['partial'] else ''}; report: "
            f"{rel}/index.html and {rel}/report.md ({len(written) - 2} plots); "
            f"{shown(os.path.join(self.a.reports_dir, 'latest'))} -> {self.run_id}")
        if self.interrupted:
            say("interrupted: the report holds what completed, marked partial")
        if self.a.check:
            status = status or self.check()
        return status

    def check(self):
        want = ["results.json", "report.md", "index.html"]
        missing = [f for f in want
                   if not (os.path.isfile(self.path(f)) and os.path.getsize(self.path(f)))]
        plots = os.path.join(self.run_dir, "plots")
        if shutil.which("gnuplot") and not (os.path.isdir(plots) and
                                            any(f.endswith(".png") for f in os.listdir(plots))):
            missing.append("plots/*.png")
        if missing:
            say("check failed: missing or empty: " + ", ".join(missing))
            return 1
        say("check: results.json, report.md, index.html and the plots are there")
        return 0

    def main(self):
        self.plan()
        self.started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        self.load_avg = [round(x, 2) for x in os.getloadavg()]
        short, commit_text = rundir.git_commit()
        self.run_id = rundir.make_run_dir(self.a.reports_dir, short)
        self.run_dir = os.path.join(self.a.reports_dir, self.run_id)
        say(f"run {self.run_id} -> {shown(self.run_dir)}")
        self.families = self.sel.families()
        self.canary_bin = os.path.join(os.path.dirname(self.a.bench_bin), "csplab-canary")
        self.canary_why = None
        if not os.access(self.canary_bin, os.X_OK):
            self.canary_why = f"{shown(self.canary_bin)} is not built"
            say(f"{self.canary_why}: the run records no machine state")
            self.canary_bin = None
        old = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.execute()
        except Stop as e:
            self.interrupted = e.signum
            print(file=sys.stderr)
            say(f"interrupted ({signal.Signals(e.signum).name}); writing what completed")
            self.stop_child()
        # From here on a second Ctrl-C does not cut the results or the report in half.
        for s in old:
            signal.signal(s, signal.SIG_IGN)
        return self.finish(commit_text)


def report_only(run_dir):
    try:
        written = report.generate(run_dir, say)
    except report.ResultsError as e:
        fail(str(e))
    say(f"report: {written[1]} and {written[0]} ({len(written) - 2} plots)")
    return 0


def compare_runs(old, new):
    from .report import compare
    try:
        out, path = compare.compare(old, new)
    except report.ResultsError as e:
        fail(str(e))
    sys.stdout.write(out)
    say(f"written to {shown(path)}")
    return 0


def main(argv):
    a = parse_args(argv)
    if a.compare:
        return compare_runs(*a.compare)
    if a.report_only:
        return report_only(a.report_only)
    a.reports_dir = os.path.abspath(a.reports_dir)
    a.bench_bin = os.path.abspath(a.bench_bin)
    return Run(a).main()


def entry(argv):
    """bench/run.py's whole body: main(argv), with a Ctrl-C before the run started exiting 130."""
    try:
        return main(argv)
    except KeyboardInterrupt:  # before the run started: nothing to keep
        print(file=sys.stderr)
        return 130
