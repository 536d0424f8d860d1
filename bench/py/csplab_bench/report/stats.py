"""The statistics behind every verdict of the report and of `make compare`: is one set of
per-round samples faster than another, by how much, and how sure are we.

- Significance: the two-sided Mann-Whitney U test (scipy.stats.mannwhitneyu; exact for the
  small, tie-free samples a run makes), as benchstat and Google Benchmark's compare.py use.
  ALPHA is the threshold below which a difference is called one.
- Size: the ratio of medians (what the report prints), with a distribution-free confidence
  interval for the ratio: the Hodges-Lehmann interval of the shift between the logarithms of
  the two samples (Hollander & Wolfe, "Nonparametric Statistical Methods", 2nd ed., 4.3). Its
  bounds are order statistics of the m*n pairwise log differences, at the rank the exact null
  distribution of U gives; so with 5 and 5 samples the 95 % interval runs from the 3rd to the
  23rd of the 25 differences.

scipy comes from Debian (python3-scipy, installed by scripts/deps.sh) and is seen by Debian's
own interpreter, /usr/bin/python3. Without it, HAVE_SCIPY is false and every test answers None:
the report then says so and calls nothing significant.
"""

import functools
import math

try:
    from scipy.stats import mannwhitneyu
    HAVE_SCIPY = True
except ImportError:  # not Debian's interpreter, or python3-scipy not installed
    HAVE_SCIPY = False

ALPHA = 0.05
LEVEL = 0.95  # confidence of the ratio intervals


def clean(values):
    """The finite, positive numbers of values (times; None and errors dropped)."""
    return [v for v in values
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            and v > 0]


def p_value(a, b):
    """Two-sided Mann-Whitney U p-value of samples a and b, or None when it cannot be had: fewer
    than two samples on a side, or no scipy. Identical samples give 1.0."""
    a, b = clean(a), clean(b)
    if not HAVE_SCIPY or len(a) < 2 or len(b) < 2:
        return None
    if len(set(a) | set(b)) == 1:
        return 1.0
    return float(mannwhitneyu(a, b, alternative="two-sided").pvalue)


def significant(p):
    return p is not None and p < ALPHA


@functools.lru_cache(maxsize=None)
def _u_counts(m, n):
    """How many of the C(m+n, m) orderings give each value of U (0..m*n), by the recurrence
    f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u): the largest of all m+n values is either one
    of the m (it then beats all n) or one of the n."""
    if m == 0 or n == 0:
        return (1,)
    a, b = _u_counts(m - 1, n), _u_counts(m, n - 1)
    out = [0] * (m * n + 1)
    for u, c in enumerate(a):
        out[u + n] += c
    for u, c in enumerate(b):
        out[u] += c
    return tuple(out)


def _rank(m, n, level):
    """The largest k with P(U < k) <= (1 - level) / 2 under the null hypothesis: the interval
    runs from the k-th smallest pairwise difference to the k-th largest (1-based). 0 when the
    samples are too small for that confidence."""
    counts = _u_counts(m, n)
    total = sum(counts)
    tail, k, below = (1 - level) / 2, 0, 0
    for u, c in enumerate(counts):
        if (below + c) / total > tail:
            break
        below += c
        k = u + 1
    return k


def ratio_interval(a, b, level=LEVEL):
    """(estimate, low, high) of the ratio a/b: the Hodges-Lehmann estimate and interval of the
    shift between log a and log b, exponentiated. The bounds are None when the samples are too
    small for the confidence level; everything is None without samples."""
    a, b = clean(a), clean(b)
    if not a or not b:
        return None, None, None
    d = sorted(math.log(x) - math.log(y) for x in a for y in b)
    mid = len(d) // 2
    est = math.exp(d[mid] if len(d) % 2 else (d[mid - 1] + d[mid]) / 2)
    k = _rank(len(a), len(b), level) if len(a) < 30 and len(b) < 30 else _normal_rank(
        len(a), len(b), level)
    if k < 1:
        return est, None, None
    return est, math.exp(d[k - 1]), math.exp(d[len(d) - k])


def _normal_rank(m, n, level):
    """_rank by the normal approximation of U, for samples too large to count exactly."""
    from statistics import NormalDist
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    return max(0, int(math.floor(m * n / 2 - z * math.sqrt(m * n * (m + n + 1) / 12))))


class Verdict:
    """The outcome of comparing sample a against sample b (times: lower is faster).

    ratio: median(a) / median(b); low, high: its interval; p: the U test's p-value (None when
    there is no test); sign: -1 when a is significantly faster, +1 when significantly slower,
    0 when no difference is shown (a tie, or no test)."""

    def __init__(self, a, b):
        a, b = clean(a), clean(b)
        self.n = (len(a), len(b))
        self.ratio = None
        if a and b:
            self.ratio = _median(a) / _median(b)
        _, self.low, self.high = ratio_interval(a, b)
        self.p = p_value(a, b)
        self.sign = 0
        if significant(self.p) and self.ratio is not None and self.ratio != 1:
            self.sign = -1 if self.ratio < 1 else 1

    @property
    def tested(self):
        return self.p is not None


def _median(v):
    s = sorted(v)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def geomean(values):
    v = clean(values)
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None


def leaders(samples):
    """Given {name: samples}, the names none of the others is significantly faster than the
    fastest of: (fastest, [the tied group, fastest first, by median]). The fastest is the lowest
    median; another joins its group unless the fastest beats it at p < ALPHA. (None, []) when
    nothing has samples."""
    have = {k: clean(v) for k, v in samples.items()}
    have = {k: v for k, v in have.items() if v}
    if not have:
        return None, []
    order = sorted(have, key=lambda k: (_median(have[k]), k))
    best = order[0]
    group = [best] + [k for k in order[1:] if not significant(p_value(have[best], have[k]))]
    return best, group
