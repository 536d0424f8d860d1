"""One fixed order of implementations, primitives and scenarios for every table and legend of
the report, so two runs list them alike whatever order their rounds ran in.

Implementations: the registry's order, as `make list` prints it (family, then name): csplab-bench
writes the registry into the run's context ("registry": [{"prim", "name", "family"}, ...],
bench/c/driver.c). Families keep the order of their first appearance there, and within a family
the names keep theirs. A run recorded before the registry was in its context falls back to
DEFAULT_FAMILIES with the family read from the name's prefix (futex-fair -> futex), names
sorted within it. Names outside the registry (plug-ins of another build) follow in name order;
go (the reference) and null (the harness) always come last.

Primitives: PRIMS first in that order, any other alphabetically; scenarios within one
primitive alphabetically; arguments numerically (model.Results.keys).
"""

GO, NULL = "go", "null"
DEFAULT_FAMILIES = ("pthread", "futex", "lockfree", "coro", "ck")
PRIMS = ("mutex", "rwlock", "chan", "waitgroup", "prog", "calib")


def registry(ctx):
    """[(prim, name, family)] of the run's context, in its order; [] when absent."""
    out = []
    for e in ctx.get("registry") or []:
        if isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("prim", "name",
                                                                           "family")):
            out.append((e["prim"], e["name"], e["family"]))
    return out


def families(ctx):
    """{implementation name: family}: the registry's, else the name's prefix."""
    return {name: fam for _, name, fam in registry(ctx)}


def family_of(ctx, impl, fams=None):
    fams = families(ctx) if fams is None else fams
    return fams.get(impl) or impl.split("-", 1)[0]


def impl_key(ctx):
    """A sort key function over implementation names (see the module's text)."""
    reg = registry(ctx)
    fams = {name: fam for _, name, fam in reg}
    fam_rank, name_rank = {}, {}
    for _, name, fam in reg:
        fam_rank.setdefault(fam, len(fam_rank))
        name_rank.setdefault(name, len(name_rank))
    if not reg:
        fam_rank = {f: n for n, f in enumerate(DEFAULT_FAMILIES)}

    def key(impl):
        if impl in (GO, NULL):
            return (2, 0 if impl == GO else 1, 0, impl)
        fam = family_of(ctx, impl, fams)
        if fam not in fam_rank:
            return (1, 0, 0, impl)
        return (0, fam_rank[fam], name_rank.get(impl, len(name_rank)), impl)
    return key


def impls(ctx, names):
    """names (any iterable, duplicates allowed) in the report's order, each once."""
    return sorted(set(names), key=impl_key(ctx))


def prims(names):
    rank = {p: n for n, p in enumerate(PRIMS)}
    return sorted(set(names), key=lambda p: (rank.get(p, len(rank)), p))
