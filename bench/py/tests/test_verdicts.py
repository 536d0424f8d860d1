"""report/verdicts.py and compare.py over small synthetic runs: winners and ties, the
tally against Go, the machine state, and the comparison of two runs."""

import json
import os
import tempfile
import unittest

from csplab_bench.report import compare, stats
from csplab_bench.report.model import Results
from csplab_bench.report.verdicts import Verdicts, fmt_ratio

FAST = [10.0, 11.0, 12.0, 10.5, 11.5]
SLOW = [20.0, 21.0, 22.0, 19.0, 23.0]
LIKE_FAST = [10.2, 11.1, 12.3, 10.4, 11.6]


def rows(spec, canary=None):
    """{name: [wall per round]} -> iteration rows as bench/run.py writes them; canary: the
    cross-core reading per round (the same for every row of a round)."""
    out = []
    for name, walls in spec.items():
        for k, w in enumerate(walls):
            r = {"name": name, "run_name": name, "run_type": "iteration", "repetition_index": k,
                 "iterations": 1000, "real_time": w, "cpu_time": w, "time_unit": "ns"}
            if canary:
                r["canary_rt_ns"] = canary[k]
            out.append(r)
    return out


def run(spec, canary=None):
    return Results({"run_id": "test"}, rows(spec, canary))


def name(scenario, impl, prim="mutex"):
    return f"{prim}/{scenario}/{impl}/manual_time"


@unittest.skipUnless(stats.HAVE_SCIPY, "scipy is not available to this Python")
class Winners(unittest.TestCase):
    def test_sole_winner_and_tie(self):
        v = Verdicts(run({name("A", "futex"): FAST, name("A", "pthread"): SLOW,
                          name("B", "futex"): FAST, name("B", "pthread"): LIKE_FAST,
                          name("B", "null"): [1.0] * 5}))
        a, b = v.by_key["mutex/A"], v.by_key["mutex/B"]
        self.assertEqual(a.winner.impl, "futex")
        self.assertEqual(a.winner_text("*"), "* futex")
        self.assertIsNone(b.winner)  # null never competes, and pthread is not beaten
        self.assertEqual(b.winner_text("*"), "tie: futex, pthread")

    def test_one_round_names_no_winner(self):
        v = Verdicts(run({name("A", "futex"): [1.0], name("A", "pthread"): [2.0]}))
        c = v.by_key["mutex/A"]
        self.assertIsNone(c.winner)
        self.assertIn("untested", c.winner_text("*"))

    def test_go_tally(self):
        v = Verdicts(run({name("Won", "futex"): FAST, name("Won", "go"): SLOW,
                          name("Lost", "futex"): SLOW, name("Lost", "pthread"): SLOW,
                          name("Lost", "go"): FAST,
                          name("Tied", "futex"): SLOW, name("Tied", "pthread"): LIKE_FAST,
                          name("Tied", "go"): FAST}))
        t = v.go_tally()
        self.assertEqual(t["won"], ["mutex/Won"])
        self.assertEqual(t["lost"], ["mutex/Lost"])
        self.assertEqual(t["tied"], ["mutex/Tied"])
        self.assertTrue(v.tally_line().startswith("Go's benchmarks: 1 won, 1 tied, 1 lost"))

    def test_go_origin_is_the_mark(self):
        spec = {name("Own", "futex"): FAST, name("Own", "go"): SLOW,
                name("Program", "futex"): FAST, name("Program", "go"): SLOW,
                name("LocalWork", "null", "calib"): FAST, name("LocalWork", "go", "calib"): FAST}
        rs = rows(spec)
        for r in rs:
            if r["name"] == name("Own", "go"):
                r["go_origin"] = True
        v = Verdicts(Results({}, rs))
        self.assertEqual(v.go_origin_keys(), ["mutex/Own"])
        # Unmarked (older) rows: a Go row without arguments, calib/ left out.
        v = Verdicts(run(spec))
        self.assertEqual(sorted(v.go_origin_keys()), ["mutex/Own", "mutex/Program"])

    def test_ratio_marks(self):
        v = Verdicts(run({name("A", "futex"): FAST, name("A", "go"): SLOW,
                          name("A", "pthread"): LIKE_FAST}))
        c = v.by_key["mutex/A"]
        self.assertRegex(fmt_ratio(c.vs("futex", "go")), r"^0\.\d\d\u00d7 p=\.008$")
        self.assertTrue(fmt_ratio(c.vs("futex", "pthread")).startswith("\u2248"))


@unittest.skipUnless(stats.HAVE_SCIPY, "scipy is not available to this Python")
class Calibration(unittest.TestCase):
    def test_null_against_go(self):
        from csplab_bench.report.document import calibration
        spec = {name("Cheap", "null"): FAST, name("Cheap", "go"): SLOW,
                name("Dear", "null"): SLOW, name("Dear", "go"): FAST,
                name("Even", "null"): FAST, name("Even", "go"): LIKE_FAST,
                name("LocalWork", "null", "calib"): FAST,
                name("LocalWork", "go", "calib"): SLOW}
        rs = rows(spec)
        for r in rs:
            if "/go/" in r["name"]:
                r["go_origin"] = "calib" not in r["name"]
        res = Results({}, rs)
        table = calibration(res, Verdicts(res))
        checks = {r[0]: r[4] for r in table[2]}
        self.assertEqual(checks["mutex/Cheap"], "ok")
        self.assertTrue(checks["mutex/Dear"].startswith("null costs more"))
        self.assertEqual(checks["mutex/Even"], "ok: no significant difference")
        self.assertEqual(checks["calib/LocalWork (null vs go)"], "differ by more than 10%")


class MachineState(unittest.TestCase):
    def test_straddled_comparison_and_state_dependent_verdict(self):
        # Rounds 1-3 fast (100 ns trip), 4-5 slow (400 ns): futex beats go when fast only.
        v = Verdicts(run({name("A", "futex"): [10, 10, 10, 40, 40],
                          name("A", "go"): [20, 20, 20, 20, 20],
                          name("B", "futex"): [10, 10, 10, 10, 10]},
                         canary=[100, 100, 100, 400, 400]))
        a = v.by_key["mutex/A"]
        self.assertTrue(a.straddled)
        note = a.state_note("futex", "go")
        self.assertIn("beats go when a cross-core round trip is fast", note)
        self.assertIn("loses to it when slow", note)
        self.assertIn("slow state: 4 of 10", v.state.summary())  # 2 comparisons x 5

    def test_steady_state(self):
        v = Verdicts(run({name("A", "futex"): FAST, name("A", "go"): SLOW},
                         canary=[100, 110, 105, 120, 101]))
        self.assertFalse(v.by_key["mutex/A"].straddled)
        self.assertIsNone(v.by_key["mutex/A"].state_note("futex", "go"))


class Compare(unittest.TestCase):
    def write(self, d, spec):
        os.makedirs(d)
        with open(os.path.join(d, "results.json"), "w") as f:
            json.dump({"context": {"run_id": os.path.basename(d)}, "benchmarks": rows(spec)}, f)
        return d

    def test_two_runs(self):
        with tempfile.TemporaryDirectory() as tmp:
            old = self.write(os.path.join(tmp, "old"), {
                name("A", "futex"): FAST, name("A", "go"): SLOW, name("Gone", "futex"): FAST})
            new = self.write(os.path.join(tmp, "new"), {
                name("A", "futex"): SLOW, name("A", "go"): LIKE_FAST, name("New", "futex"): FAST})
            out, path = compare.compare(old, new)
            self.assertTrue(os.path.isfile(path))
            self.assertEqual(os.path.basename(path), "compare-old.txt")
            lines = out.splitlines()
            futex = next(ln for ln in lines if ln.startswith("mutex/A/futex "))
            go = next(ln for ln in lines if ln.startswith("mutex/A/go "))
            self.assertIn("geomean of new/old over 2 rows", out)
            self.assertIn("only in old (1):", out)
            self.assertIn("  mutex/Gone/futex", out)
            self.assertIn("  mutex/New/futex", out)
            if stats.HAVE_SCIPY:
                self.assertIn("+", futex.split()[5])  # slower: a positive change
                self.assertIn("-", go.split()[5])
                # futex beat go in old and loses in new: one reversed verdict of each kind.
                self.assertIn("winners: 1 significant in old; 0 confirmed, 0 now a tie, "
                              "1 reversed", out)
                self.assertIn("vs go: 1 significant in old; 0 confirmed, 0 now a tie, "
                              "1 reversed", out)

    def test_missing_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(compare.ResultsError):
                compare.compare(os.path.join(tmp, "nope"), tmp)


if __name__ == "__main__":
    unittest.main()
