"""Sphinx extension: every chapter page offers its notebook as a ``.ipynb`` that is at home in
Jupyter, and the course package as a wheel next to it.

The chapters are MyST Markdown notebooks; the theme's download menu offers that source only.
At page-render time this converts the page's source with jupytext (no outputs: the reader's own
kernel runs it, with live sliders) into ``_sources/<page>.ipynb`` and sets the theme's
``ipynb_source`` context value, which makes sphinx-book-theme list ".ipynb" in the download menu.

JupyterLab and Notebook know no MyST, so the text cells are rewritten into the Markdown they
render (tools/jupyter_markdown.py): quick-check answers folded in ``<details>``, admonitions as
blockquotes, cross-references as links into the book, and every glued number as the value this
build computed (myst_nb leaves each page's glued values in ``jupyter_execute/<page>.glue.json``).
This was chosen over the jupyterlab-myst extension because the download then works in any
Jupyter a reader has (Notebook 7, VS Code, Colab too) with nothing more to install, and the
glued values, which only exist after a build, are there before the first run.

Code cells keep their code, with two changes for a kernel without the book's build tools:
``from myst_nb import glue`` becomes ``from lossopt.glue import glue`` (the values are already in
the text), and cells the page hides or removes (``hide-input``, ``remove-input``, ``remove-cell``)
open with their source collapsed (``jupyter.source_hidden``), as on the page.

When the book's root holds the ``lossopt`` package, the build also writes its wheel
(tools/course_wheel.py) into ``_downloads/``, lists it in every chapter's download menu, and says
in one line at the top of the chapter and of its notebook how to install it.
"""
import html
import json
import posixpath
import re
from pathlib import Path

import jupytext
import nbformat
from docutils import nodes
from myst_nb.core.variables import format_plain_text
from myst_nb.sphinx_ext import OUTPUT_FOLDER
from sphinx.errors import ExtensionError
from sphinx.util import docname_join, logging
from sphinx.util.osutil import relative_uri

import course_wheel
import jupyter_markdown

logger = logging.getLogger(__name__)

GLUE_IMPORT = re.compile(r"^(\s*)from myst_nb import glue\b", re.M)
HIDDEN_SOURCE_TAGS = {"hide-input", "remove-input", "remove-cell", "hide-cell"}
WHEEL_FOLDER = "_downloads"


def notebook_of(source):
    """The notebook a MyST Markdown chapter describes, or None for a page that is not one."""
    notebook = jupytext.read(source)
    if "kernelspec" not in notebook.metadata:
        return None
    notebook.metadata.pop("jupytext", None)
    nbformat.validate(notebook)
    return notebook


def chapter_notebook(app, pagename):
    """The notebook of page ``pagename`` if it is a MyST Markdown chapter, else None."""
    source = Path(app.env.doc2path(pagename))
    return notebook_of(source) if source.suffix == ".md" else None


class BookResolver:
    """Answers tools/jupyter_markdown.py from the Sphinx build, for the notebook at ``notebook_uri``."""

    def __init__(self, app, pagename, notebook_uri):
        self.app, self.env, self.pagename = app, app.env, pagename
        self.notebook_uri = notebook_uri
        glue_file = Path(app.outdir).parent / OUTPUT_FOLDER / f"{pagename}.glue.json"
        self.glued = json.loads(glue_file.read_text()) if glue_file.is_file() else {}

    def url(self, uri):
        """``uri`` (relative to the book's root) as the notebook links it."""
        base = self.app.config.html_baseurl
        if base:
            return base.rstrip("/") + "/" + uri
        # relative_uri drops a #fragment: keep it, so a link lands on its entry, not the page top
        path, hash_sign, fragment = uri.partition("#")
        return relative_uri(self.notebook_uri, path) + hash_sign + fragment

    def _fail(self, message):
        raise jupyter_markdown.MystConversionError(f"{self.env.doc2path(self.pagename)}: {message}")

    def doc(self, target):
        docname = target.lstrip("/") if target.startswith("/") else docname_join(self.pagename, target)
        if docname not in self.env.titles:
            self._fail(f"{{doc}} names {target!r}, which is no page of the book")
        return self.url(self.app.builder.get_target_uri(docname)), self.env.titles[docname].astext()

    def ref(self, label):
        std = self.env.get_domain("std")
        if label in std.labels:
            docname, anchor, title = std.labels[label]
        elif label in std.anonlabels:
            (docname, anchor), title = std.anonlabels[label], label
        else:
            self._fail(f"{{ref}} names the label {label!r}, which the book does not define")
        return self.url(f"{self.app.builder.get_target_uri(docname)}#{anchor}"), title

    def download(self, path):
        filename, _ = self.env.relfn2path(path, self.pagename)
        if filename not in self.env.dlfiles:
            self._fail(f"{{download}} names {path!r}, which the book does not copy")
        return self.url(posixpath.join("_downloads", self.env.dlfiles[filename][1]))

    def image(self, path):
        filename, _ = self.env.relfn2path(path, self.pagename)
        if filename not in self.env.images:
            self._fail(f"the image {path!r} is not in the book")
        return self.url(posixpath.join("_images", self.env.images[filename][1]))

    def cite(self, key):
        key = key.strip()
        # sphinxcontrib-bibtex keeps its citations in its own domain ("cite"), each with the
        # bibliography page that lists it, its anchor there and its label as the page shows it;
        # plain docutils citations ([key]_) live in Sphinx's "citation" domain.
        try:
            bibtex = self.env.get_domain("cite").citations
        except ExtensionError:             # sphinxcontrib-bibtex not loaded
            bibtex = []
        for citation in bibtex:
            if citation.key == key:
                target = self.app.builder.get_target_uri(citation.bibliography_key.docname)
                return (self.url(f"{target}#{citation.citation_id}"),
                        f"[{citation.formatted_entry.label}]")
        citations = self.env.get_domain("citation").citations
        if key not in citations:
            self._fail(f"{{cite}} names {key!r}, which no bibliography of the book holds")
        docname, anchor, _ = citations[key]
        return self.url(f"{self.app.builder.get_target_uri(docname)}#{anchor}"), f"[{key}]"

    def glue(self, key, kind, format_spec):
        if key not in self.glued:
            self._fail(f"no value is glued under {key!r} (glued: {', '.join(sorted(self.glued)) or 'none'})")
        data = self.glued[key]["data"]
        if kind == "md" or (kind == "any" and "text/markdown" in data):
            return data["text/markdown"]
        if kind == "math":
            return "$" + data["text/latex"].strip().strip("$") + "$"
        return html.escape(format_plain_text(data["text/plain"], format_spec or "s"), quote=False)


def install_line(wheel_url, wheel):
    """The one line (Markdown) that says how to get the course package."""
    return (f"> To run this notebook outside the course's repository, download the course package "
            f"[{wheel}]({wheel_url}) and install it with `pip install {wheel}` (it brings numpy, "
            f"matplotlib and the widget libraries; JupyterLab or Notebook to open this file).")


def reader_code(source):
    """A code cell's source as the download has it: glued values come from the text, not myst_nb."""
    return GLUE_IMPORT.sub(r"\1from lossopt.glue import glue", source)


def jupyter_notebook(notebook, resolver, where, wheel=None):
    """``notebook`` (a chapter, as jupytext reads it) as its Jupyter download, converted in place."""
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "markdown":
            cell.source = jupyter_markdown.convert(cell.source, resolver, f"{where}, cell {number}")
        elif cell.cell_type == "code":
            cell.source = reader_code(cell.source)
            if HIDDEN_SOURCE_TAGS.intersection(cell.metadata.get("tags", [])):
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    if wheel:
        line = install_line(resolver.url(posixpath.join(WHEEL_FOLDER, wheel)), wheel)
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(line))
    nbformat.validate(notebook)
    return notebook


def add_notebook_download(app, pagename, templatename, context, doctree):
    if doctree is None or app.builder.format != "html":
        return
    notebook = chapter_notebook(app, pagename)
    if notebook is None:
        return
    uri = f"_sources/{pagename}.ipynb"
    try:
        jupyter_notebook(notebook, BookResolver(app, pagename, uri), app.env.doc2path(pagename),
                         app.env.lossopt_wheel)
    except jupyter_markdown.MystConversionError as error:
        logger.warning(f"no notebook download: {error}", location=pagename)
        return
    target = Path(app.outdir, uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def add_wheel_to_download_menu(app, pagename, templatename, context, doctree):
    """After the theme built its header buttons: the wheel next to the chapter's .ipynb."""
    wheel = app.env.lossopt_wheel
    if not wheel or not context.get("ipynb_source"):
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(1, {
                "type": "link",
                "url": context["pathto"](posixpath.join(WHEEL_FOLDER, wheel), 1),
                "text": ".whl",
                "tooltip": f"The course package: pip install {wheel}",
                "icon": "fas fa-box",
                "label": "download-wheel-button",
            })


def add_install_line(app, doctree, docname):
    """One line under the chapter's title: how to run it with the course package."""
    wheel = app.env.lossopt_wheel
    if not wheel or app.builder.format != "html" or chapter_notebook(app, docname) is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    link = relative_uri(app.builder.get_target_uri(docname), posixpath.join(WHEEL_FOLDER, wheel))
    line = nodes.paragraph(classes=["lossopt-run-locally"])
    line += nodes.Text("To run this chapter as a notebook, download it (.ipynb, in the download "
                       "menu above) and the course package ")
    line += nodes.reference(wheel, wheel, refuri=link)
    line += nodes.Text(", then ")
    line += nodes.literal(f"pip install {wheel}", f"pip install {wheel}")
    line += nodes.Text(".")
    section.insert(1, line)


def build_wheel(app):
    """The course package's wheel, when the book's root holds it; its file name, or None."""
    root = Path(app.srcdir)
    app.env.lossopt_wheel = None
    if not (root / course_wheel.PACKAGE).is_dir() or app.builder.format != "html":
        return
    wheel = course_wheel.build(Path(app.outdir, WHEEL_FOLDER), root)
    app.env.lossopt_wheel = wheel.name


def setup(app):
    app.connect("builder-inited", build_wheel)
    app.connect("doctree-resolved", add_install_line)
    # before sphinx-book-theme builds its header buttons (priority 501) from the context
    app.connect("html-page-context", add_notebook_download, priority=400)
    app.connect("html-page-context", add_wheel_to_download_menu, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
