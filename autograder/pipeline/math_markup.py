"""Math in feedback pages as MathML, which browsers typeset themselves: no script, no other host.

nbgrader's feedback template loads MathJax from a CDN, so a student offline (or behind a
filter) reads raw TeX, and the page needs a script allowed at all. Here every ``$...$``,
``$$...$$`` and LaTeX environment of a Markdown cell, and every ``text/latex`` output, becomes
MathML at the time the page is made (``latex2mathml``, pure Python). What the converter makes
from a student's TeX is cleaned like any other markup (``nh3`` with a MathML allow-list: a
``\\text{<script>}`` would otherwise come through as a script). TeX the converter cannot read
stays on the page as TeX, in ``<code>``.
"""
from __future__ import annotations

import html
import re

import nh3
from latex2mathml.converter import convert
from nbconvert.filters.markdown_mistune import IPythonRenderer

MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac",
    "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded",
    "mphantom", "menclose", "merror", "mmultiscripts", "mprescripts", "none", "semantics",
}
_MATHML_ATTRIBUTES = {
    "display", "mathvariant", "mathsize", "mathcolor", "stretchy", "accent", "accentunder",
    "fence", "separator", "lspace", "rspace", "linethickness", "columnalign", "columnlines",
    "columnspacing", "rowalign", "rowlines", "rowspacing", "displaystyle", "scriptlevel",
    "width", "height", "depth", "notation", "minsize", "maxsize", "symmetric", "largeop",
    "movablelimits", "form", "align", "frame", "framespacing", "equalrows", "equalcolumns",
    "rowspan", "columnspan", "voffset",
}


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """``tex`` as cleaned MathML; as escaped TeX in ``<code>`` when it cannot be converted."""
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception:  # the converter raises many kinds on TeX it does not know
        return f"<code>{html.escape(tex)}</code>"
    return nh3.clean(mathml, tags=MATHML_TAGS, attributes={tag: _MATHML_ATTRIBUTES for tag in MATHML_TAGS},
                     link_rel=None, url_schemes=set(), strip_comments=True)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer, with math written as MathML instead of TeX for MathJax."""

    def inline_math(self, body: str) -> str:
        return tex_to_mathml(body)

    def block_math(self, body: str) -> str:
        return tex_to_mathml(body, display=True)

    def latex_environment(self, name: str, body: str) -> str:
        return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    def block_html(self, block: str) -> str:
        # a cell the cleaner turned into one HTML block still holds its math as $...$ text
        return super().block_html(math_in_html(block))


_TAG = re.compile(r"(<[^>]*>)")
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")


def math_in_html(markup: str) -> str:
    """``$$...$$`` and ``$...$`` in the text of ``markup`` (outside ``<code>`` and ``<pre>``)
    as MathML; the text is unescaped before conversion (``&lt;`` is TeX's ``<``)."""
    parts, in_code = [], 0
    for piece in _TAG.split(markup):
        if piece.startswith("<"):
            name = piece[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(piece) > 2 else ""
            if name in ("code", "pre"):
                in_code += -1 if piece.startswith("</") else 1
            parts.append(piece)
        elif in_code or "$" not in piece:
            parts.append(piece)
        else:
            text = html.unescape(piece)
            pieces, last = [], 0
            for match in re.finditer(f"{_DISPLAY.pattern}|{_INLINE.pattern}", text, re.DOTALL):
                pieces.append(html.escape(text[last:match.start()], quote=False))
                display, inline = match.group(1), match.group(2)
                pieces.append(tex_to_mathml(display, True) if display is not None else tex_to_mathml(inline))
                last = match.end()
            pieces.append(html.escape(text[last:], quote=False))
            parts.append("".join(pieces))
    return "".join(parts)
