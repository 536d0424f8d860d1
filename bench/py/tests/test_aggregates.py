"""aggregates.py over a small checked-in sample (testdata/rounds.jsonl: three
rounds of two benchmarks, one of them failing in a round, as bench/run.py numbers them)."""

import json
import os
import statistics
import unittest

from csplab_bench import aggregates, rundir

TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")
SAMPLE = os.path.join(TESTDATA, "rounds.jsonl")
GO_SAMPLE = os.path.join(TESTDATA, "go-sample.jsonl")
FUTEX = "mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time"
GO = "mutex/MutexThroughput/go/threads:2/cs_ns:0/manual_time"


def sample_rows():
    _, rows, bad = rundir.read_jsonl(SAMPLE)
    assert bad == 0
    return rows


def by_name(rows):
    return {r["name"]: r for r in rows}


class WithAggregatesTest(unittest.TestCase):
    def setUp(self):
        self.out = aggregates.with_aggregates(sample_rows())
        self.rows = by_name(self.out)

    def test_iteration_rows_kept_and_numbered(self):
        its = [r for r in self.out if r["run_type"] == "iteration"]
        self.assertEqual(len(its), 6)
        self.assertTrue(all(r["repetitions"] == 3 for r in its))

    def test_the_six_aggregates_of_google_benchmark(self):
        names = [r["aggregate_name"] for r in self.out
                 if r["run_type"] == "aggregate" and r["run_name"] == FUTEX]
        self.assertEqual(names, ["mean", "median", "stddev", "cv", "min", "max"])
        self.assertEqual(self.rows[FUTEX + "_cv"]["aggregate_unit"], "percentage")
        self.assertEqual(self.rows[FUTEX + "_median"]["aggregate_unit"], "time")

    def test_values(self):
        wall = [100.0, 120.0, 80.0]
        self.assertEqual(self.rows[FUTEX + "_median"]["real_time"], 100.0)
        self.assertEqual(self.rows[FUTEX + "_mean"]["real_time"], 100.0)
        self.assertEqual(self.rows[FUTEX + "_min"]["real_time"], 80.0)
        self.assertEqual(self.rows[FUTEX + "_max"]["real_time"], 120.0)
        self.assertAlmostEqual(self.rows[FUTEX + "_stddev"]["real_time"], statistics.stdev(wall))
        self.assertAlmostEqual(self.rows[FUTEX + "_cv"]["real_time"], 0.2)
        # a counter is reduced like a time; the iteration count becomes the repetitions
        self.assertEqual(self.rows[FUTEX + "_median"]["jain"], 0.9)
        self.assertEqual(self.rows[FUTEX + "_median"]["iterations"], 3)
        self.assertNotIn("repetition_index", self.rows[FUTEX + "_median"])

    def test_failed_round_left_out_and_null_measure_stays_null(self):
        go = self.rows[GO + "_median"]
        self.assertEqual(go["repetitions"], 2)  # of three rounds, one failed
        self.assertEqual(go["real_time"], 55.0)
        self.assertIsNone(go["cpu_time"])       # Go's own rows carry no CPU time

    def test_one_good_repetition_gets_no_aggregates(self):
        out = aggregates.with_aggregates([dict(r) for r in sample_rows()
                                          if r["repetition_index"] == 0])
        self.assertTrue(all(r["run_type"] == "iteration" for r in out))

    def test_recorded_go_sample_reads_as_single_repetitions(self):
        _, rows, bad = rundir.read_jsonl(GO_SAMPLE)
        out = aggregates.with_aggregates(rows)
        self.assertEqual(bad, 0)
        self.assertEqual(len(out), len(rows))

    def test_results_json_round_trip(self):
        json.dumps(self.out, allow_nan=False)  # no NaN or infinity reaches results.json


class SamplesTest(unittest.TestCase):
    def test_per_round_samples_in_order(self):
        rows = [r for r in aggregates.with_aggregates(sample_rows())
                if (r.get("run_name") or r["name"]) == FUTEX]
        self.assertEqual(aggregates.samples(rows, "real_time"), [100.0, 120.0, 80.0])

    def test_failed_and_null_skipped(self):
        rows = [r for r in sample_rows() if r["name"] == GO]
        self.assertEqual(aggregates.samples(rows, "real_time"), [50.0, 60.0])
        self.assertEqual(aggregates.samples(rows, "cpu_time"), [])

    def test_reduce(self):
        self.assertEqual(aggregates.reduce([1, 2, 3, 10])["median"], 2.5)
        with self.assertRaises(ValueError):
            aggregates.reduce([1.0])


if __name__ == "__main__":
    unittest.main()
