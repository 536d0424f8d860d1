"""Unit tests of the benchmark run's Python half (bench/py/csplab_bench/, its report/ included):
run by `make test` (ctest bench/unittest) as
`python3 -m unittest discover -s bench/py/tests -t bench/py`. Inputs: testdata/."""
