"""bench/rundir.py: the core count (the one rule, as csp_ncpu() in src/util.c counts cores)."""

import os
import subprocess
import sys
import unittest

import rundir

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class NcpuTest(unittest.TestCase):
    def test_counts_the_affinity_mask(self):
        self.assertEqual(rundir.ncpu(), len(os.sched_getaffinity(0)))
        self.assertEqual(rundir.machine_context()["num_cpus"], rundir.ncpu())

    def test_follows_a_restricted_mask(self):
        """A process limited to one CPU counts one, however many are online."""
        one = min(os.sched_getaffinity(0))
        code = (f"import os, sys; sys.path.insert(0, {BENCH!r}); import rundir; "
                f"os.sched_setaffinity(0, {{{one}}}); print(rundir.ncpu())")
        r = subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "1")


if __name__ == "__main__":
    unittest.main()
