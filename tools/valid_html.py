"""Sphinx extension: pages that the Nu HTML Checker and axe-core accept, fixed once in the build.

* A hidden cell's toggle (myst-nb's ``hide-input`` and friends) is a ``<summary>`` holding two
  ``<p>`` titles ("Show code cell source" / "Hide ..."), which ``<summary>`` may not hold, under
  ``aria-label="Toggle hidden content"``, a name that is not the text a reader sees (what a
  speech-input user would say). The same toggle is written with ``<span>`` titles (restyled by
  ``static/hidden_cell_summary.css``) and no aria-label: its visible title is its name.
* The theme's search field is a button named "Search" (aria-label) that shows "Search Ctrl+K",
  and its colour-mode button is named "Color mode" while its icons carry the titles "Light",
  "Dark", "System Settings": names that do not hold the visible text (axe-core's
  label-content-name-mismatch, serious). The search field's name becomes its text, and the
  mode icons lose their titles (they are decorative; the button keeps its name).
* A chapter with sections gets a toggle in the sidebar's table of contents: a ``<summary>``
  holding only a chevron icon, so it has no name (axe-core's summary-name, serious). It is named
  after the chapter it opens, "Sections of <chapter title>".
* The bibliography (sphinxcontrib-bibtex, written by docutils) is a ``role="list"`` whose entries
  carry ``role="doc-biblioentry"``, not ``listitem``: a list without items to assistive
  technology (axe-core's aria-required-children, critical). The entries become list items.
* A display formula wider than the column scrolls sideways but cannot take focus, so a keyboard
  cannot scroll it (axe-core's scrollable-region-focusable, serious): ``static/focusable_math.js``
  puts each such formula in the tab order once MathJax has typeset it.
* sphinx-external-toc's ``index.html`` is a bare ``<meta>`` refresh: no doctype, no title. It
  becomes a small valid page with the same redirect and a link for a reader without it.
"""
import html
import re
from pathlib import Path

from sphinx.util.fileutil import copy_asset

STATIC = Path(__file__).resolve().parent / "static"
CSS = "hidden_cell_summary.css"
SCRIPT = "focusable_math.js"
BARE_REDIRECT = re.compile(r'\s*<meta http-equiv="Refresh" content="0; url=([^"]+)" />\s*')


def visit_hidden_cell(self, node):
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<span class="collapsed admonition-title">{html.escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{html.escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def depart_hidden_cell(self, node):
    self.body.append("</details>\n")


def valid_redirect(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    index = Path(app.outdir, "index.html")
    bare = BARE_REDIRECT.fullmatch(index.read_text()) if index.is_file() else None
    if bare:
        url = html.escape(bare.group(1), quote=True)
        title = html.escape(app.config.html_title or app.config.project or "")
        index.write_text(f'<!DOCTYPE html>\n<html lang="{app.config.language or "en"}">\n<head>\n'
                         f'<meta charset="utf-8">\n<title>{title}</title>\n'
                         f'<meta http-equiv="Refresh" content="0; url={url}">\n</head>\n'
                         f'<body><p><a href="{url}">{title}</a></p></body>\n</html>\n')


SEARCH_FIELD_LABEL = re.compile(r'(<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*?) aria-label="[^"]*"')
MODE_ICON_TITLE = re.compile(r'(<i class="theme-switch [^"]*"[^>]*?)\s+title="[^"]*"')
# the link to a chapter in the sidebar, then the toggle of its sections
TOC_TOGGLE = re.compile(r'(<a class="[^"]*\breference internal\b[^"]*" href="[^"]*">([^<]+)</a>\s*'
                        r'<details[^>]*>\s*<summary)>')
CITATION_ENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry"')


def _named_toc_toggle(match):
    return f'{match.group(1)} aria-label="Sections of {match.group(2)}">'


def names_and_roles(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text()
        fixed = MODE_ICON_TITLE.sub(r"\1", SEARCH_FIELD_LABEL.sub(r"\1", text))
        fixed = TOC_TOGGLE.sub(_named_toc_toggle, fixed)
        fixed = CITATION_ENTRY.sub(r'\1 role="listitem"', fixed)
        if fixed != text:
            page.write_text(fixed)


def copy_css(app, exception):
    if exception is None and app.builder.format == "html":
        for name in (CSS, SCRIPT):
            copy_asset(str(STATIC / name), str(Path(app.outdir, "_static")))


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_hidden_cell))
    app.add_css_file(CSS)
    app.add_js_file(SCRIPT, defer="defer")
    app.connect("build-finished", copy_css)
    # after sphinx-external-toc has written its redirect
    app.connect("build-finished", valid_redirect, priority=900)
    app.connect("build-finished", names_and_roles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
