"""Sphinx extension: Sphinx's search index loads on the search page only.

pydata-sphinx-theme's layout loads ``searchtools.js``, ``language_data.js`` and ``searchindex.js``
(together ~0.1 MB) on every page, for its search-as-you-type results; with that option off (the
default, and this book's setting) nothing but the search page uses them. After the build they
are taken out of every other page; a book that turns the option on keeps them.
"""
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script src="(?:\.\./)*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?')


def drop_search_scripts(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    if (app.config.html_theme_options or {}).get("search_as_you_type"):
        return
    outdir = Path(app.outdir)
    pages = 0
    for page in outdir.rglob("*.html"):
        if page == outdir / "search.html" or page.relative_to(outdir).parts[0] == "_static":
            continue
        text = page.read_text()
        trimmed = SEARCH_SCRIPTS.sub("", text)
        if trimmed != text:
            page.write_text(trimmed)
            pages += 1
    logger.info("search_page_only: search scripts taken out of %d pages", pages)


def setup(app):
    app.connect("build-finished", drop_search_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
