"""csplab_bench/names.py: the row-name grammar of docs/benchmarks.md, and its users agreeing on
it."""

import unittest

from csplab_bench import names, selection
from csplab_bench.report import model


class ParseTest(unittest.TestCase):
    def test_full_name(self):
        n = names.parse("mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time")
        self.assertEqual(n, ("mutex", "MutexThroughput", "futex", (("threads", 2), ("cs_ns", 0))))
        self.assertEqual(n.impl, "futex")

    def test_no_args_and_go(self):
        self.assertEqual(names.parse("chan/ChanSync/go/manual_time"),
                         ("chan", "ChanSync", "go", ()))

    def test_values_are_numbers_when_they_read_as_numbers(self):
        n = names.parse("x/S/i/ratio:1.5/mode:fast/manual_time")
        self.assertEqual(n.args, (("ratio", 1.5), ("mode", "fast")))
        self.assertIsInstance(n.args[0][1], float)

    def test_unnamed_argument_is_named_by_position(self):
        self.assertEqual(names.parse("x/S/i/8/manual_time").args, (("arg0", 8),))

    def test_other_timing_suffixes_and_none(self):
        for suffix in ("real_time", "process_time"):
            self.assertEqual(names.parse(f"x/S/i/{suffix}"), ("x", "S", "i", ()))
        self.assertEqual(names.parse("x/S/i"), ("x", "S", "i", ()))

    def test_outside_the_grammar(self):
        for bad in ("", "mutex", "mutex/Mutex", "mutex/Mutex/manual_time", "mutex//futex",
                    "/Mutex/futex/manual_time"):
            self.assertIsNone(names.parse(bad), bad)


class KeysTest(unittest.TestCase):
    def test_comparison_drops_impl_and_suffix(self):
        a = names.comparison_of("mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time")
        b = names.comparison_of("mutex/MutexThroughput/go/threads:2/cs_ns:0/manual_time")
        self.assertEqual(a, "mutex/MutexThroughput/threads:2/cs_ns:0")
        self.assertEqual(a, b)
        self.assertNotEqual(a, names.comparison_of(
            "mutex/MutexThroughput/futex/threads:4/cs_ns:0/manual_time"))

    def test_key_of_matches_comparison_of(self):
        name = "rwlock/RWLockMix/pthread/threads:8/write_pct:10/manual_time"
        n = names.parse(name)
        self.assertEqual(names.key_of(n.prim, n.scenario, n.args), names.comparison_of(name))

    def test_family(self):
        self.assertEqual(names.family_of("chan/ChanSPSC/lockfree/cap:64/manual_time"),
                         "chan/ChanSPSC/lockfree")

    def test_outside_the_grammar_is_its_own_key(self):
        self.assertEqual(names.comparison_of("odd"), "odd")
        self.assertEqual(names.family_of("odd"), "odd")


class OneParserTest(unittest.TestCase):
    """The selection and the report use names.py, not copies of it."""

    def test_users_share_the_functions(self):
        self.assertIs(selection.comparison_of, names.comparison_of)
        self.assertIs(selection.family_of, names.family_of)
        self.assertIs(model.parse_name, names.parse)
        self.assertIs(model.key_of, names.key_of)

    def test_report_instance_key(self):
        rows = [{"name": "mutex/Mutex/futex/threads:2/manual_time", "run_type": "iteration",
                 "real_time": 10.0, "cpu_time": 10.0, "time_unit": "ns"}]
        inst = model.Results({}, rows).instances[0]
        self.assertEqual((inst.prim, inst.impl, inst.key), ("mutex", "futex",
                                                            "mutex/Mutex/threads:2"))


if __name__ == "__main__":
    unittest.main()
