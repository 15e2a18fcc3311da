"""Sphinx extension: keep in the theme's fontawesome.js only the icons the book shows.

pydata-sphinx-theme loads Font Awesome as one 1.5 MB script holding the SVG path of every icon
(about 1,200), on every page; the book shows about twenty. After the build this blanks the path
of every icon that no page or script of the output names (as ``fa-<name>`` or an
alias), which takes ~1.3 MB off every page. The script's code and the table's shape are
untouched, so an icon left out would render empty rather than break the page; the browser test
checks that no icon on any page is empty.
"""
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# "name":[width,height,[aliases],"unicode","svg path"] (the path may be a list of paths); a
# name that is a JavaScript identifier is not quoted
ICON = re.compile(r'("?)([a-z0-9-]+)\1:\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)",("(?:[^"\\]|\\.)*"|\[[^\]]*\])\]')
ICON_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")


def names_in_use(outdir, script):
    used = set()
    for path in Path(outdir).rglob("*"):
        # pages and the theme's scripts; not stylesheets: the theme's CSS names every icon
        if path.suffix in (".html", ".js") and path != script and path.is_file():
            used.update(ICON_CLASS.findall(path.read_text(errors="ignore")))
    return used


def subset(text, used):
    """``text`` with the path of every icon not in ``used`` emptied; and how many were kept."""
    kept = 0

    def keep_or_blank(match):
        nonlocal kept
        quote, name, width, height, aliases, code, _ = match.groups()
        if name in used or used.intersection(re.findall(r'"([a-z0-9-]+)"', aliases)):
            kept += 1
            return match.group(0)
        return f'{quote}{name}{quote}:[{width},{height},[{aliases}],"{code}",""]'

    return ICON.sub(keep_or_blank, text), kept


def trim_fontawesome(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    script = Path(app.outdir, "_static", "scripts", "fontawesome.js")
    if not script.is_file():
        return
    text = script.read_text()
    trimmed, kept = subset(text, names_in_use(app.outdir, script))
    if kept == 0:
        logger.info("fontawesome_subset: no icon table recognised in %s; left whole", script)
        return
    script.write_text(trimmed)
    logger.info("fontawesome_subset: kept %d icons, %d -> %d bytes", kept, len(text), len(trimmed))


def setup(app):
    app.connect("build-finished", trim_fontawesome)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
