"""report/stats.py: the significance test, the ratio interval, the tied group."""

import unittest

from csplab_bench.report import stats

FAST = [10.0, 11.0, 12.0, 10.5, 11.5]
SLOW = [20.0, 21.0, 22.0, 19.0, 23.0]
LIKE_FAST = [10.2, 11.1, 12.3, 10.4, 11.6]


@unittest.skipUnless(stats.HAVE_SCIPY, "scipy is not available to this Python")
class Significance(unittest.TestCase):
    def test_separated_samples_differ(self):
        # 5 against 5 with no overlap: the smallest two-sided exact p, 2 / C(10, 5).
        self.assertAlmostEqual(stats.p_value(FAST, SLOW), 2 / 252)
        self.assertTrue(stats.significant(stats.p_value(FAST, SLOW)))

    def test_interleaved_samples_tie(self):
        self.assertFalse(stats.significant(stats.p_value(FAST, LIKE_FAST)))

    def test_identical_samples(self):
        self.assertEqual(stats.p_value([5.0, 5.0], [5.0, 5.0]), 1.0)

    def test_verdict_sign(self):
        self.assertEqual(stats.Verdict(FAST, SLOW).sign, -1)
        self.assertEqual(stats.Verdict(SLOW, FAST).sign, 1)
        self.assertEqual(stats.Verdict(FAST, LIKE_FAST).sign, 0)

    def test_leaders(self):
        best, group = stats.leaders({"a": SLOW, "b": FAST, "c": LIKE_FAST})
        self.assertEqual(best, "b")
        self.assertEqual(group, ["b", "c"])
        best, group = stats.leaders({"a": SLOW, "b": FAST})
        self.assertEqual(group, ["b"])


class Untested(unittest.TestCase):
    def test_one_round_is_not_a_test(self):
        self.assertIsNone(stats.p_value([1.0], [2.0]))
        v = stats.Verdict([1.0], [2.0])
        self.assertFalse(v.tested)
        self.assertEqual(v.sign, 0)
        self.assertEqual(v.ratio, 0.5)

    def test_bad_values_are_dropped(self):
        self.assertEqual(stats.clean([1.0, None, float("nan"), 0, -1, True, 2]), [1.0, 2])


class Interval(unittest.TestCase):
    def test_rank_matches_the_exact_table(self):
        # Two-sided 5 % critical values of U: m = n = 5 rejects at U <= 2, m = n = 10 at 23.
        self.assertEqual(stats._rank(5, 5, 0.95), 3)
        self.assertEqual(stats._rank(10, 10, 0.95), 24)
        self.assertEqual(stats._rank(2, 2, 0.95), 0)  # too small for any 95 % interval

    def test_u_distribution_sums_to_the_orderings(self):
        self.assertEqual(sum(stats._u_counts(5, 5)), 252)
        self.assertEqual(stats._u_counts(1, 1), (1, 1))

    def test_interval_holds_the_estimate(self):
        est, lo, hi = stats.ratio_interval(FAST, SLOW)
        self.assertLess(lo, est)
        self.assertLess(est, hi)
        self.assertLess(hi, 1.0)  # every pairing is faster
        # The 3rd and 23rd of the 25 pairwise log differences, exponentiated.
        d = sorted(a / b for a in FAST for b in SLOW)
        self.assertAlmostEqual(lo, d[2])
        self.assertAlmostEqual(hi, d[22])

    def test_too_small_for_an_interval(self):
        est, lo, hi = stats.ratio_interval([1.0, 2.0], [2.0, 4.0])
        self.assertIsNotNone(est)
        self.assertIsNone(lo)
        self.assertIsNone(hi)

    def test_geomean(self):
        self.assertAlmostEqual(stats.geomean([0.5, 2.0]), 1.0)
        self.assertIsNone(stats.geomean([]))


if __name__ == "__main__":
    unittest.main()
