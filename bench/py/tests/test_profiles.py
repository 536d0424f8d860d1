"""csplab_bench/profiles.py: the reader of bench/profiles.tsv, the profiles' only definition."""

import unittest

from csplab_bench import profiles

GOOD = """# name reps min run_cap sweeps
smoke\t1\t0.002\t0.2\tsmoke
quick   5   0.05   1   all   # trailing comment
"""


class ParseTest(unittest.TestCase):
    def test_columns_and_types(self):
        p = profiles.parse(GOOD, "test")
        self.assertEqual(list(p), ["smoke", "quick"])
        self.assertEqual(p["quick"], ("quick", 5, 0.05, 1.0, "all"))
        self.assertIsInstance(p["smoke"].repetitions, int)
        self.assertEqual(p["smoke"].sweeps, "smoke")

    def test_errors_name_the_line(self):
        bad = {
            "smoke 1 0.002 0.2": "4 columns",
            "smoke one 0.002 0.2 smoke": "test:1",
            "smoke 0 0.002 0.2 smoke": "must be positive",
            "smoke 1 0.002 0.2 some": "sweeps must be one of",
            "smoke 1 1 1 all\nsmoke 2 1 1 all": "defined twice",
            "# nothing\n": "no profile",
        }
        for text, message in bad.items():
            with self.assertRaises(profiles.ProfileError, msg=text) as cm:
                profiles.parse(text, "test")
            self.assertIn(message, str(cm.exception))

    def test_missing_file(self):
        with self.assertRaises(profiles.ProfileError):
            profiles.load("/nonexistent/profiles.tsv")


class TheFileTest(unittest.TestCase):
    """What docs/benchmarks.md and bench/run.py say about the profiles."""

    def setUp(self):
        self.p = profiles.load()

    def test_names_in_order(self):
        self.assertEqual(list(self.p), ["smoke", "quick", "full"])

    def test_documented_values(self):
        self.assertEqual([self.p[n].repetitions for n in self.p], [1, 5, 10])
        self.assertEqual([self.p[n].min_time for n in self.p], [0.002, 0.05, 0.2])
        self.assertEqual([self.p[n].sweeps for n in self.p], ["smoke", "all", "all"])

    def test_longer_profiles_measure_longer(self):
        s, q, f = self.p["smoke"], self.p["quick"], self.p["full"]
        self.assertLess(s.min_time, q.min_time)
        self.assertLess(q.min_time, f.min_time)
        self.assertLessEqual(s.run_cap, q.run_cap)
        self.assertLessEqual(q.run_cap, f.run_cap)


if __name__ == "__main__":
    unittest.main()
