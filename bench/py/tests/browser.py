#!/usr/bin/python3
"""The report in a real browser (ctest bench/browser): index.html of a small recorded run, rendered
by headless Chromium at WIDTH px, must load without script errors, show the answer section and
every plot the report planned, and have nothing wider than the viewport.

    bench/py/tests/browser.py [--results FILE] [--chromium PROGRAM] [--drop-plot] [--keep DIR]

The report is generated from FILE (default: testdata/browser-run/results.json beside this
script) into a scratch directory. The answer table must also fit the page without scrolling
sideways. A probe script is added to a copy of the page: the first thing in <head> records
script errors, the last thing in <body> measures the page once it has loaded and writes its
findings into the DOM, which Chromium prints (--dump-dom). Each check is printed with its
figures; the exit status is 0 when all pass, 1 when one fails.

Then the check is run once more on the page with one plot taken out, and must fail there (a
check that cannot fail proves nothing); --drop-plot runs only that broken page, to see the
failure. Without Chromium (Debian: chromium, installed by scripts/deps.sh bench) it prints why and
exits SKIP (77), which ctest reports as skipped. Runs under /usr/bin/python3 (the report's
statistics need Debian's scipy).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True
from csplab_bench import report  # noqa: E402
from csplab_bench.report import plots  # noqa: E402
from csplab_bench.report.model import Results, load  # noqa: E402

WIDTH, HEIGHT = 1400, 1000
SKIP = 77
TIMEOUT = 120
DEFAULT_RESULTS = os.path.join(HERE, "testdata", "browser-run", "results.json")

HEAD_PROBE = """<script>window.__probeErrors = [];
window.addEventListener("error", function (e) {
  window.__probeErrors.push(String(e.message || e.type) + " at " + (e.lineno || "?"));
}, true);</script>"""

BODY_PROBE = """<script>window.addEventListener("load", function () {
  var vw = document.documentElement.clientWidth, wide = [];
  document.querySelectorAll("body *").forEach(function (el) {
    if (el.closest(".tbl") && !el.classList.contains("tbl")) return; // scrolls in its box
    var r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 0.5)
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + Math.round(r.right));
  });
  var imgs = Array.prototype.slice.call(document.querySelectorAll("figure img"));
  var answer = document.getElementById("answer");
  var out = {
    errors: window.__probeErrors,
    viewport: vw, scroll_width: document.documentElement.scrollWidth,
    wide: wide.slice(0, 5), wide_count: wide.length,
    answer_rows: answer ? answer.tBodies[0].rows.length : -1,
    answer_top: answer ? Math.round(answer.getBoundingClientRect().bottom) : -1,
    answer_overflow: answer ? answer.parentNode.scrollWidth - answer.parentNode.clientWidth : -1,
    plots_loaded: imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length,
    plots_missing_text: (document.body.textContent.match(/\\(plot [^)]* missing\\)/g) || []).length,
    filters: document.querySelectorAll("input.filter").length
  };
  var pre = document.createElement("pre");
  pre.id = "probe-result";
  pre.textContent = "PROBE" + JSON.stringify(out) + "EBORP";
  document.body.appendChild(pre);
});</script>"""


def chromium_path(given):
    for name in ([given] if given else ["chromium", "chromium-browser", "google-chrome"]):
        path = shutil.which(name)
        if path:
            return path
    return None


def probe(chromium, page, scratch):
    """Renders page (a path) with the probe; returns the probe's findings (a dict)."""
    with open(page, encoding="utf-8") as f:
        html = f.read()
    html = html.replace("<head>", "<head>\n" + HEAD_PROBE, 1)
    html = html.replace("</body>", BODY_PROBE + "\n</body>", 1)
    probed = page + ".probe.html"
    with open(probed, "w", encoding="utf-8") as f:
        f.write(html)
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--window-size={WIDTH},{HEIGHT}", "--virtual-time-budget=10000",
           f"--user-data-dir={os.path.join(scratch, 'profile')}", "--dump-dom",
           "file://" + probed]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"browser: chromium did not finish within {TIMEOUT} s") from None
    m = re.search(r'id="probe-result">PROBE(.*?)EBORP', r.stdout, re.S)
    if not m:
        tail = "\n".join(r.stderr.strip().splitlines()[-10:])
        raise SystemExit(f"browser: no probe result from chromium (exit {r.returncode}); "
                         f"is the page loading at all?\n{tail}")
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&")
                      .replace("&lt;", "<").replace("&gt;", ">"))


def checks(found, planned):
    """[(ok, text)] of the page's findings against what the report planned."""
    return [
        (not found["errors"], f"script errors: {len(found['errors'])} {found['errors'][:3]}"),
        (found["answer_rows"] > 0 and found["answer_overflow"] <= 0,
         f"answer section: table #answer with {found['answer_rows']} rows, its bottom at "
         f"{found['answer_top']} px, {max(found['answer_overflow'], 0)} px wider than the page "
         "(it must fit, not scroll)"),
        (planned > 0 and found["plots_loaded"] == planned and not found["plots_missing_text"],
         f"plots: {found['plots_loaded']} shown of {planned} planned, "
         f"{found['plots_missing_text']} marked missing"),
        (found["scroll_width"] <= found["viewport"] and not found["wide_count"],
         f"width: page {found['scroll_width']} px in a {found['viewport']} px viewport, "
         f"{found['wide_count']} elements wider {found['wide']}"),
        (found["filters"] > 0, f"scripts ran: {found['filters']} table filters added"),
    ]


def drop_one_plot(page):
    with open(page, encoding="utf-8") as f:
        html = f.read()
    html, n = re.subn(r"<figure>.*?</figure>", "", html, count=1, flags=re.S)
    if not n:
        raise SystemExit("browser: the page has no plot to take out")
    broken = page.replace(".html", ".one-plot-less.html")
    with open(broken, "w", encoding="utf-8") as f:
        f.write(html)
    return broken


def report_checks(name, found, planned):
    results = checks(found, planned)
    for ok, text in results:
        print(f"browser: {name}: {'ok  ' if ok else 'FAIL'} {text}", flush=True)
    return all(ok for ok, _ in results)


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/tests/browser.py")
    ap.add_argument("--results", default=DEFAULT_RESULTS)
    ap.add_argument("--chromium")
    ap.add_argument("--drop-plot", action="store_true",
                    help="check only the page with one plot taken out (must fail)")
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    a = ap.parse_args(argv)
    chromium = chromium_path(a.chromium)
    if not chromium:
        print("browser: SKIP: chromium is not installed (Debian: apt-get install chromium, or "
              "scripts/deps.sh bench)", flush=True)
        return SKIP
    scratch = a.keep or tempfile.mkdtemp(prefix="csplab-browser-")
    try:
        os.makedirs(scratch, exist_ok=True)
        shutil.copyfile(a.results, os.path.join(scratch, "results.json"))
        report.generate(scratch, log=lambda m: print(m, file=sys.stderr))
        planned = len(plots.plan(Results(*load(os.path.join(scratch, "results.json")))))
        page = os.path.join(scratch, "index.html")
        if a.drop_plot:
            return 0 if report_checks("one plot taken out", probe(
                chromium, drop_one_plot(page), scratch), planned) else 1
        good = report_checks("index.html", probe(chromium, page, scratch), planned)
        caught = not report_checks("control, one plot taken out (must FAIL)", probe(
            chromium, drop_one_plot(page), scratch), planned)
        if not caught:
            print("browser: FAIL: the check passed a page with a plot missing", flush=True)
        print(f"browser: {'passed' if good and caught else 'FAILED'}", flush=True)
        return 0 if good and caught else 1
    finally:
        if not a.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
