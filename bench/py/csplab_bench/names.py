"""Benchmark row names: the only parser of the grammar docs/benchmarks.md defines,

    <primitive>/<Scenario>/<implementation>[/<arg>:<value>...]/manual_time

e.g. mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time. Users: selection.py
(comparisons and families of a run), run.py, report/model.py (the report's instances and
keys), gobench.py (its --filter). Also the run's filter over these names
(matcher, exactly). Python 3 standard library only.
"""

import collections
import re

# The last part Google Benchmark appends for the timing mode (csplab uses manual_time).
SUFFIXES = ("manual_time", "real_time", "process_time")

Name = collections.namedtuple("Name", "prim scenario impl args")
Name.__doc__ = """A parsed row name; args is a tuple of (name, value) pairs in name order, each
value an int or float when it reads as one, else the text. An argument written without a name
(Google Benchmark's /8) is named arg<i> after its position."""


def _value(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def parse(name):
    """'mutex/Mutex/pthread/threads:2/manual_time' -> Name('mutex', 'Mutex', 'pthread',
    (('threads', 2),)), or None when the name does not follow the grammar."""
    parts = name.split("/")
    if parts[-1] in SUFFIXES:
        parts = parts[:-1]
    if len(parts) < 3 or not all(parts[:3]):
        return None
    args = []
    for i, p in enumerate(parts[3:]):
        k, sep, v = p.partition(":")
        args.append((k, _value(v)) if sep else (f"arg{i}", _value(p)))
    return Name(parts[0], parts[1], parts[2], tuple(args))


def key_of(prim, scenario, args):
    """The key of an instance: what rows are compared under (the name without the
    implementation and the suffix), mutex/MutexThroughput/threads:2/cs_ns:0."""
    return "/".join([prim, scenario] + [f"{k}:{v}" for k, v in args])


def comparison_of(name):
    """The key of a row name: mutex/MutexThroughput/futex/threads:2/cs_ns:0/manual_time ->
    mutex/MutexThroughput/threads:2/cs_ns:0. A name outside the grammar is its own key."""
    n = parse(name)
    return key_of(n.prim, n.scenario, n.args) if n else name


def family_of(name):
    """The benchmark family of a row name: scenario and implementation,
    mutex/MutexThroughput/futex/threads:2/manual_time -> mutex/MutexThroughput/futex."""
    n = parse(name)
    return "/".join(n[:3]) if n else name


# ---- filters over row names ------------------------------------------------------------------
# BENCH_FILTER's dialect is Python's re, applied here only: run.py lists every row of both
# sides unfiltered, selects with matcher(), and passes each side the exact names it selected
# (exactly()), a pattern every regex dialect on the way reads alike.

class FilterError(ValueError):
    """A filter that is not a valid regular expression (Python re)."""


def matcher(pattern):
    """The filter as a predicate on row names: Python re searched in the name; a leading '-'
    negates it; empty, 'all' and '.' take every name (Google Benchmark's conventions). Raises
    FilterError when the pattern does not compile."""
    if not pattern or pattern in ("all", "."):
        return lambda name: True
    negate = pattern.startswith("-")
    try:
        rx = re.compile(pattern[1:] if negate else pattern)
    except re.error as e:
        raise FilterError(f"'{pattern}' is not a valid regular expression (Python re): "
                          f"{e}") from None
    return lambda name: bool(rx.search(name)) != negate


def exactly(names):
    """A filter matching exactly these names and no other, read alike by Python's re, Google
    Benchmark's (std::regex or POSIX extended) and Go's RE2: every metacharacter escaped."""
    special = set(".^$*+?()[]{}|\\")
    esc = ["".join("\\" + ch if ch in special else ch for ch in n) for n in names]
    return "^(" + "|".join(esc) + ")$"
