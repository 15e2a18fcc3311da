"""Sphinx extension: every chapter page offers its notebook as a clean ``.ipynb`` download.

The chapters are MyST Markdown notebooks; the theme's download menu offers that source only.
At page-render time this converts the page's source with jupytext (no outputs: the reader's own
kernel runs it, with live sliders) into ``_sources/<page>.ipynb`` and sets the theme's
``ipynb_source`` context value, which makes sphinx-book-theme list ".ipynb" in the download menu.
"""
from pathlib import Path

import jupytext
import nbformat


def notebook_of(source):
    """The notebook a MyST Markdown chapter describes, or None for a page that is not one."""
    notebook = jupytext.read(source)
    if "kernelspec" not in notebook.metadata:
        return None
    notebook.metadata.pop("jupytext", None)
    nbformat.validate(notebook)
    return notebook


def add_notebook_download(app, pagename, templatename, context, doctree):
    if doctree is None or app.builder.format != "html":
        return
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".md":
        return
    notebook = notebook_of(source)
    if notebook is None:
        return
    target = Path(app.outdir, "_sources", pagename).with_suffix(".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # before sphinx-book-theme builds its header buttons (priority 501) from the context
    app.connect("html-page-context", add_notebook_download, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
