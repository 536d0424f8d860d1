"""csplab_bench/report/model.py: results.json read and reduced to one figure set per instance,
over a small checked-in run (testdata/results-small.json, made-up rows)."""

import json
import os
import tempfile
import unittest

from csplab_bench.report import model

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "results-small.json")


def sample():
    return model.Results(*model.load(SAMPLE))


class LoadTest(unittest.TestCase):
    def test_reads_the_sample(self):
        ctx, rows = model.load(SAMPLE)
        self.assertEqual(ctx["num_cpus"], 2)
        self.assertEqual(len(rows), 15)

    def bad(self, text):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "results.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            with self.assertRaises(model.ResultsError) as e:
                model.load(path)
            return str(e.exception)

    def test_refuses_what_is_not_a_results_file(self):
        self.assertIn("not valid JSON", self.bad("{"))
        self.assertIn("not a Google Benchmark results file", self.bad("[]"))
        self.assertIn("not a Google Benchmark results file", self.bad('{"benchmarks": 3}'))
        self.assertIn("\"context\" is not an object",
                      self.bad(json.dumps({"context": [], "benchmarks": []})))
        with self.assertRaises(model.ResultsError):
            model.load("/nonexistent/results.json")

    def test_rows_without_a_name_are_dropped(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "results.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"benchmarks": [{"name": 3}, "x", {"name": "a/B/c"}]}, f)
            self.assertEqual(model.load(path), ({}, [{"name": "a/B/c"}]))


class ResultsTest(unittest.TestCase):
    def setUp(self):
        self.res = sample()
        self.by_name = {i.name: i for i in self.res.instances}

    def inst(self, name):
        return self.by_name[name + "/manual_time"]

    def test_instances_in_run_order_and_names_outside_the_grammar_skipped(self):
        self.assertEqual([i.name for i in self.res.instances], [
            "mutex/Mutex/futex/manual_time", "mutex/Mutex/go/manual_time",
            "mutex/Mutex/null/manual_time", "mutex/Mutex/pthread/manual_time",
            "mutex/MutexThroughput/futex/threads:8/cs_ns:0/manual_time",
            "mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time",
            "chan/ChanSync/lockfree/manual_time"])
        self.assertEqual(self.res.skipped, ["BM_NotOurGrammar"])

    def test_order_of_primitives_and_implementations(self):
        self.assertEqual(self.res.prims(), ["mutex", "chan"])
        # The registry's family order (report/order.py; this run has no registry in its context:
        # the default one), whatever order the run measured them in; the reference (go) and the
        # harness overhead (null) last.
        self.assertEqual(self.res.impls(), ["pthread", "futex", "lockfree", "go", "null"])
        self.assertTrue(self.res.has_impl("null"))
        self.assertFalse(self.res.has_impl("coro"))
        self.assertEqual(self.res.num_cpus(), 2)
        self.assertIsNone(model.Results({"num_cpus": "many"}, []).num_cpus())

    def test_keys_grouped_by_scenario_and_sorted_by_argument(self):
        self.assertEqual(self.res.keys("mutex"), [
            "mutex/Mutex", "mutex/MutexThroughput/threads:2/cs_ns:0",
            "mutex/MutexThroughput/threads:8/cs_ns:0"])
        self.assertEqual(self.res.keys("chan"), ["chan/ChanSync"])
        self.assertEqual(sorted(self.res.by_key("mutex/Mutex")),
                         ["futex", "go", "null", "pthread"])

    def test_figures_over_repetitions(self):
        futex = self.inst("mutex/Mutex/futex")
        self.assertEqual((futex.wall.median, futex.wall.min, futex.wall.max, futex.wall.n),
                         (22, 20, 24, 3))
        self.assertEqual(futex.cpu.median, 32)
        self.assertAlmostEqual(futex.counters["jain"], 0.8)
        self.assertNotIn("canary_rt_ns", futex.counters)  # a standard field, not a counter
        self.assertEqual(futex.canary, {0: 500, 1: None, 2: None})
        self.assertEqual(futex.rounds, {0: 20, 1: 24, 2: 22})
        self.assertFalse(futex.go_origin)

    def test_time_units_become_ns(self):
        go = self.inst("mutex/Mutex/go")
        self.assertTrue(go.go_origin)
        self.assertEqual(sorted(go.samples), [19.0, 21.0])
        self.assertAlmostEqual(go.wall.median, 20.0)

    def test_one_repetition_has_no_spread(self):
        null = self.inst("mutex/Mutex/null")
        self.assertEqual((null.wall.median, null.wall.cv, null.wall.n), (2, None, 1))

    def test_errors(self):
        failed = self.inst("mutex/Mutex/pthread")
        self.assertEqual(failed.error, "timed out")
        self.assertFalse(failed.wall.ok())
        self.assertEqual(failed.samples, [])
        # One round failed, the other counts.
        partly = self.inst("mutex/MutexThroughput/futex/threads:2/cs_ns:0")
        self.assertIsNone(partly.error)
        self.assertEqual(partly.samples, [40])

    def test_aggregates_only(self):
        ch = self.inst("chan/ChanSync/lockfree")
        self.assertEqual((ch.wall.median, ch.wall.min, ch.wall.max, ch.wall.n), (150, 140, 170, 5))
        self.assertEqual(ch.wall.cv, 0.05)
        self.assertEqual(ch.cpu.median, 300)
        self.assertEqual(ch.counters, {"msgs_per_s": 6600000})
        self.assertEqual(ch.samples, [])

    def test_arguments(self):
        t = self.inst("mutex/MutexThroughput/futex/threads:8/cs_ns:0")
        self.assertEqual(t.arg("threads"), 8)
        self.assertIsNone(t.arg("cap"))
        self.assertEqual(t.other_args("threads"), (("cs_ns", 0),))
        self.assertEqual(t.key, "mutex/MutexThroughput/threads:8/cs_ns:0")


if __name__ == "__main__":
    unittest.main()
