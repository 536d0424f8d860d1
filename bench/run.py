#!/usr/bin/env python3
"""bench/run.py: one benchmark run, from the binaries to the report (what `make bench` calls).

The whole driver is the Python package bench/py/csplab_bench/ (its run.py holds the options and
the run); this file only puts that package on the path and calls it.

    bench/run.py --help
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

from csplab_bench import run  # noqa: E402

if __name__ == "__main__":
    sys.exit(run.entry(sys.argv[1:]))
