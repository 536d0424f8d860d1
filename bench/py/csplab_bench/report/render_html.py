"""index.html from the report's blocks (document.py): one self-contained file (inline CSS, plots
embedded as base64 data: URIs, SVG preferred over PNG), no scripts, no external resources.

Plots are embedded as <img> data URIs rather than inline <svg> elements: gnuplot gives every SVG
the same element ids, which would collide within one page."""

import base64
import html
import os

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
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


def _table(head, rows, numeric):
    out = ["<table>"]
    if any(head):
        out.append("<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in head) + "</tr>")
    for r in rows:
        cells = []
        for n, c in enumerate(r):
            cls = ' class="num"' if n in numeric else ""
            cells.append(f"<td{cls}>{_esc(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
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
            body.append(_table(b[1], b[2], b[3]) if b[2] else "<p><em>(nothing)</em></p>")
        elif kind == "plots":
            body.append('<div class="plots">' + "\n".join(_image(run_dir, p) for p in b[1])
                        + "</div>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
