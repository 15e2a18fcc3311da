"""Vector frames for the book's slider figures: matplotlib's SVG, with every part stored once.

A static slider figure (:mod:`lossopt.interactive`) is every point of its slider grid drawn at
build time. Drawn as SVG, most of one frame is the same in every other: the axes, ticks and
labels, a landscape's contour lines, the legend. :class:`FrameSet` cuts each frame into parts, one
per artist (the groups matplotlib writes under the figure and under each axes), keeps each
distinct part once, and describes a frame as the list of its parts' numbers; the page joins
them back into the figure's ``<svg>`` when a slider moves. A part that changes with the slider
(a path, a title with the slider's value) is stored once per distinct value; a part that does
not is stored once for the figure.

Definitions that parts refer to (glyph outlines, markers, clip rectangles) are gathered into one
``<defs>`` for the figure. matplotlib names them by a hash of their content (``svg.hashsalt`` fixes
the salt, so a rebuild writes the same bytes), so the same name always means the same definition;
names get a per-figure prefix, so two figures on one page never share an ``id``. Text is drawn
as glyph outlines (``svg.fonttype: path``): the page then shows exactly the font matplotlib
measured, whatever fonts the reader's machine has, and each glyph's outline is stored once.
"""
from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ElementTree

import matplotlib
from matplotlib.textpath import TextToPath

#: matplotlib settings of every frame: content-hashed ids with a fixed salt, text as outlines.
RC = {"svg.hashsalt": "lossopt", "svg.fonttype": "path", "svg.image_inline": True}
#: Groups above this depth (the figure, its axes) are opened and closed around their children;
#: a group at this depth (one artist: a line, a contour set, an axis with its ticks) is one part.
SPLIT_DEPTH = 2
#: Decimals kept in coordinates, in points (1/72 inch): 0.1 pt is about a tenth of a device
#: pixel at 2x and the text column's width, and cutting matplotlib's six decimals halves a
#: path's bytes.
DECIMALS = 1
#: The attributes that hold coordinates (a transform may hold a glyph's scale of 1/64).
COORDINATES = {"d", "x", "y", "width", "height"}
# matplotlib's document-wide style; the same properties are set on the figure's <svg> element
# instead, because a <style> inside a page's inline SVG would apply to the whole page.
SVG_ROOT_STYLE = {"stroke-linejoin": "round", "stroke-linecap": "butt"}

_TEXT_TO_PATH = TextToPath()
_NUMBER = re.compile(r"-?\d+\.\d+")
_PATH_SPACE = re.compile(r"\s*([MLQCZz])\s*")
_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def render_svg(figure):
    """``figure`` as an SVG document (a string), drawn as it is: no layout pass, no canvas switch.

    What ``savefig(format="svg")`` does, minus a second draw for the layout engine, and with one
    text-to-outline converter for every frame: matplotlib's SVG renderer makes a new one each
    time, and its cache of parsed math text (log-axis tick labels such as 10^-8) goes with it,
    which made a frame of a log-scale figure take over a second.
    """
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG

    buffer = io.StringIO()
    dpi = figure.dpi
    width, height = figure.get_size_inches()
    with matplotlib.rc_context(RC):
        figure.dpi = 72  # SVG user units are points
        try:
            svg = RendererSVG(width * 72, height * 72, buffer, image_dpi=dpi, metadata={"Date": None})
            svg._text2path = _TEXT_TO_PATH
            renderer = MixedModeRenderer(figure, width, height, dpi, svg)
            figure.draw(renderer)
            renderer.finalize()
        finally:
            figure.dpi = dpi
    return buffer.getvalue()


class FrameEncodingError(ValueError):
    """A frame that cannot be stored as parts (two different definitions under one name)."""


def _local(name):
    return name.rsplit("}", 1)[-1]


def _short(match):
    text = f"{float(match.group()):.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class FrameSet:
    """The distinct parts and definitions of a figure's frames; :meth:`add` stores one frame.

    ``prefix`` starts every definition's id (it must be unique on the page).
    """

    def __init__(self, prefix):
        self.prefix = prefix
        self.definitions = {}  # id -> markup
        self.names = {}  # matplotlib's id (a 10-digit hash, a glyph's name) -> short id on the page
        self.parts = {}  # markup -> part number
        self.frames = {}  # tuple of part numbers -> frame number
        self.view_box = None

    def add(self, figure):
        """Render ``figure`` as SVG and store it; returns its frame number (equal frames share one)."""
        root = ElementTree.fromstring(render_svg(figure))
        view_box = root.get("viewBox")
        if self.view_box not in (None, view_box):
            raise FrameEncodingError(f"the figure changed size from viewBox {self.view_box} to {view_box}")
        self.view_box = view_box
        tokens = []
        for child in root:
            self._walk(child, 0, tokens)
        numbers = tuple(self.parts.setdefault(token, len(self.parts)) for token in tokens)
        return self.frames.setdefault(numbers, len(self.frames))

    def _walk(self, element, depth, tokens):
        tag = _local(element.tag)
        if tag == "metadata":
            return
        if tag == "defs":
            self._define(element)
        elif tag == "g" and depth < SPLIT_DEPTH:
            tokens.append(f"<g{self._attributes(element)}>")
            for child in element:
                self._walk(child, depth + 1, tokens)
            tokens.append("</g>")
        else:
            tokens.append(self._markup(element))

    def _define(self, defs):
        for definition in defs:
            if _local(definition.tag) == "style":
                continue  # matplotlib's page-wide style: see SVG_ROOT_STYLE
            name = self._name(definition.get("id"))
            markup = self._markup(definition, keep_id=True)
            known = self.definitions.setdefault(name, markup)
            if known != markup:
                raise FrameEncodingError(f"two different SVG definitions are both named #{name}")

    def _name(self, name):
        """The short page id of matplotlib's id ``name``: the prefix and a number, in base 36."""
        short = self.names.get(name)
        if short is None:
            number, digits = len(self.names), ""
            while True:
                number, digit = divmod(number, 36)
                digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
                if not number:
                    break
            short = self.names[name] = f"{self.prefix}{digits}"
        return short

    def _attributes(self, element, keep_id=False):
        text = ""
        for key, value in element.attrib.items():
            name = _local(key)
            if name == "id":
                if not keep_id:
                    continue  # matplotlib's group names (line2d_3) number artists, nothing refers to them
                value = self._name(value)
            elif name == "href" and value.startswith("#"):
                value = f"#{self._name(value[1:])}"
            elif not value.startswith("data:"):
                value = _REFERENCE.sub(lambda m: f"url(#{self._name(m.group(1))})", value)
                if name in COORDINATES:
                    value = _NUMBER.sub(_short, value)
                if name == "d":
                    value = _PATH_SPACE.sub(r"\1", " ".join(value.split()))
            text += f' {name}="{html.escape(value, quote=True)}"'
        return text

    def _markup(self, element, keep_id=False):
        tag = _local(element.tag)
        inner = html.escape(element.text or "", quote=False) if (element.text or "").strip() else ""
        for child in element:
            if _local(child.tag) == "defs":
                self._define(child)
            else:
                inner += self._markup(child)
            if (child.tail or "").strip():
                inner += html.escape(child.tail, quote=False)
        attributes = self._attributes(element, keep_id)
        return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"

    def frame_markup(self, frame):
        """The SVG markup of frame number ``frame`` (its parts joined)."""
        parts = self.frame_parts()
        markup = self.part_list()
        return "".join(markup[k] for k in parts[frame])

    def part_list(self):
        """Every distinct part's markup, indexed by part number."""
        return list(self.parts)

    def frame_parts(self):
        """Each frame's part numbers, indexed by frame number."""
        return [list(numbers) for numbers in self.frames]

    def definitions_markup(self):
        return "".join(self.definitions.values())
