"""Sphinx extension: keep in the theme's fontawesome.js only the icons the book shows.

pydata-sphinx-theme loads Font Awesome as one 1.5 MB script holding the SVG path of every icon
(about 1,200), on every page; the book shows about twenty. After the build this blanks the path
of every icon that no page or script of the output names (as ``fa-<name>`` or an
alias), which takes ~1.3 MB off every page. The script's code and the table's shape are
untouched, so an icon left out would render empty rather than break the page; the browser test
checks that no icon on any page is empty.

The theme's stylesheet also draws icons from Font Awesome's web fonts (admonition titles, the
sidebar toggles); the solid face alone is a 156 kB WOFF2 that every page loads. Each face is cut
to the glyphs a stylesheet can show: those of its ``.fa-<name>`` rules for the names in use, and
every glyph any other rule names. fontTools writes the cut face as TrueType (WOFF2 would need
brotli, a few kB are not worth a dependency), and the stylesheet's ``src`` then lists it alone.
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


CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CSS_GLYPH = re.compile(r'"\\(f[0-9a-f]{3,4})\s?"')
ICON_RULE = re.compile(r"\.fa-([a-z0-9-]+)::?before")
WEBFONTS = Path("_static", "vendor", "fontawesome", "webfonts")


def glyphs_in_use(stylesheets, used):
    """Code points the stylesheets can show: icon rules (``.fa-x:before``) of used names, any other rule."""
    points = set()
    for text in stylesheets:
        for selectors, body in CSS_RULE.findall(text):
            glyphs = CSS_GLYPH.findall(body)
            if not glyphs:
                continue
            icons = [ICON_RULE.fullmatch(part.strip()) for part in selectors.split(",")]
            if all(icons) and not used.intersection(icon.group(1) for icon in icons):
                continue
            points.update(int(glyph, 16) for glyph in glyphs)
    return points


def trim_webfonts(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset as font_subset

    outdir = Path(app.outdir)
    fonts = sorted((outdir / WEBFONTS).glob("*.ttf"))
    if not fonts:
        return
    stylesheets = {path: path.read_text() for path in (outdir / "_static").rglob("*.css")}
    points = glyphs_in_use(stylesheets.values(), names_in_use(outdir, outdir / "_static" / "scripts" / "fontawesome.js"))
    for font in fonts:
        before = font.stat().st_size
        options = font_subset.Options()
        options.layout_features = ["*"]
        face = font_subset.load_font(str(font), options)
        cutter = font_subset.Subsetter(options)
        cutter.populate(unicodes=points & set(face.getBestCmap() or {}))  # a face cut to nothing has no cmap
        cutter.subset(face)
        font_subset.save_font(face, str(font), options)
        font.with_suffix(".woff2").unlink(missing_ok=True)  # no stylesheet names it any more
        woff2 = re.compile(rf'url\([^)]*/{re.escape(font.stem)}\.woff2\) format\("woff2"\),')
        for path, text in stylesheets.items():
            if woff2.search(text):
                stylesheets[path] = woff2.sub("", text)
                path.write_text(stylesheets[path])
        logger.info("fontawesome_subset: %s cut to the stylesheets' glyphs, %d -> %d bytes",
                    font.name, before, font.stat().st_size)


def setup(app):
    app.connect("build-finished", trim_fontawesome)
    app.connect("build-finished", trim_webfonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
