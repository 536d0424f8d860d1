"""csplab_bench/rundir.py: the core count (the one rule, as csp_ncpu() in src/util.c counts
cores), reading the JSON-lines files (testdata/interrupted.jsonl: a file cut short), and the run
directory with its `latest` link."""

import os
import subprocess
import sys
import tempfile
import unittest

from csplab_bench import PY_DIR, rundir


class NcpuTest(unittest.TestCase):
    def test_counts_the_affinity_mask(self):
        self.assertEqual(rundir.ncpu(), len(os.sched_getaffinity(0)))
        self.assertEqual(rundir.machine_context()["num_cpus"], rundir.ncpu())

    def test_follows_a_restricted_mask(self):
        """A process limited to one CPU counts one, however many are online."""
        one = min(os.sched_getaffinity(0))
        code = (f"import os, sys; sys.path.insert(0, {PY_DIR!r}); from csplab_bench import rundir; "
                f"os.sched_setaffinity(0, {{{one}}}); print(rundir.ncpu())")
        r = subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "1")


INTERRUPTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata",
                           "interrupted.jsonl")


class ReadJsonlTest(unittest.TestCase):
    def test_contexts_rows_and_bad_lines(self):
        ctxs, rows, bad = rundir.read_jsonl(INTERRUPTED)
        self.assertEqual([c["go_version"] for c in ctxs], ["go1.19.8"])
        self.assertEqual([r["name"] for r in rows], ["mutex/Mutex/futex/manual_time",
                                                     "mutex/Mutex/pthread/manual_time"])
        # Not an object, an object without a name, and the line cut short; the blank line is
        # not counted.
        self.assertEqual(bad, 3)

    def test_a_missing_file_is_empty(self):
        self.assertEqual(rundir.read_jsonl("/nonexistent/go.1.jsonl"), ([], [], 0))

    def test_go_version_from_the_contexts(self):
        ctxs, _, _ = rundir.read_jsonl(INTERRUPTED)
        self.assertEqual(rundir.go_version(ctxs), "go1.19.8")
        self.assertEqual(rundir.go_version([{"goversion": "go1.21"}]), "go1.21")


class RunDirTest(unittest.TestCase):
    def test_run_ids_are_unique_and_latest_follows(self):
        with tempfile.TemporaryDirectory() as d:
            reports = os.path.join(d, "reports")
            a = rundir.make_run_dir(reports, "abc1234")
            b = rundir.make_run_dir(reports, "abc1234")
            self.assertTrue(a.endswith("-abc1234"))
            self.assertNotEqual(a, b)
            self.assertTrue(os.path.isdir(os.path.join(reports, a)))
            self.assertTrue(os.path.isdir(os.path.join(reports, b)))
            for run_id in (a, b):
                self.assertIsNone(rundir.point_latest(reports, run_id))
                self.assertEqual(os.readlink(os.path.join(reports, "latest")), run_id)
            self.assertEqual(sorted(os.listdir(reports)), sorted([a, b, "latest"]))

    def test_machine_context(self):
        ctx = rundir.machine_context()
        self.assertEqual(set(ctx), {"cpu_model", "num_cpus", "kernel", "glibc"})
        self.assertEqual(ctx["num_cpus"], rundir.ncpu())


if __name__ == "__main__":
    unittest.main()
