"""selection.py's select() and names.py's filter: BENCH_FILTER in one dialect
(Python re), checked once against both sides' full listings."""

import os
import re
import unittest

from csplab_bench import names, selection

C_ALL = [
    "mutex/Mutex/futex/manual_time",
    "mutex/Mutex/pthread/manual_time",
    "mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time",
    "chan/ChanPingPong/futex/cap:0/manual_time",
    "chan/ChanPingPong/futex/cap:1/manual_time",
]
GO_ALL = [
    "mutex/Mutex/go/manual_time",
    "chan/ChanPingPong/go/cap:0/manual_time",
    "chan/ChanPingPong/go/cap:1/manual_time",
    "chan/ChanSync/go/manual_time",
]


class MatcherTest(unittest.TestCase):
    def test_python_dialect(self):
        # \d is not POSIX extended: before the filter was applied in one place, this pattern
        # silently ran the Go side only.
        m = names.matcher(r"ChanPingPong/.*/cap:\d")
        self.assertTrue(m("chan/ChanPingPong/futex/cap:1/manual_time"))
        self.assertFalse(m("chan/ChanSync/go/manual_time"))
        # a lookahead: Python re only
        m = names.matcher(r"^mutex/(?!MutexThroughput/)")
        self.assertTrue(m("mutex/Mutex/futex/manual_time"))
        self.assertFalse(m("mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time"))

    def test_searched_not_anchored(self):
        self.assertTrue(names.matcher("Mutex/fut")("mutex/Mutex/futex/manual_time"))

    def test_negation(self):
        m = names.matcher("-^chan/")
        self.assertTrue(m("mutex/Mutex/go/manual_time"))
        self.assertFalse(m("chan/ChanSync/go/manual_time"))

    def test_everything(self):
        for p in ("", "all", "."):
            self.assertTrue(names.matcher(p)("anything"))

    def test_invalid(self):
        for p in ("mutex/(", "-[", "*x"):
            with self.assertRaises(names.FilterError) as cm:
                names.matcher(p)
            self.assertIn("Python re", str(cm.exception))

    def test_exactly_matches_only_those_names(self):
        picked = ["chan/ChanPingPong/futex/cap:0/manual_time", "mutex/Mutex/go/manual_time"]
        rx = re.compile(names.exactly(picked))
        self.assertEqual([n for n in C_ALL + GO_ALL if rx.search(n)], [
            "chan/ChanPingPong/futex/cap:0/manual_time", "mutex/Mutex/go/manual_time"])
        self.assertIsNone(rx.search("xmutex/Mutex/go/manual_time"))
        self.assertIsNone(rx.search("mutex/Mutex/go/manual_timex"))

    def test_exactly_escapes_metacharacters(self):
        odd = "a.b/c+d/(e)/[f]|g$^{1}*?\\"
        rx = re.compile(names.exactly([odd]))
        self.assertTrue(rx.fullmatch(odd))
        self.assertIsNone(rx.search("aXb/c+d/(e)/[f]|g$^{1}*?\\"))


class SelectTest(unittest.TestCase):
    def test_both_sides(self):
        c, go = selection.select(r"ChanPingPong/.*/cap:\d", C_ALL, GO_ALL)
        self.assertEqual(c, C_ALL[3:])
        self.assertEqual(go, GO_ALL[1:3])

    def test_empty_filter_takes_all(self):
        self.assertEqual(selection.select("", C_ALL, GO_ALL), (C_ALL, GO_ALL))

    def test_one_side_only_stops(self):
        with self.assertRaises(names.FilterError) as cm:
            selection.select("/go/", C_ALL, GO_ALL)
        self.assertEqual(str(cm.exception).split(";")[0],
                         "BENCH_FILTER '/go/' matches 4 Go rows and no csplab row")
        with self.assertRaises(names.FilterError) as cm:
            selection.select("ChanPingPong/futex/cap:1", C_ALL, GO_ALL)
        self.assertIn("matches 1 csplab row and no Go row", str(cm.exception))

    def test_one_side_when_asked(self):
        self.assertEqual(selection.select("/go/", C_ALL, GO_ALL, one_side=True), ([], GO_ALL))
        self.assertEqual(selection.select("/pthread/", C_ALL, GO_ALL, one_side=True),
                         (["mutex/Mutex/pthread/manual_time"], []))

    def test_one_side_is_fine_when_only_one_side_runs(self):
        # IMPL=<name>, --no-go or no Go installed: the Go listing is empty
        self.assertEqual(selection.select("/futex/", C_ALL, []), (
            [n for n in C_ALL if "/futex/" in n], []))
        # IMPL=go: no csplab listing
        self.assertEqual(selection.select("ChanSync", [], GO_ALL),
                         ([], ["chan/ChanSync/go/manual_time"]))

    def test_negation(self):
        c, go = selection.select("-^chan/", C_ALL, GO_ALL)
        self.assertEqual(c, C_ALL[:3])
        self.assertEqual(go, ["mutex/Mutex/go/manual_time"])

    def test_nothing_matches(self):
        with self.assertRaises(names.FilterError) as cm:
            selection.select("nosuch", C_ALL, GO_ALL)
        self.assertIn("matches no benchmark (of 5 csplab rows and 4 Go rows", str(cm.exception))
        with self.assertRaises(names.FilterError):
            selection.select("-.", C_ALL, GO_ALL)  # a negation of everything

    def test_invalid(self):
        with self.assertRaises(names.FilterError):
            selection.select("mutex/(", C_ALL, GO_ALL)


class GroupsTest(unittest.TestCase):
    """What a run runs back to back (comparisons) and how it numbers families."""

    def selected(self, pattern, run_c=True):
        sel = selection.Selection(None)
        sel.c_all, sel.go_all = C_ALL, GO_ALL
        sel.c_names, sel.go_names = selection.select(pattern, C_ALL, GO_ALL)
        sel.run_c = run_c
        return sel

    def test_comparisons_pair_the_sides_by_key(self):
        groups = self.selected("ChanPingPong|^mutex/Mutex/").comparisons()
        self.assertEqual(groups, {
            "mutex/Mutex": (["mutex/Mutex/futex/manual_time", "mutex/Mutex/pthread/manual_time"],
                            ["mutex/Mutex/go/manual_time"]),
            "chan/ChanPingPong/cap:0": (["chan/ChanPingPong/futex/cap:0/manual_time"],
                                        ["chan/ChanPingPong/go/cap:0/manual_time"]),
            "chan/ChanPingPong/cap:1": (["chan/ChanPingPong/futex/cap:1/manual_time"],
                                        ["chan/ChanPingPong/go/cap:1/manual_time"]),
        })

    def test_without_the_c_side_only_go_rows_are_grouped(self):
        groups = self.selected("^mutex/Mutex/", run_c=False).comparisons()
        self.assertEqual(groups, {"mutex/Mutex": ([], ["mutex/Mutex/go/manual_time"])})

    def test_families_are_numbered_as_an_unfiltered_run_lists_them(self):
        fams = self.selected("^mutex/Mutex/").families()
        self.assertEqual(list(fams.items()), [
            ("mutex/Mutex/futex", 0), ("mutex/Mutex/pthread", 1),
            ("mutex/MutexThroughput/futex", 2), ("chan/ChanPingPong/futex", 3),
            ("mutex/Mutex/go", 4), ("chan/ChanPingPong/go", 5), ("chan/ChanSync/go", 6)])

    def test_the_go_side_runs_as_a_module_of_the_package(self):
        cmd, env = selection.gobench_cmd("--list")
        self.assertEqual(cmd[1:], ["-m", "csplab_bench.gobench", "--list"])
        self.assertIn(os.path.join("bench", "py"), env["PYTHONPATH"].split(os.pathsep)[0])


if __name__ == "__main__":
    unittest.main()
