"""report.md from the report's blocks (document.py): GitHub-flavoured Markdown, plots as PNG
links to their SVG."""


def _cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def _table(head, rows, numeric):
    out = []
    if any(head):
        out.append("| " + " | ".join(_cell(h) for h in head) + " |")
    else:  # a key/value table: Markdown needs a header row, keep it empty
        out.append("| " + " | ".join(" " for _ in head) + " |")
    out.append("|" + "|".join("---:" if n in numeric else "---" for n in range(len(head))) + "|")
    for r in rows:
        out.append("| " + " | ".join(_cell(c) for c in r) + " |")
    return "\n".join(out)


def render(blocks):
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "h1":
            out.append(f"# {b[1]}")
        elif kind == "h2":
            out.append(f"## {b[1]}")
        elif kind == "p":
            out.append(b[1])
        elif kind == "warn":
            out.append(f"> **Note:** {b[1]}")
        elif kind == "table":
            out.append(_table(b[1], b[2], b[3]) if b[2] else "_(nothing)_")
        elif kind == "plots":
            out.append("\n".join(f"[![{p.title}]({p.png})]({p.svg})" for p in b[1]))
    return "\n\n".join(out) + "\n"
