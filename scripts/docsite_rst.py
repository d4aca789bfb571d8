"""Write docs/docsite/rst/<page>.rst from docs/<page>.md for the collection's docsite (antsibull-docs
reads reStructuredText only; the Markdown pages stay the ones to edit). The gate
tests/gates/test_release.py fails when a page's .rst is not what this script writes from its .md.
  python3 scripts/docsite_rst.py    rewrite every page of docs/docsite/extra-docs.yml
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNDERLINE = {1: "=", 2: "-", 3: "^"}


def inline(text):
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append("``%s``" % part[1:-1])
            continue
        part = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`__", part)
        part = re.sub(r"(?<!\*)\*(?!\*)", r"\\*", part)
        part = re.sub(r"(?<=\w)_(?!\w)", r"\\_", part)
        part = part.replace("|", "\\|")
        # an inline literal must be separated from a word character around it: "\ " is rST's empty separator
        if i > 0 and re.match(r"\w", part):
            part = "\\ " + part
        if i + 1 < len(parts) and re.search(r"\w$", part):
            part = part + "\\ "
        out.append(part)
    return "".join(out)


def label(page):
    return ".. _ansible_collections.ksyun.cloud.docsite.%s:\n\n" % page


def convert(page, md):
    lines = md.split("\n")
    out = [label(page)]
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(#+) (.*)$", line)
        if line.startswith("```"):
            lang = line[3:].strip() or "text"
            block = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(".. code-block:: %s\n\n" % {"sh": "shell"}.get(lang, lang))
            out.extend(("   " + b).rstrip() + "\n" for b in block)
            out.append("\n")
        elif m:
            title = inline(m.group(2))
            out.append("%s\n%s\n" % (title, UNDERLINE[len(m.group(1))] * max(len(title), 3)))
        elif line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[-| :]+\|$", lines[i + 1]):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.match(r"^\|[-| :]+\|$", lines[i]):
                    rows.append([c.strip() for c in lines[i].strip().strip("|").split(" | ")])
                i += 1
            out.append(".. list-table::\n   :header-rows: 1\n\n")
            for row in rows:
                for j, cell in enumerate(row):
                    out.append("   %s %s\n" % ("* -" if j == 0 else "  -", inline(cell) or "\\ "))
            out.append("\n")
            continue
        else:
            m = re.match(r"^(\d+\. |- )(.*)$", line)
            if m:
                out.append(m.group(1) + inline(m.group(2)) + "\n")
                indent = " " * len(m.group(1))
                while i + 1 < len(lines) and lines[i + 1].startswith(" ") and lines[i + 1].strip():
                    i += 1
                    out.append(indent + inline(lines[i].strip()) + "\n")
            else:
                out.append(inline(line) + "\n")
        i += 1
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).rstrip("\n") + "\n"


def pages():
    import yaml
    extra = yaml.safe_load(open(os.path.join(HERE, "docs", "docsite", "extra-docs.yml")))
    return [p for s in extra["sections"] for p in s["toctree"]]


def main():
    os.makedirs(os.path.join(HERE, "docs", "docsite", "rst"), exist_ok=True)
    for page in pages():
        md = open(os.path.join(HERE, "docs", page + ".md")).read()
        with open(os.path.join(HERE, "docs", "docsite", "rst", page + ".rst"), "w") as f:
            f.write(convert(page, md))


if __name__ == "__main__":
    sys.exit(main())
