"""The benchmark profiles (smoke, quick, full) as bench/profiles.tsv defines them: that file is
their only definition; this module is the Python side's only reader of it (run.py,
gobench.py). CMake reads the same file for csplab-bench (bench/c/profiles.cmake).
Python 3 standard library only.
"""

import collections

from . import PROFILES_TSV

PATH = PROFILES_TSV

COLUMNS = ("name", "repetitions", "min_time", "run_cap", "sweeps")
SWEEPS = ("smoke", "all")

Profile = collections.namedtuple("Profile", COLUMNS)
Profile.__doc__ = """One profile: repetitions (int), min_time and run_cap (seconds, float),
sweeps ("smoke" or "all")."""


class ProfileError(Exception):
    """profiles.tsv is missing or malformed."""


def parse(text, source=PATH):
    """{name: Profile} in the file's order, from the text of a profiles.tsv."""
    out = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        where = f"{source}:{lineno}"
        if len(fields) != len(COLUMNS):
            raise ProfileError(f"{where}: {len(fields)} columns, expected {len(COLUMNS)} "
                               f"({' '.join(COLUMNS)})")
        name, reps, min_time, run_cap, sweeps = fields
        try:
            p = Profile(name, int(reps), float(min_time), float(run_cap), sweeps)
        except ValueError as e:
            raise ProfileError(f"{where}: {e}") from None
        if p.repetitions < 1 or p.min_time <= 0 or p.run_cap <= 0:
            raise ProfileError(f"{where}: repetitions, min_time and run_cap must be positive")
        if p.sweeps not in SWEEPS:
            raise ProfileError(f"{where}: sweeps must be one of {', '.join(SWEEPS)}, "
                               f"not '{p.sweeps}'")
        if name in out:
            raise ProfileError(f"{where}: profile '{name}' defined twice")
        out[name] = p
    if not out:
        raise ProfileError(f"{source}: no profile defined")
    return out


def load(path=PATH):
    """{name: Profile} of profiles.tsv; raises ProfileError."""
    try:
        with open(path, encoding="utf-8") as f:
            return parse(f.read(), path)
    except OSError as e:
        raise ProfileError(f"cannot read {path}: {e.strerror}") from None

