"""Sphinx extension: MathJax 3 from the book's own ``_static/mathjax``, never from a CDN.

The files come from the sphinx-mathjax-offline package (MathJax 3.2.2, every component). That
package's own extension also forces ``mathjax_path`` to the all-in-one ``tex-chtml.js``; this one
copies the same files and leaves ``mathjax_path`` and ``mathjax3_config`` to ``_config.yml``,
which loads only the components the book needs.
"""
import importlib.util
from pathlib import Path

from sphinx.util.fileutil import copy_asset


def mathjax_files():
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("sphinx-mathjax-offline is not installed (requirements.txt lists it)")
    return Path(next(iter(spec.submodule_search_locations)), "static", "mathjax")


def copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        copy_asset(str(mathjax_files()), str(Path(app.outdir, "_static", "mathjax")))


def setup(app):
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
