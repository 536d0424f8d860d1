"""Unit tests of the benchmark run's Python half (bench/*.py, bench/report/): run by `make test`
(ctest bench/unittest) as `python3 -m unittest discover -s bench/tests -t bench`."""
