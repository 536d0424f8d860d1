"""index.html from the report's blocks (document.py): one self-contained file (inline CSS, plots
embedded as base64 data: URIs, SVG preferred over PNG), no external resources. A few lines of
plain JavaScript (SCRIPT) make the data tables sortable (click a heading) and filterable (a box
above each); with scripts off the page reads the same, only without those. Every table sits in a
box that scrolls sideways when it is wider than the page, so nothing widens the page itself.

Plots are embedded as <img> data URIs rather than inline <svg> elements: gnuplot gives every SVG
the same element ids, which would collide within one page."""

import base64
import html
import os

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 1em auto; max-width: 1360px;
       padding: 0 1em; color: #222; }
.tbl { max-width: 100%; overflow-x: auto; margin: 1em 0; }
.tbl table { margin: 0; }
#answer td:nth-child(-n+4) { white-space: nowrap; } #answer td:nth-child(4) { font-weight: 600; }
#answer td.num { white-space: normal; } #answer td:last-child { min-width: 16em; }
th { white-space: nowrap; }
th.sortable { cursor: pointer; } th.sortable:after { content: " \\2195"; color: #aaa; }
input.filter { font: inherit; margin: 0.5em 0 0; padding: 2px 6px; width: 22em; }
h1 { font-size: 1.5em; margin: 0.3em 0; } h2 { margin-top: 1.5em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:hover td { background: #fafaf0; }
.warn { background: #fff4d6; border-left: 4px solid #e0a800; padding: 0.6em 1em; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
.plots figure { margin: 0; flex: 1 1 560px; max-width: 760px; }
.plots img { width: 100%; height: auto; border: 1px solid #eee; }
nav a { margin-right: 1em; }
"""


def _esc(s):
    return html.escape(str(s), quote=True)


def _anchor(text):
    return "s-" + "".join(c if c.isalnum() else "-" for c in str(text))


# Sorting (click a heading: numbers as numbers, ascending then descending) and filtering (rows
# whose text contains every word typed) of the tables marked data-sort; nothing else.
SCRIPT = """
document.querySelectorAll("table[data-sort]").forEach(function (t) {
  var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);
  var box = document.createElement("input");
  box.className = "filter"; box.type = "search"; box.placeholder = "filter rows";
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    rows.forEach(function (r) {
      var text = r.textContent.toLowerCase();
      r.style.display = words.every(function (w) { return text.indexOf(w) >= 0; }) ? "" : "none";
    });
  });
  t.parentNode.parentNode.insertBefore(box, t.parentNode);
  Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, col) {
    th.classList.add("sortable");
    th.addEventListener("click", function () {
      var dir = th.dataset.dir === "1" ? -1 : 1;
      th.dataset.dir = String(dir);
      var key = function (r) {
        var s = r.cells[col] ? r.cells[col].textContent : "";
        var n = parseFloat(s.replace(/^[^0-9.+-]+/, "").replace(/,/g, ""));
        return isNaN(n) ? s : n;
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) return (typeof x === "number" ? -1 : 1) * dir;
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      }).forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


def _table(head, rows, numeric, ident=None):
    sortable = any(head) and len(rows) > 1
    attrs = (f' id="{_esc(ident)}"' if ident else "") + (" data-sort" if sortable else "")
    out = [f'<div class="tbl"><table{attrs}>']
    if any(head):
        out.append("<thead><tr>" + "".join(f"<th>{_esc(h)}</th>" for h in head)
                   + "</tr></thead>")
    out.append("<tbody>")
    for r in rows:
        cells = []
        for n, c in enumerate(r):
            cls = ' class="num"' if n in numeric else ""
            cells.append(f"<td{cls}>{_esc(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _image(run_dir, p):
    for path, mime in ((p.svg, "image/svg+xml"), (p.png, "image/png")):
        try:
            with open(os.path.join(run_dir, path), "rb") as f:
                data = base64.b64encode(f.read()).decode("ascii")
        except OSError:
            continue
        return (f'<figure><img alt="{_esc(p.title)}" src="data:{mime};base64,{data}">'
                f"</figure>")
    return f"<p>(plot {_esc(p.title)} missing)</p>"


def render(blocks, run_dir):
    title = next((b[1] for b in blocks if b[0] == "h1"), "csplab benchmarks")
    sections = [b[1] for b in blocks if b[0] == "h2"]
    body = []
    for b in blocks:
        kind = b[0]
        if kind == "h1":
            body.append(f"<h1>{_esc(b[1])}</h1>")
            body.append("<nav>" + "".join(f'<a href="#{_anchor(s)}">{_esc(s)}</a>'
                                          for s in sections) + "</nav>")
        elif kind == "h2":
            body.append(f'<h2 id="{_anchor(b[1])}">{_esc(b[1])}</h2>')
        elif kind == "p":
            body.append(f"<p>{_esc(b[1])}</p>")
        elif kind == "warn":
            body.append(f'<p class="warn">{_esc(b[1])}</p>')
        elif kind == "table":
            body.append(_table(b[1], b[2], b[3], b[4] if len(b) > 4 else None) if b[2]
                        else "<p><em>(nothing)</em></p>")
        elif kind == "plots":
            body.append('<div class="plots">' + "\n".join(_image(run_dir, p) for p in b[1])
                        + "</div>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n")
