"""Execute every notebook in this folder headless; write each as HTML and its figures as PNG.

Usage: ``python notebooks/run_notebooks.py [--out reports] [NOTEBOOK ...]``. Stops at the first cell that
raises, naming the notebook. This is what ``make report`` runs and what the test suite executes.
"""

from __future__ import annotations

import argparse
import base64
import pathlib
import sys

import jinja2
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

HERE = pathlib.Path(__file__).resolve().parent

# JupyterLab's HTML template, minus the scripts it links from CDNs (require.js, MathJax, mermaid): the
# notebooks use none of them, and a report must open on a machine without internet. Figures are embedded
# as PNG; interactive maps are self-contained pages in <iframe srcdoc> (corridor.plot.explore).
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def exporter() -> HTMLExporter:
    """nbconvert's HTML exporter with the offline template (no script or stylesheet from the network)."""
    return HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})], template_file="offline.html.j2"
    )


def run(notebook: pathlib.Path, out: pathlib.Path, *, timeout_s: int = 600) -> list[pathlib.Path]:
    """Execute `notebook` in its own folder; write ``out/<name>.html`` and ``out/figures/<name>_NN.png``."""
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(
        nb, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
    ).execute()
    out.mkdir(parents=True, exist_ok=True)
    html, _ = exporter().from_notebook_node(nb)
    written = [out / f"{notebook.stem}.html"]
    written[0].write_text(html, encoding="utf-8")
    figures = out / "figures"
    figures.mkdir(exist_ok=True)
    pngs = [o["data"]["image/png"] for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    for number, png in enumerate(pngs, start=1):
        path = figures / f"{notebook.stem}_{number:02d}.png"
        path.write_bytes(base64.b64decode(png))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks named on the command line, or all of them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("reports"))
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = parser.parse_args(argv)
    for notebook in args.notebooks or sorted(HERE.glob("[0-9]*.ipynb")):
        written = run(notebook, args.out)
        print(f"{notebook.name}: {written[0]} and {len(written) - 1} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
