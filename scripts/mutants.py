#!/usr/bin/env python3
"""The mutant check: proves the conformance and stress suites catch broken implementations.

Each mutant is a patch in mutants/ that breaks one implementation in one way (a header says
which: target, bug class, and the build that must catch it). CMake builds, per mutant, the
conformance and stress binaries with only that implementation patched (mutants/CMakeLists.txt);
this script builds them, runs the suites against each mutant, requires every mutant to be caught,
and writes the kill matrix.

    scripts/mutants.py --build build/release [--build build/tsan] [--mode ci|full]
                       [--only ID,ID] [-j N] [--matrix docs/kill-matrix.md]

Checks, per build: "conformance" (the conformance suite on the mutant's primitive and
implementation, stopping at the first failing test) and "stress" (each stress scenario of the
primitive, normal load with chaos, oversubscribed, and deterministic schedules where the family
has them, stopping at the first failing run). In a ThreadSanitizer build, a failure that is a TSan
report counts for the "TSan" column.

--mode ci (default): each mutant runs in the build its header names (release, or tsan for bugs
only ThreadSanitizer can see), its checks in order until the first kill, within a time bound. A
mutant none of them caught gets a second chance, the long stress profile (below), before it is
called a survivor: on a busy machine the CI-sized runs get a fraction of the CPU, and a race with
a window of a few instructions may not be hit in them (the verdict must not depend on the load).
--mode full: every mutant in every given build, each column run to its own first kill: the
kill matrix then shows what each check catches on its own.

What killed a mutant comes from the binaries' last line, their machine-readable result
(harness/hx.h: the first failing test or run, why — check, hang, race, crash — and its
message); no other output is read.

Exit status: 0 when every mutant that ran was caught, 1 otherwise, 2 on a usage or build error.
"""
import argparse
import concurrent.futures as cf
import json
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRESS_SECONDS = {"release": 2.0, "tsan": 3.0, "asan": 2.0}
STALL = {"release": 5, "tsan": 20, "asan": 10}     # the stress watchdog's bound
TEST_TIMEOUT = {"release": 5, "tsan": 30, "asan": 15}  # one conformance test's bound
MUTANT_BOUND = {"release": 240, "tsan": 600, "asan": 400}  # one mutant, all its checks (ci)
DET_SEEDS = 10  # schedules per deterministic stress run (families that have the mode)
# The long profile (--long; make stress-long runs the suite so): each scenario STRESS_LONG
# seconds with chaos, under LONG_SEEDS seeds. It runs only on mutants the CI-sized stress runs
# of that build missed: it measures what length adds.
STRESS_LONG = 30.0
LONG_SEEDS = (0x5eed0001, 0x5eed0002, 0x5eed0003)
print_lock = threading.Lock()
RAN = {}  # mutant id -> the columns that ran on it ("conformance", "stress", "stress-long", "tsan")


def say(*a):
    with print_lock:
        print(*a, flush=True)


class Build:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        listing = os.path.join(self.path, "mutants", "mutants.txt")
        if not os.path.exists(listing):
            sys.exit(f"mutants.py: {listing} missing: configure {path} with CMake first")
        self.launcher, self.sanitize, self.mutants = [], "", {}
        for line in open(listing):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("sanitize="):
                self.sanitize = line.split("=", 1)[1]
            elif line.startswith("launcher="):
                launcher = line.split("=", 1)[1]
                self.launcher = [launcher] if launcher else []
            else:
                mid, patch = line.split(" ", 1)
                self.mutants[mid] = patch
        kinds = {"": "release", "thread": "tsan", "address": "asan"}
        self.kind = kinds.get(self.sanitize, "release")
        cache = open(os.path.join(self.path, "CMakeCache.txt")).read()
        self.ninja = "CMAKE_GENERATOR:INTERNAL=Ninja" in cache

    def bin(self, suite, mid):
        return os.path.join(self.path, "mutants", f"csplab-{suite}-mutant-{mid}")


def read_header(patch):
    head = {}
    for line in open(patch):
        if line.startswith("--- "):
            break
        m = re.match(r"(\w+): (.*)", line.strip())
        if m:
            head[m.group(1)] = m.group(2)
    prim, impl = head["target"].split()
    return {"prim": prim, "impl": impl, "class": head.get("class", ""),
            "needs": head.get("needs", "release"), "why": head.get("why", "")}


def build(b, mids, heads, jobs):
    """Build the mutants' binaries; returns {mid: error text} for those that failed."""
    if not mids:
        return {}
    say(f"== mutants: building {len(mids)} mutant(s) in {b.path} ==")
    # One aggregate target when the set is one CMake defines (a make invocation per target is
    # slow: each re-checks every dependency), else the targets one by one.
    by_need = {k: {m for m in b.mutants if heads.get(m, {}).get("needs") == k}
               for k in ("release", "tsan")}
    if set(mids) == set(b.mutants):
        targets = ["csplab-mutants"]
    elif set(mids) == by_need["release"] or set(mids) == by_need["tsan"]:
        targets = ["csplab-mutants-" + heads[mids[0]]["needs"]]
    else:
        targets = [f"csplab-{s}-mutant-{m}" for m in mids for s in ("conformance", "stress")]
    keep_going = ["--", "-k", "0"] if b.ninja else ["--", "-k"]
    cmd = ["cmake", "--build", b.path, "-j", str(jobs), "--target", *targets, *keep_going]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode == 0:
        return {}
    failed = {}
    for m in mids:  # find which: build each alone
        rc = subprocess.run(["cmake", "--build", b.path, "--target",
                             f"csplab-conformance-mutant-{m}", f"csplab-stress-mutant-{m}"],
                            capture_output=True, text=True)
        if rc.returncode != 0:
            lines = [l for l in (rc.stdout + rc.stderr).splitlines()
                     if "error" in l.lower() or "no longer applies" in l or "FAILED" in l]
            failed[m] = "\n".join(lines[:12]) or "build failed"
    return failed


def run(cmd, timeout, env=None):
    """(exit status or 'timeout', combined output, seconds)."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=timeout, env=env)
        return p.returncode, p.stdout, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "timeout", out, time.monotonic() - t0


def result(out):
    """The run's machine-readable result: the last `csplab-result: {json}` line (harness/hx.h),
    or None. Nothing else of a run's output is read."""
    for line in reversed(out.splitlines()):
        if line.startswith("csplab-result: "):
            try:
                return json.loads(line[len("csplab-result: "):])
            except ValueError:
                return None
    return None


def kill(check, name, rc, out, secs, cmd):
    """A kill dict from a failed run's result line; name(first) gives the cell's name."""
    res = result(out)
    if res is None or res.get("status") != "fail":
        first, how, why = None, f"exit status {rc} without a failing result line", "crash"
    else:
        first, how, why = res.get("first"), res.get("message") or "", res.get("why")
    return {"check": check, "name": name(first), "tsan": why == "race", "why": why,
            "how": how, "secs": secs, "cmd": " ".join(cmd)}


def out_of_time(check, secs):
    """A run the time bound cut off: slow, not a verdict (a hang is the suites' own verdict,
    reported with a result line), so it counts as survived."""
    return {"check": check, "name": "-", "tsan": False, "how": "time bound reached",
            "secs": secs, "survived": True}


def conformance(b, mid, h, budget):
    """A kill dict, or None if the suite passed (or everything was absent)."""
    env = dict(os.environ, CMOCKA_TEST_ABORT="1")
    cmd = b.launcher + [b.bin("conformance", mid), "--prim", h["prim"], "--impl", h["impl"],
                        "--timeout", str(TEST_TIMEOUT[b.kind])]
    rc, out, secs = run(cmd, budget, env)
    if rc in (0, 77):
        return None
    if rc == "timeout":
        return out_of_time("conformance", secs)
    # first: "<prim>/<impl>/<test>"
    return kill("conformance", lambda first: first.rsplit("/", 1)[-1] if first else "?",
                rc, out, secs, cmd)


def stress_runs(b, h):
    cmd = b.launcher + [os.path.join(b.path, "stress", "csplab-stress"), "--list"]
    rc, out, _ = run(cmd, 120)
    lines = [l.split() for l in out.splitlines() if l.split()[:2] == [h["prim"], h["impl"]]]
    return [(f[2], load) for f in lines
            for load in ("normal", "over") + (("det", "pct") if f[3:] else ())]


def stress_long(b, mid, h, budget, runs):
    """The long profile: normal load with chaos, STRESS_LONG s, each of LONG_SEEDS."""
    k = None
    t_end = time.monotonic() + budget
    for seed in LONG_SEEDS:
        left = t_end - time.monotonic()
        if left <= 5:
            break
        long_runs = [(sc, load) for sc, load in runs if load == "normal"]
        k = stress(b, mid, h, left, long_runs, seconds=STRESS_LONG, seed=seed)
        if k and not k.get("survived"):
            k["check"] = "stress-long"
            k["name"] += f" (seed {seed:#x})"
            return k
    return None


def stress(b, mid, h, budget, runs, seconds=None, seed=None):
    t_end = time.monotonic() + budget
    secs_total = 0.0
    for scenario, load in runs:
        left = t_end - time.monotonic()
        if left <= 5:
            return out_of_time("stress", secs_total)
        how_run = ["--seeds", str(DET_SEEDS)] if load == "det" else \
            ["--seeds", str(DET_SEEDS), "--pct", "3"] if load == "pct" else \
            ["--load", load, "--chaos", "1" if load == "normal" else "0"]
        cmd = b.launcher + [b.bin("stress", mid), "--prim", h["prim"], "--impl", h["impl"],
                            "--scenario", scenario, *how_run,
                            "--seconds", str(seconds or STRESS_SECONDS[b.kind]),
                            "--stall", str(STALL[b.kind])] + \
            (["--seed", hex(seed)] if seed is not None else [])
        rc, out, secs = run(cmd, left)
        secs_total += secs
        if rc in (0, 77):
            continue
        if rc == "timeout":
            return out_of_time("stress", secs_total)
        name = scenario + {"normal": "", "over": "/oversub", "det": "/det", "pct": "/pct"}[load]
        return kill("stress", lambda first: name, rc, out, secs_total, cmd)
    return None


def check_mutant(b, mid, h, mode, runs, long=False):
    """Run the checks on one mutant in one build: a list of kills (ci: at most one). With long,
    the long stress profile too, where the CI-sized stress runs caught nothing."""
    bound = MUTANT_BOUND[b.kind]
    t0 = time.monotonic()
    order = [conformance, stress] if b.kind == "release" else [stress, conformance]
    kills = []
    ran = RAN.setdefault(mid, set())
    if b.kind != "release":
        ran.add("tsan")
    for check in order:
        left = bound - (time.monotonic() - t0) if mode == "ci" else bound
        if left <= 5:
            break
        ran.add("stress" if check is stress else "conformance")
        k = check(b, mid, h, left, runs) if check is stress else check(b, mid, h, left)
        if k and not k.get("survived"):
            k["build"] = b.kind
            k["at"] = time.monotonic() - t0
            kills.append(k)
            if mode == "ci":
                break
    if (long or mode == "ci") and not any(k["check"] == "stress" for k in kills) \
            and not (mode == "ci" and kills):
        if mode == "ci":
            say(f"long     {mid} ({b.kind}): no CI-sized check caught it; the long stress "
                f"profile ({STRESS_LONG:.0f} s runs, {len(LONG_SEEDS)} seeds) before calling it "
                "a survivor")
        ran.add("stress-long")
        budget = len(LONG_SEEDS) * len(runs) * (STRESS_LONG + STALL[b.kind] + 10)
        k = stress_long(b, mid, h, budget, runs)
        if k:
            k["build"] = b.kind
            k["at"] = time.monotonic() - t0
            kills.append(k)
    return kills


def cell(kills, column):
    # A kill in a release build first: the sanitizer build is named when it alone caught it.
    for k in sorted(kills, key=lambda k: k["build"] != "release"):
        col = "tsan" if k["tsan"] else k["check"]
        if col == column:
            mark = "" if column == "tsan" or k["build"] == "release" else f" ({k['build']} build)"
            return f"`{k['name']}`{mark}: {k['how']}"
    return None


def write_matrix(path, rows, builds, mode):
    cols = [("conformance", "conformance"), ("stress", "stress"),
            ("stress-long", "stress, long"), ("tsan", "ThreadSanitizer")]
    kinds = {b.kind for b in builds}
    lines = [
        "# Kill matrix",
        "",
        "Generated by `scripts/mutants.py` — do not edit; rerun it (`make mutants`) to update.",
        f"Mode {mode}, builds: {', '.join(sorted(kinds))}; {os.cpu_count()} CPUs; "
        f"{len(rows)} mutants.",
        "",
        "Each mutant (`mutants/<id>.patch`) breaks one implementation in one way. A cell names",
        "the first test or stress run that failed on the mutant in that column and how it failed:",
        "**conformance** (the conformance suite, stopping at the first failing test), **stress**",
        "(the stress scenarios of the primitive — normal load with chaos, oversubscribed,",
        "deterministic schedules for the coro family — stopping at the first failing run),",
        "**stress, long** (the long profile: each scenario 30 s with chaos under 3 seeds, run",
        "only where the CI-sized stress runs missed the mutant — with `--long`, or in mode ci",
        "as a second chance for a mutant no other check caught; `n/a` elsewhere),",
        "**ThreadSanitizer** (a TSan report in the TSan build, from either suite). `—`: ran and",
        "caught nothing; `n/a`: not run (in mode ci, every check after the first kill). Time:",
        "to the first kill. A cell names the build when only a sanitizer build caught the",
        "mutant in that column.",
        "",
        "| mutant | target | bug class | conformance | stress | stress, long | ThreadSanitizer "
        "| time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    counts = {c: 0 for c, _ in cols}
    for r in rows:
        cells = []
        for c, _ in cols:
            text = cell(r["kills"], c)
            counts[c] += bool(text)
            if text is None:
                checks = r.get("checks", set())
                ran_here = c in checks
                text = "—" if ran_here else "n/a"
            text = re.sub(r"(?:/[^\s/:]+)+/([^\s/:]+)", r"\1", text)  # no machine paths
            cells.append(text.replace("|", "\\|"))
        t = min((k["at"] for k in r["kills"]), default=None)
        status = "**SURVIVED**" if not r["kills"] else f"{t:.1f} s"
        lines.append(f"| `{r['id']}` | {r['prim']} {r['impl']} | {r['class']} | "
                     + " | ".join(cells) + f" | {status} |")
    n = len(rows)
    caught = sum(1 for r in rows if r["kills"])
    lines += ["", f"Caught: {caught} of {n} mutants. By column: "
              + ", ".join(f"{name} {counts[c]}" for c, name in cols) + ".", ""]
    if mode == "ci":  # the checks stop at the first kill: no column says what others miss
        lines.append("Mode ci: each mutant's checks stopped at its first kill, so a column counts "
                     "the mutants it caught first; `make mutants` (mode full) runs every column.")
    only = {c: [r["id"] for r in rows if [cell(r["kills"], x) is not None for x, _ in cols]
                == [x == c for x, _ in cols]] for c, _ in cols} if mode == "full" else {}
    for c, name in cols:
        if only.get(c):
            lines.append(f"Caught only by {name}: " + ", ".join(f"`{m}`" for m in only[c]) + ".")
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", action="append", required=True, help="a configured build dir")
    ap.add_argument("--mode", choices=("ci", "full"), default="ci")
    ap.add_argument("--only", default="", help="comma-separated mutant ids")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--matrix", help="write the kill matrix (markdown) here")
    ap.add_argument("--long", action="store_true",
                    help="also the long stress profile where the CI-sized runs missed a mutant")
    args = ap.parse_args()
    builds = [Build(p) for p in args.build]
    ids = sorted(set().union(*(b.mutants for b in builds)))
    if args.only:
        wanted = args.only.split(",")
        unknown = [m for m in wanted if m not in ids]
        if unknown:
            sys.exit(f"mutants.py: no such mutant: {', '.join(unknown)}")
        ids = [m for m in ids if m in wanted]
    every = sorted(set().union(*(b.mutants for b in builds)))
    heads = {m: read_header(next(b.mutants[m] for b in builds if m in b.mutants)) for m in every}
    # plan: (builds, mid). full: every build on its own. ci: the build the header names first,
    # then the other given builds until one catches it (a kill from any build is a kill, as in
    # full mode; the matrix names the build).
    plan = []
    for m in ids:
        have = [b for b in builds if m in b.mutants]
        if args.mode == "full":
            plan += [([b], m) for b in have]
        else:
            named = [b for b in have if b.kind == heads[m]["needs"]]
            if named:
                plan.append((named + [b for b in have if b not in named], m))
    skipped = [m for m in ids if not any(m == pm for _, pm in plan)]
    t0 = time.monotonic()
    broken = {}
    for b in builds:
        mids = [m for pbs, m in plan if b in pbs]
        for m, err in build(b, mids, heads, args.jobs).items():
            broken[(b.kind, m)] = err
    kills = {m: [] for m in ids}
    ran = {m: set() for m in ids}
    runs_cache = {}

    def job(bs, m):
        out = []  # (build, kills or None when it does not build), in order, to the first kill
        for b in bs:
            if (b.kind, m) in broken:
                out.append((b, None))
                continue
            key = (b.path, heads[m]["prim"], heads[m]["impl"])
            if key not in runs_cache:
                runs_cache[key] = stress_runs(b, heads[m])
            ks = check_mutant(b, m, heads[m], args.mode, runs_cache[key], args.long)
            out.append((b, ks))
            if ks:
                break
        return m, out

    say(f"== mutants: checking {len(plan)} mutant(s), {args.jobs} at a time ==")
    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for fut in cf.as_completed([pool.submit(job, bs, m) for bs, m in plan]):
            m, out = fut.result()
            for b, ks in out:
                if ks is None:
                    say(f"BROKEN   {m} ({b.kind}): the mutant does not build:\n"
                        f"{broken[(b.kind, m)]}")
                    continue
                ran[m].add(b.kind)
                kills[m] += ks
                if ks:
                    k = ks[0]
                    say(f"caught   {m} ({b.kind}) by {'TSan in ' if k['tsan'] else ''}"
                        f"{k['check']} {k['name']} after {k['at']:.1f} s: {k['how']}")
                else:  # the verdict is over all the builds it ran in: the summary's
                    say(f"missed   {m} ({b.kind}): no check of this build failed on it")
    rows = [dict(id=m, **heads[m], kills=kills[m], ran=ran[m],
                 checks=RAN.get(m, set()))
            for m in ids if ran[m]]
    survivors = [r["id"] for r in rows if not r["kills"]]
    total = time.monotonic() - t0
    if args.matrix:
        write_matrix(args.matrix, rows, builds, args.mode)
        say(f"== mutants: kill matrix written to {args.matrix} ==")
    state = os.path.join(builds[0].path, "mutants", "last-check.json")
    with open(state, "w") as f:
        json.dump({"mode": args.mode, "seconds": total, "rows": rows,
                   "broken": [f"{k}:{m}" for k, m in broken]}, f, indent=1, default=list)
    say(f"== mutants: {len(rows) - len(survivors)} of {len(rows)} caught, "
        f"{len(broken)} not built, in {total:.0f} s"
        + (f"; not run here (need another build): {', '.join(skipped)}" if skipped else "") + " ==")
    if survivors:
        say("SURVIVED: " + ", ".join(survivors))
    return 2 if broken else 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
