"""Colours and markers of implementations: a name looks the same in every plot of every run.

A family has a hue (futex orange, lockfree green, ck blue-violet, coro magenta; pthread black, Go
in Go's cyan, the null implementation light grey), so a plot groups visibly by family; each known
implementation has its own shade and marker. A name not listed here (a new implementation or a
plug-in from EXTRA_IMPLS) gets a shade of its family's hue, or of a general pool for an unknown
family, chosen by a stable hash of the name (not Python's per-process hash()); its marker too, so
two names that happen to share a shade still differ.
"""

import zlib

# name -> (colour, gnuplot point type); point types: 5 square, 7 circle, 9 triangle, 11 inverted
# triangle, 13 diamond, 15 pentagon (all filled).
FIXED = {
    "pthread": ("#222222", 7),
    "go": ("#00ADD8", 5),
    "null": ("#B0B0B0", 7),
    "futex": ("#E66100", 9),
    "futex-fair": ("#A63603", 11),
    "lockfree": ("#1B9E77", 13),
    "lockfree-mcs": ("#00441B", 5),
    "lockfree-ticket": ("#66C2A5", 9),
    "lockfree-ttas": ("#5AAE61", 11),
    "lockfree-pf": ("#006D2C", 15),
    "ck-cas": ("#2166AC", 5),
    "ck-fas": ("#6A51A3", 9),
    "ck-mcs": ("#08306B", 11),
    "ck-ticket": ("#9E9AC8", 13),
    "ck-pflock": ("#4393C3", 15),
    "ck-rwlock": ("#053061", 9),
    "ck-tflock": ("#B2ABD2", 11),
    "coro": ("#C51B7D", 15),
}

# Shades per family hue for names not in FIXED, and a pool for unknown families (distinct from
# the hues above: no orange, green, blue-violet, cyan or grey).
FAMILY = {
    "futex": ["#E66100", "#A63603", "#FDAE6B", "#D94801"],
    "lockfree": ["#1B9E77", "#00441B", "#66C2A5", "#5AAE61", "#006D2C"],
    "ck": ["#2166AC", "#6A51A3", "#08306B", "#9E9AC8", "#4393C3"],
    "coro": ["#C51B7D", "#7B3294", "#E7298A", "#8E0152", "#DE77AE"],
}
POOL = ["#B2182B", "#CCBB44", "#8C510A", "#999933", "#EE99AA", "#543005", "#D6604D"]
POINTS = [5, 7, 9, 11, 13, 15]


def _hash(text):
    return zlib.crc32(text.encode("utf-8"))


def colour(impl):
    """'#RRGGBB' for an implementation name."""
    if impl in FIXED:
        return FIXED[impl][0]
    shades = FAMILY.get(impl.split("-", 1)[0], POOL)
    return shades[_hash(impl) % len(shades)]


def point(impl):
    """gnuplot point type for an implementation name."""
    if impl in FIXED:
        return FIXED[impl][1]
    return POINTS[(_hash(impl) >> 8) % len(POINTS)]


def dash(impl):
    """gnuplot dash type: the harness-overhead line is dashed, the rest solid."""
    return 2 if impl == "null" else 1
