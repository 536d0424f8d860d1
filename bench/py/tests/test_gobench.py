"""csplab_bench/gobench.py: reading `go test -bench` output (testdata/go-test-bench.txt, a made-up
sample in Go 1.19's format), the rows made of it, and the plan of which test binary runs what."""

import os
import unittest

from csplab_bench import gobench, names
from csplab_bench.report.model import Results

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "go-test-bench.txt")


def read_sample():
    out = gobench.BenchOutput()
    with open(SAMPLE, encoding="utf-8") as f:
        results = [r for r in map(out.feed, f.read().splitlines()) if r]
    return out, results


class BenchOutputTest(unittest.TestCase):
    def test_result_lines(self):
        _, results = read_sample()
        self.assertEqual(results, [
            ("ChanSync", 7604211, 158.0),
            ("ChanSync", 7500000, 161.5),
            ("MakeChan/Byte", 14857256, 80.61),
            ("MakeChan/Int", 14000000, 81.25),  # B/op and allocs/op after ns/op are ignored
            ("ChanProdCons0", 5000000, 225.0),   # no -GOMAXPROCS suffix when it is 1
            ("ChanContended", 1000, 1.5e6),     # Go's exponent form
        ])

    def test_reasons_of_skips_and_failures(self):
        out, _ = read_sample()
        self.assertEqual(out.notes, {
            "ChanPopular": "skipped by Go: chan_test.go:1021: skipping in this sample",
            "SelectProdCons": "failed in Go: chan_test.go:700: first line of the reason: "
                              "second line",
        })

    def test_a_result_line_ends_a_reason(self):
        out = gobench.BenchOutput()
        for line in ("--- SKIP: BenchmarkX-2", "    why", "BenchmarkY-2  10  5.0 ns/op",
                     "    not about X"):
            out.feed(line)
        self.assertEqual(out.notes, {"X": "skipped by Go: why"})

    def test_other_lines_are_not_results(self):
        out = gobench.BenchOutput()
        for line in ("goos: linux", "PASS", "ok  \truntime\t1.2s", "Benchmark", ""):
            self.assertIsNone(out.feed(line))
        self.assertEqual(out.notes, {})


class RowsTest(unittest.TestCase):
    ROW = "chan/ChanSync/go/manual_time"

    def test_one_iteration_row_per_result(self):
        rows = gobench.go_origin_rows(self.ROW, 7, [(100, 158.0, 1.5), (90, 160.0, None)], None)
        self.assertEqual([r["repetition_index"] for r in rows], [0, 1])
        self.assertEqual({r["run_type"] for r in rows}, {"iteration"})
        self.assertEqual({r["repetitions"] for r in rows}, {2})
        self.assertEqual({r["family_index"] for r in rows}, {7})
        self.assertEqual([r["real_time"] for r in rows], [158.0, 160.0])
        # cpu_time: wall time x the CPU utilisation, unknown without a utilisation.
        self.assertEqual([r["cpu_time"] for r in rows], [237.0, None])
        self.assertTrue(all(r["go_origin"] is True and r["ctxsw"] is None for r in rows))

    def test_no_result_is_one_error_row(self):
        [row] = gobench.go_origin_rows(self.ROW, 0, [], "skipped by Go: why")
        self.assertTrue(row["error_occurred"])
        self.assertEqual(row["error_message"], "skipped by Go: why")
        self.assertIsNone(row["real_time"])

    def test_the_report_reads_them(self):
        rows = gobench.go_origin_rows(self.ROW, 0, [(100, 150.0, 1.0), (100, 170.0, 1.0),
                                                    (100, 160.0, 1.0)], None)
        [inst] = Results({}, rows).instances
        self.assertEqual((inst.prim, inst.scenario, inst.impl), ("chan", "ChanSync", "go"))
        self.assertTrue(inst.go_origin)
        self.assertEqual(inst.wall.median, 160.0)
        self.assertEqual(sorted(inst.samples), [150.0, 160.0, 170.0])


class PlanTest(unittest.TestCase):
    def test_every_planned_row_follows_the_grammar(self):
        plan = gobench.plan_go_origin(names.matcher(""))
        rows = [row for _, benches in plan for _, row, _ in benches]
        self.assertEqual(len(rows), len(set(rows)))
        for row in rows:
            n = names.parse(row)
            self.assertIsNotNone(n, row)
            self.assertEqual(n.impl, "go")
        fams = [fam for _, benches in plan for _, _, fam in benches]
        self.assertEqual(sorted(fams), list(range(len(fams))))

    def test_the_filter_selects_the_binaries(self):
        plan = gobench.plan_go_origin(names.matcher("^chan/ChanSync/"))
        self.assertEqual([(pkg, [g for g, _, _ in b]) for pkg, b in plan],
                         [("runtime", ["ChanSync"])])
        self.assertEqual(gobench.plan_go_origin(names.matcher("^nothing/")), [])

    def test_a_benchmark_with_sub_benchmarks_runs_alone(self):
        plan = gobench.plan_go_origin(names.matcher("^chan/(MakeChan|ChanSync)/"))
        self.assertEqual([[g for g, _, _ in b] for _, b in plan], [["ChanSync"], ["MakeChan"]])
        self.assertEqual(gobench.bench_pattern(plan[0][1]), "^Benchmark(ChanSync)$")
        self.assertEqual(gobench.bench_pattern(plan[1][1]), "^Benchmark(MakeChan)$/^Int$")


if __name__ == "__main__":
    unittest.main()
