"""bench/report/answer.py, order.py and latency.py over small synthetic runs: the choice per use
case and load, the fairness marking and the fair pick, the fixed order of implementations, and
the histogram's bucket formula."""

import unittest

from csplab_bench.report import answer, document, latency, order, stats
from csplab_bench.report.model import Results

FAST = [10.0, 11.0, 12.0, 10.5, 11.5]
MID = [15.0, 16.0, 15.5, 16.5, 15.2]
SLOW = [20.0, 21.0, 22.0, 19.0, 23.0]
REGISTRY = [{"prim": "mutex", "name": n, "family": f} for n, f in (
    ("pthread", "pthread"), ("futex", "futex"), ("futex-fair", "futex"),
    ("lockfree-ttas", "lockfree"), ("coro", "coro"), ("ck-mcs", "ck"))]


def run(spec, ncpu=2, registry=True):
    """spec: {(scenario/impl/args): (walls per round, {counter: value})} -> Results."""
    rows = []
    for name, (walls, counters) in spec.items():
        full = f"mutex/{name}/manual_time"
        for k, w in enumerate(walls):
            r = {"name": full, "run_name": full, "run_type": "iteration", "repetition_index": k,
                 "iterations": 1000, "real_time": w, "cpu_time": w, "time_unit": "ns"}
            r.update(counters)
            rows.append(r)
    ctx = {"run_id": "test", "num_cpus": ncpu}
    if registry:
        ctx["registry"] = REGISTRY
    return Results(ctx, rows)


def throughput(impl, threads, walls, jain=None):
    name = f"MutexThroughput/{impl}/threads:{threads}/cs_ns:50"
    return name, (walls, {} if jain is None else {"jain": jain})


def find(answers, use, load):
    hits = [a for a in answers if a.use.startswith(use) and a.load == load]
    assert len(hits) == 1, [(a.use, a.load) for a in answers]
    return hits[0]


class Loads(unittest.TestCase):
    def test_threads_against_cores(self):
        r = run(dict([throughput("futex", t, FAST) for t in (1, 2, 4)]
                     + [("MutexUncontended/futex", (FAST, {})), ("MutexSlack/futex", (FAST, {})),
                        ("Mutex/futex", (FAST, {})), ("MutexHandoff/futex/threads:2", (FAST, {})),
                        ("MutexUnknown/futex", (FAST, {}))]))
        got = {i.name.split("/manual")[0]: answer.load_of(i, 2) for i in r.instances}
        self.assertEqual(got["mutex/MutexThroughput/futex/threads:1/cs_ns:50"], "uncontended")
        self.assertEqual(got["mutex/MutexThroughput/futex/threads:2/cs_ns:50"], "contended")
        self.assertEqual(got["mutex/MutexThroughput/futex/threads:4/cs_ns:50"], "oversubscribed")
        self.assertEqual(got["mutex/MutexUncontended/futex"], "uncontended")
        self.assertEqual(got["mutex/MutexSlack/futex"], "oversubscribed")
        self.assertEqual(got["mutex/Mutex/futex"], "contended")
        self.assertIsNone(got["mutex/MutexHandoff/futex/threads:2"])  # its wall says little
        self.assertIsNone(got["mutex/MutexUnknown/futex"])
        chan = Results({"num_cpus": 2}, [{"name": "chan/ChanMPMC/futex/cap:1/manual_time",
                                          "run_type": "iteration", "real_time": 1.0}])
        self.assertEqual(answer.load_of(chan.instances[0], 2), "contended")


@unittest.skipUnless(stats.HAVE_SCIPY, "scipy is not available to this Python")
class Choice(unittest.TestCase):
    def setUp(self):
        # Contended: ck-mcs is fastest but unfair, futex-fair fair and second, pthread fair and
        # slow; coro fastest of all (but only inside the coroutine runtime); Go faster still
        # (a reference, never the answer).
        self.res = run(dict([
            throughput("pthread", 2, SLOW, 0.99), throughput("futex-fair", 2, MID, 0.97),
            throughput("ck-mcs", 2, FAST, 0.13), throughput("coro", 2, [5.0, 5.1, 5.2, 5.3, 5.4],
                                                              0.95),
            throughput("go", 2, [1.0, 1.1, 1.2, 1.3, 1.4], 0.99),
            throughput("null", 2, [0.1] * 5),
        ]))
        self.answers = answer.answers(self.res)

    def test_go_and_coro_are_never_the_os_thread_answer(self):
        a = find(self.answers, "OS threads, throughput", "contended")
        self.assertEqual(a.winner, "ck-mcs")
        self.assertEqual(a.runner, "futex-fair")
        self.assertAlmostEqual(a.margin.ratio, 11.0 / 15.5, places=6)
        self.assertEqual((a.margin.rows, a.margin.wins), (1, 1))
        self.assertEqual((a.base.rows, a.base.wins), (1, 1))
        self.assertEqual(a.go.losses, 1)  # Go, the reference, is faster

    def test_unfair_winner_is_marked(self):
        a = find(self.answers, "OS threads, throughput", "contended")
        self.assertTrue(a.unfair())
        self.assertAlmostEqual(a.jain, 0.13)
        row = [r for r in document.answer_table(self.res)[2]
               if r[1] == "OS threads, throughput"][0]
        self.assertEqual(row[3], "\u2605 ck-mcs (unfair: jain 0.13)")  # significant: starred
        self.assertIn("unfair", a.reason())

    def test_fair_pick_skips_the_unfair(self):
        a = find(self.answers, "OS threads, fair", "contended")
        self.assertEqual(a.winner, "futex-fair")
        self.assertFalse(a.unfair())
        self.assertEqual(a.runner, "pthread")

    def test_coroutine_use_case(self):
        a = find(self.answers, "coroutines", "contended")
        self.assertEqual(a.winner, "coro")
        self.assertIsNone(a.runner)
        self.assertIn("only candidate", a.reason())
        self.assertIsNone(a.sure())

    def test_no_fair_candidate(self):
        res = run(dict([throughput("pthread", 4, SLOW, 0.5), throughput("ck-mcs", 4, FAST, 0.2)]))
        a = find(answer.answers(res), "OS threads, fair", "oversubscribed")
        self.assertIsNone(a.winner)
        self.assertIn("pthread 0.50", a.reason())

    def test_summary_and_detail_mark_the_unfair_winner(self):
        from csplab_bench.report.verdicts import Verdicts
        v = Verdicts(self.res)
        summary = document.summary(self.res, v)
        self.assertIn("\u2605 go", summary[2][0][1])  # the fastest of all, Go, is fair
        res = run(dict([throughput("pthread", 2, SLOW, 0.99),
                        throughput("ck-mcs", 2, FAST, 0.13)]))
        v = Verdicts(res)
        self.assertEqual(document.summary(res, v)[2][0][1], "\u2605 ck-mcs (unfair: jain 0.13)")
        names = [r[1] for r in document.detail(res, "mutex", v)[2]]
        self.assertIn("\u2605 ck-mcs (unfair: jain 0.13)", names)

    def test_geomean_over_rows_decides(self):
        # futex wins one row by a little, lockfree-ttas the other by a lot.
        res = run(dict([throughput("futex", 2, FAST, 1.0), throughput("lockfree-ttas", 2, MID, 1.0),
                        ("Mutex/futex", (SLOW, {})), ("Mutex/lockfree-ttas", (FAST, {}))]))
        a = find(answer.answers(res), "OS threads, throughput", "contended")
        self.assertEqual(a.winner, "lockfree-ttas")
        self.assertEqual((a.margin.rows, a.margin.wins, a.margin.losses), (2, 1, 1))
        self.assertFalse(a.sure())  # no star: not faster in every row
        self.assertIn("significantly in 1 of 2", a.reason())


class Order(unittest.TestCase):
    def test_registry_order_whatever_the_run_order(self):
        names = ["go", "ck-mcs", "null", "coro", "futex-fair", "pthread", "futex", "plugin"]
        ctx = {"registry": REGISTRY}
        self.assertEqual(order.impls(ctx, names),
                         ["pthread", "futex", "futex-fair", "coro", "ck-mcs", "plugin", "go",
                          "null"])
        self.assertEqual(order.impls(ctx, reversed(names)), order.impls(ctx, names))

    def test_without_registry_families_then_names(self):
        self.assertEqual(order.impls({}, ["ck-mcs", "go", "lockfree-ttas", "futex-fair", "futex",
                                          "pthread", "coro"]),
                         ["pthread", "futex", "futex-fair", "lockfree-ttas", "coro", "ck-mcs",
                          "go"])

    def test_keys_sort_arguments_numerically(self):
        spec = {f"MutexThroughput/futex/threads:2/cs_ns:{cs}": (FAST, {})
                for cs in (2000, 0, 50, 200)}
        keys = run(spec).keys()
        self.assertEqual([k.rsplit(":", 1)[1] for k in keys], ["0", "50", "200", "2000"])


class Histogram(unittest.TestCase):
    def test_buckets_cover_their_values(self):
        for v in (0, 1, 15, 16, 17, 31, 32, 1000, 123456, 10 ** 9):
            i = latency.index(v)
            self.assertLessEqual(latency.low(i), v)
            self.assertLess(v, latency.low(i + 1))
            if v >= latency.SUB:  # at most 1/SUB of the value wide
                self.assertLessEqual(latency.low(i + 1) - latency.low(i), v / latency.SUB)

    def test_cdf_sums_rounds(self):
        a, b = latency.index(100), latency.index(1000)
        res = run({"MutexHandoff/futex/threads:2": ([5.0, 6.0],
                                                    {f"hist_{a}": 3, f"hist_{b}": 1})})
        h = latency.histogram(res.instances[0])
        self.assertEqual(h, {a: 6, b: 2})
        pts = latency.cdf(h)
        self.assertEqual(pts[0][1], 0.0)
        self.assertEqual(pts[-1][1], 1.0)
        self.assertAlmostEqual(pts[1][1], 0.75)
        self.assertEqual(latency.percentile(h, 50), latency.low(a + 1))


if __name__ == "__main__":
    unittest.main()
