"""What a student's notebook shows is data, never code: clean it before anyone's browser renders it.

A graded notebook is rendered twice in browsers that trust it: the instructor's formgrader (a
logged-in Jupyter page, where a script could drive the Jupyter API as the instructor) and the
student's feedback page. The sandbox keeps student code away from the grader while it runs, but
whatever that code *displays* (an HTML or SVG output, a JavaScript output, a widget) and whatever
the student *writes* (a Markdown answer, a cell attachment, metadata) would reach those pages as
live markup. :func:`clean_notebook` turns all of it into inert content:

- ``text/html`` and Markdown (cells and ``text/markdown`` outputs) keep their tables, images,
  emphasis, code and math, and lose scripts, event-handler attributes, ``javascript:`` and other
  non-image URLs, ``<iframe>``/``<object>``/``<embed>``/forms, ``<style>`` sheets and ``id``
  attributes that could clobber the page's own globals (they are prefixed);
- ``image/svg+xml`` keeps its drawing (paths, text, gradients, internal references) and loses
  scripts, handlers, ``<foreignObject>``, animation and every reference outside the image;
- PNG, JPEG and GIF outputs and attachments are kept only when they decode to an image of that
  kind; JavaScript, widget views and every other MIME type are dropped;
- output metadata keeps only numeric image sizes, and cell and notebook metadata only the keys
  that nbgrader and the renderers need, with values of the expected type.

The cleaning uses ``nh3`` (Python bindings of the Rust ``ammonia`` sanitizer): it parses with
html5ever, a browser-grade HTML5 parser, so what it keeps is what a browser would build, and it
checks against an allow-list (tags, attributes per tag, URL rules, CSS properties). nbconvert's
own ``clean_html`` (``bleach``, now deprecated upstream) strips images and tables, which honest
output needs, and cannot clean SVG.

Nothing here changes a grade: the cleaner runs after nbgrader has scored the notebook, and
what it removes is replaced by a note saying so (``REMOVED``), never passed through. Running it
twice gives the same notebook.
"""
from __future__ import annotations

import base64
import binascii
import copy
import functools
import re
import uuid
import xml.etree.ElementTree as ElementTree

import nh3
from nbconvert.filters.markdown_mistune import InvalidNotebook, IPythonRenderer, MarkdownWithMath
from nbformat.notebooknode import NotebookNode, from_dict
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ..vocabulary import NOTES_MARKER, SUMMARY_MARKER

REMOVED = "[removed before grading: {what}]"
CLEANED_CELL_CLASS = "lossopt-cleaned"
_CLEANED_NOTE = ("<p><em>Some markup in this cell was removed before grading (scripts, event "
                 "handlers, embedded pages or links that are not web addresses).</em></p>")
ID_PREFIX = "student-"

# -- allow-lists --------------------------------------------------------------------------------

_TABLE_ATTRIBUTES = {"align", "colspan", "rowspan", "scope", "headers", "span", "valign"}
_HTML_TAGS = set(nh3.ALLOWED_TAGS) | {"font", "caption", "tfoot"}
_HTML_ATTRIBUTES = {
    **{tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "style", "title", "id", "lang", "dir"},
    "table": {"border", "cellpadding", "cellspacing", "align", "summary", "width"},
    "td": _TABLE_ATTRIBUTES | {"width", "height", "nowrap"},
    "th": _TABLE_ATTRIBUTES | {"width", "height", "nowrap"},
    "tr": {"align", "valign"},
    "img": {"alt", "height", "width", "align", "src"},
    "a": {"href", "hreflang"},
    "ol": {"start", "type"},
    "font": {"color", "size"},
    "details": {"open"},
}
_CSS_PROPERTIES = {
    "color", "background-color", "text-align", "vertical-align", "font-weight", "font-style",
    "font-size", "font-family", "text-decoration", "white-space", "width", "height", "min-width",
    "max-width", "padding", "padding-left", "padding-right", "padding-top", "padding-bottom",
    "margin", "margin-left", "margin-right", "margin-top", "margin-bottom", "border",
    "border-collapse", "border-spacing", "border-color", "border-style", "border-width",
    "border-top", "border-bottom", "border-left", "border-right", "display", "float",
    # SVG presentation, as matplotlib writes it
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "clip-path", "font-stretch", "text-anchor",
    "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing",
}
_SVG_PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "clip-path", "clip-rule", "transform", "style", "class", "id",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
    "visibility", "display", "color", "stop-color", "stop-opacity", "mask",
}
_SVG_ATTRIBUTES = {
    "svg": {"width", "height", "viewBox", "version", "preserveAspectRatio", "x", "y"},
    "g": set(), "defs": set(), "title": set(), "desc": set(), "symbol": {"viewBox"},
    "path": {"d", "pathLength"},
    "rect": {"x", "y", "width", "height", "rx", "ry"},
    "circle": {"cx", "cy", "r"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "line": {"x1", "y1", "x2", "y2"},
    "polyline": {"points"}, "polygon": {"points"},
    "text": {"x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust"},
    "tspan": {"x", "y", "dx", "dy", "rotate"},
    "use": {"href", "x", "y", "width", "height"},
    "image": {"href", "x", "y", "width", "height", "preserveAspectRatio"},
    "clipPath": {"clipPathUnits"},
    "mask": {"x", "y", "width", "height", "maskUnits", "maskContentUnits"},
    "marker": {"markerWidth", "markerHeight", "refX", "refY", "orient", "markerUnits", "viewBox"},
    "pattern": {"x", "y", "width", "height", "patternUnits", "patternContentUnits",
                "patternTransform", "viewBox"},
    "linearGradient": {"x1", "y1", "x2", "y2", "gradientUnits", "gradientTransform",
                       "spreadMethod", "href"},
    "radialGradient": {"cx", "cy", "r", "fx", "fy", "gradientUnits", "gradientTransform",
                       "spreadMethod", "href"},
    "stop": {"offset"},
}
_SVG_ATTRIBUTES = {tag: attributes | _SVG_PRESENTATION for tag, attributes in _SVG_ATTRIBUTES.items()}
_SVG_NAMESPACES = {"xmlns": "http://www.w3.org/2000/svg",
                   "xmlns:xlink": "http://www.w3.org/1999/xlink"}

_IMAGE_DATA_URL = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z",
                             re.IGNORECASE)
_WEB_URL = re.compile(r"(https?:|mailto:)", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "xlink:href", "cite"}


def _url_rule(allow_web_links):
    """nh3 attribute filter: what a URL attribute may point at. Links may go to the web (or to
    a place on the same page); everything that is *loaded* (images, SVG references) must be in
    the document itself, so a page never fetches, or is navigated by, what a student chose."""

    def keep(tag, attribute, value):
        if attribute not in _URL_ATTRIBUTES:
            return value
        url = value.strip()
        if url.startswith("#"):
            return value
        if _IMAGE_DATA_URL.match(url) and (attribute == "src" or tag == "image"):
            return value
        if allow_web_links and tag == "a" and attribute == "href" and _WEB_URL.match(url):
            return value
        return None

    return keep


def clean_html(html: str) -> str:
    """``html`` with everything that could run or load removed (see the module docstring)."""
    return nh3.clean(
        str(html), tags=_HTML_TAGS, attributes=_HTML_ATTRIBUTES,
        attribute_filter=_url_rule(allow_web_links=True),
        url_schemes={"http", "https", "mailto", "data"}, link_rel="noopener noreferrer nofollow",
        filter_style_properties=_CSS_PROPERTIES, id_prefix=ID_PREFIX, strip_comments=True)


def clean_svg(svg: str) -> str | None:
    """An SVG image without scripts, handlers, foreign content, animation or outside references;
    ``None`` when what is left is not an SVG document."""
    cleaned = nh3.clean(
        str(svg), tags=set(_SVG_ATTRIBUTES), attributes=_SVG_ATTRIBUTES,
        attribute_filter=_url_rule(allow_web_links=False), url_schemes={"data"},
        filter_style_properties=_CSS_PROPERTIES, link_rel=None, strip_comments=True).strip()
    if not cleaned.startswith("<svg"):
        return None
    # the namespaces, in a fixed order (nh3 would add them in any order: cleaning twice must
    # give the same text)
    cleaned = "<svg " + " ".join(f'{name}="{uri}"' for name, uri in _SVG_NAMESPACES.items()) + cleaned[4:]
    try:  # shown as an <img> of a data: URL, so it must stand alone as an XML document
        root = ElementTree.fromstring(cleaned)
    except ElementTree.ParseError:
        return None
    return cleaned if root.tag == "{http://www.w3.org/2000/svg}svg" else None


def _rendered_markdown(source: str, attachments: dict | None) -> str:
    """The cell as nbconvert's renderer makes it (attachments inlined as ``data:`` URLs; a
    reference to an attachment the cell does not hold, which the renderer refuses, is left as
    a URL the cleaner then drops, so the rest of the cell still shows)."""
    def render(text):
        renderer = IPythonRenderer(escape=False, attachments=attachments or {})
        return MarkdownWithMath(renderer=renderer).render(text)

    try:
        return render(source)
    except InvalidNotebook:
        return render(source.replace("attachment:", "missing-attachment:"))


def clean_markdown(source: str, attachments: dict | None = None) -> tuple[str, bool]:
    """Markdown that renders without anything that could run; and whether markup was removed.

    Markdown with no ``<`` renders only Markdown's own elements, whose one way to carry a
    payload is a link or image URL (nbconvert's renderer passes ``javascript:`` through). Such a
    cell is kept as written. Any other cell is replaced by its own rendering, cleaned, on one
    line inside a ``<div>``: Markdown treats that as a raw HTML block and shows it as it is,
    so the cell reads the same as before and math (``$...$``) is still typeset.
    """
    source = str(source)
    if attachments:
        return _clean_markdown(source, attachments)
    return _clean_markdown_shared(source)


@functools.lru_cache(maxsize=4096)
def _clean_markdown_shared(source: str) -> tuple[str, bool]:
    """:func:`clean_markdown` of a cell without attachments, remembered: the instructions every
    student's notebook shares are rendered once per process, not once per submission and pass."""
    return _clean_markdown(source, None)


def _clean_markdown(source: str, attachments: dict | None) -> tuple[str, bool]:
    if _is_cleaned_block(source):  # cleaned before: Markdown shows it as it is
        html = source
    else:
        if not _LINK_SYNTAX.search(source):
            return source, False  # no raw HTML and nothing that can become a link or an image
        html = _rendered_markdown(source, attachments)
        if "<" not in source and " href=" not in html and " src=" not in html:
            return source, False
    cleaned = clean_html(html)
    removed = _markup_removed(html, cleaned)
    if _is_cleaned_block(source):
        block = _one_line(cleaned)
    else:
        block = f'<div class="{CLEANED_CELL_CLASS}">{_one_line((_CLEANED_NOTE if removed else "") + cleaned)}</div>'
    return block, removed


#: What Markdown needs to make an element with a URL: raw HTML or an autolink (``<``), a link,
#: image or reference (``]``), or a bare web address that the renderer links by itself.
_LINK_SYNTAX = re.compile(r"<|\]|://|www\.", re.IGNORECASE)


def _is_cleaned_block(source: str) -> bool:
    return (source.startswith(f'<div class="{CLEANED_CELL_CLASS}">') and source.endswith("</div>")
            and "\n" not in source)


def _one_line(html: str) -> str:
    """A blank line would end Markdown's HTML block and re-read the rest as Markdown; a newline
    as a character reference is the same text to the browser."""
    return html.strip().replace("\r", "").replace("\n", "&#10;")


def _markup_removed(before: str, after: str) -> bool:
    """Whether cleaning dropped an element or an attribute (informs the note; not a defence)."""
    from html.parser import HTMLParser

    class Census(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.seen = []

        def handle_starttag(self, tag, attrs):
            self.seen.append(tag)
            self.seen.extend(f"{tag}@{name}" for name, _ in attrs if name not in {"rel", "id"})

    counts = []
    for html in (before, after):
        census = Census()
        census.feed(html)
        counts.append(sorted(census.seen))
    return counts[0] != counts[1]


# -- outputs ------------------------------------------------------------------------------------

_IMAGE_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
_TEXT_TYPES = {"text/plain"}
_SAFE_LATEX_COMMANDS = re.compile(r"\\(href|url|class|cssId|style|html|unicode|require|data)\b")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def clean_image(mime: str, data) -> str | None:
    """Base64 ``data`` when it decodes to an image of type ``mime``, else ``None``."""
    text = "".join(_text(data).split())
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return text if raw.startswith(_IMAGE_SIGNATURES[mime]) else None


def _clean_bundle(data: dict) -> tuple[dict, list[str]]:
    """A MIME bundle with only the representations that cannot run; and what was dropped."""
    kept, dropped = {}, []
    for mime, value in data.items():
        if mime in _TEXT_TYPES:
            kept[mime] = _text(value)
        elif mime == "text/html":
            kept[mime] = clean_html(_text(value))
        elif mime == "text/markdown":
            markdown, _ = clean_markdown(_text(value))
            kept[mime] = markdown
        elif mime == "text/latex":
            latex = _text(value)
            if _SAFE_LATEX_COMMANDS.search(latex):
                dropped.append(mime)  # MathJax macros that make links, styles or raw HTML
            else:
                kept[mime] = latex
        elif mime in _IMAGE_SIGNATURES:
            image = clean_image(mime, value)
            kept[mime] = image if image is not None else None
            if image is None:
                kept.pop(mime)
                dropped.append(f"{mime} that is not a valid image")
        elif mime == "image/svg+xml":
            svg = clean_svg(_text(value))
            if svg is None:
                dropped.append("image/svg+xml that is not a valid SVG image")
            else:
                kept[mime] = svg
        else:  # application/javascript, widget views, PDFs, anything a renderer might run
            dropped.append(str(mime)[:80])
    return kept, dropped


def _clean_output_metadata(metadata, mimes) -> dict:
    """Only image sizes (numbers) survive: templates write them into ``<img>`` attributes."""
    cleaned = {}
    if not isinstance(metadata, dict):
        return cleaned
    for mime in mimes:
        entry = metadata.get(mime)
        if mime.startswith("image/") and isinstance(entry, dict):
            sizes = {key: entry[key] for key in ("width", "height")
                     if isinstance(entry.get(key), (int, float)) and not isinstance(entry.get(key), bool)}
            if sizes:
                cleaned[mime] = sizes
    return cleaned


def _note(what: str) -> NotebookNode:
    return from_dict({"output_type": "stream", "name": "stdout",
                      "text": REMOVED.format(what=what) + "\n"})


def clean_output(output) -> tuple[NotebookNode, bool]:
    """One output, cleaned, and whether anything was removed from it; an output that cannot be
    read is replaced by a note saying so."""
    if not isinstance(output, dict):
        return _note("an output that could not be read"), True
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return from_dict({"output_type": "stream", "name": name,
                          "text": _text(output.get("text", ""))}), False
    if kind == "error":
        traceback = output.get("traceback", [])
        return from_dict({"output_type": "error", "ename": _text(output.get("ename", "")),
                          "evalue": _text(output.get("evalue", "")),
                          "traceback": [_text(line) for line in traceback]
                          if isinstance(traceback, list) else [_text(traceback)]}), False
    if kind in ("display_data", "execute_result"):
        data = output.get("data")
        if not isinstance(data, dict):
            return _note("an output that could not be read"), True
        kept, dropped = _clean_bundle(data)
        if dropped:
            note = REMOVED.format(what="output of type " + ", ".join(dropped))
            kept["text/plain"] = (kept["text/plain"] + "\n" + note) if "text/plain" in kept else note
        cleaned = {"output_type": kind, "data": kept,
                   "metadata": _clean_output_metadata(output.get("metadata"), kept)}
        if kind == "execute_result":
            count = output.get("execution_count")
            cleaned["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
        return from_dict(cleaned), bool(dropped)
    return _note(f"an output of unknown type {str(kind)[:40]!r}"), True


# -- cells and notebook -------------------------------------------------------------------------

_SAFE_NAME = re.compile(r"[A-Za-z0-9_.+-]{1,100}\Z")
_NBGRADER_KEYS = {"grade", "solution", "locked", "task", "schema_version", "points", "grade_id",
                  "checksum", "cell_type", "score", "comment"}
_CELL_FLAGS = {"collapsed", "scrolled", "editable", "deletable"}
_CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
#: the grader's own cell markers: the feedback summary and the intake's grading notes
_OWN_MARKERS = (SUMMARY_MARKER, NOTES_MARKER)


def _clean_cell_metadata(metadata) -> dict:
    if not isinstance(metadata, dict):
        return {}
    cleaned = {}
    nbgrader = metadata.get("nbgrader")
    if isinstance(nbgrader, dict) and _SAFE_NAME.match(str(nbgrader.get("grade_id", "x"))):
        # grade ids are written unescaped into the formgrader's element ids
        cleaned["nbgrader"] = copy.deepcopy({k: v for k, v in nbgrader.items() if k in _NBGRADER_KEYS})
    tags = metadata.get("tags")
    if isinstance(tags, list):
        cleaned["tags"] = [tag for tag in tags if isinstance(tag, str) and _SAFE_NAME.match(tag)]
    for flag in _CELL_FLAGS:
        if isinstance(metadata.get(flag), bool):
            cleaned[flag] = metadata[flag]
    jupyter = metadata.get("jupyter")
    if isinstance(jupyter, dict):
        cleaned["jupyter"] = {k: v for k, v in jupyter.items()
                              if k in ("source_hidden", "outputs_hidden") and isinstance(v, bool)}
    for key in _OWN_MARKERS:
        if metadata.get(key) is True:
            cleaned[key] = True
    return cleaned


def _clean_attachments(attachments) -> dict:
    cleaned = {}
    if not isinstance(attachments, dict):
        return cleaned
    for name, bundle in attachments.items():
        if not isinstance(bundle, dict) or not _SAFE_NAME.match(str(name)):
            continue
        kept = {}
        for mime, value in bundle.items():
            if mime in _IMAGE_SIGNATURES:
                image = clean_image(mime, value)
                if image is not None:
                    kept[mime] = image
            elif mime == "image/svg+xml":
                # an attachment is base64 of the file, whatever its type
                try:
                    svg = clean_svg(base64.b64decode("".join(_text(value).split()), validate=True)
                                    .decode("utf-8"))
                except (binascii.Error, ValueError, UnicodeDecodeError):
                    svg = None
                if svg is not None:
                    kept[mime] = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        if kept:
            cleaned[name] = kept
    return cleaned


def _clean_notebook_metadata(metadata) -> dict:
    """The keys nbgrader and the renderers read, as plain safe strings."""
    cleaned = {}
    if not isinstance(metadata, dict):
        return cleaned
    for key, fields in (("kernelspec", ("name", "display_name", "language")),
                        ("language_info", ("name", "version", "mimetype", "file_extension",
                                           "pygments_lexer", "nbconvert_exporter"))):
        section = metadata.get(key)
        if isinstance(section, dict):
            kept = {}
            for name in fields:
                value = section.get(name)
                if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9 _.+/()-]{1,100}", value):
                    kept[name] = value
            mode = section.get("codemirror_mode")
            if isinstance(mode, str) and _SAFE_NAME.match(mode):
                kept["codemirror_mode"] = mode
            elif isinstance(mode, dict) and _SAFE_NAME.match(str(mode.get("name", ""))):
                kept["codemirror_mode"] = {"name": mode["name"]} | (
                    {"version": mode["version"]} if isinstance(mode.get("version"), int) else {})
            cleaned[key] = kept
    if "language_info" in cleaned:
        # renderers pick their highlighter by this name; the course's notebooks are Python
        cleaned["language_info"].setdefault("name", "python")
    return cleaned


def clean_cell(cell) -> tuple[NotebookNode, bool]:
    """One cell, cleaned; and whether anything a reader would have seen was removed."""
    cell = copy.deepcopy(cell)
    removed = False
    kind = cell.get("cell_type")
    if "id" in cell and not (isinstance(cell["id"], str) and _CELL_ID.match(cell["id"])):
        cell["id"] = uuid.uuid4().hex[:12]  # nbformat 4.5 requires one
    cell["metadata"] = from_dict(_clean_cell_metadata(cell.get("metadata")))
    if kind == "markdown":
        attachments = None
        if "attachments" in cell:
            attachments = from_dict(_clean_attachments(cell["attachments"]))
            removed = attachments != cell["attachments"]
            cell["attachments"] = attachments
        try:
            cell["source"], cleaned = clean_markdown(_text(cell.get("source", "")), attachments)
        except Exception as error:  # e.g. a reference to an attachment the cell does not hold
            cell["source"], cleaned = REMOVED.format(
                what=f"a Markdown cell that could not be read ({type(error).__name__})"), True
        removed = removed or cleaned
    elif kind == "code":
        outputs = cell.get("outputs", [])
        if isinstance(outputs, list):
            results = [clean_output(output) for output in outputs]
        else:
            results = [(_note("outputs that could not be read"), True)]
        cell["outputs"] = [output for output, _ in results]
        removed = any(dropped for _, dropped in results)
        count = cell.get("execution_count")
        cell["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
        cell["source"] = _text(cell.get("source", ""))
        cell.pop("attachments", None)
    elif kind == "raw":
        # nbconvert's HTML templates copy raw cells with no format (or an HTML one) verbatim
        cell["source"] = clean_html(_text(cell.get("source", "")))
        cell.pop("attachments", None)
    else:
        cell = from_dict({"cell_type": "markdown", "metadata": {}, "source": REMOVED.format(
            what=f"a cell of unknown type {str(kind)[:40]!r}")})
        removed = True
    return cell, removed


def clean_notebook(nb) -> tuple[NotebookNode, int]:
    """A copy of ``nb`` that every renderer can show safely; and how many cells lost something."""
    cells = []
    touched = 0
    for cell in nb.get("cells", []):
        cell, removed = clean_cell(cell)
        cells.append(cell)
        touched += removed
    rest = copy.deepcopy({key: value for key, value in nb.items() if key not in ("cells", "metadata")})
    cleaned = from_dict({**rest, "metadata": _clean_notebook_metadata(nb.get("metadata")), "cells": cells})
    return cleaned, touched


class CleanStudentContent(Preprocessor):
    """Clean every output and every Markdown cell of a notebook (see the module docstring).

    Last in ``Autograde.autograde_preprocessors`` (after the scores are saved, so it cannot change
    one), first in ``GenerateFeedback.preprocessors``, and in ``HTMLExporter.preprocessors`` so
    that the formgrader cleans again whatever it renders, including notebooks graded before.

    An nbconvert preprocessor rather than an nbgrader one: nbgrader's base class redeclares a
    trait the HTML exporter configures, which makes every exporter warn about it."""

    enabled = Bool(True, help="Clean student content (turning this off lets student markup run "
                              "in the formgrader and feedback pages)").tag(config=True)

    def preprocess(self, nb, resources):
        cleaned, touched = clean_notebook(nb)
        if touched:
            self.log.info("Cleaned student content in %d cell(s)", touched)
        return cleaned, resources
