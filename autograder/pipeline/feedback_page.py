"""The feedback page a student gets: math typeset without a script, and a Content-Security-Policy
that lets no script run at all.

:mod:`autograder.pipeline.sanitize` removes everything that could run from a graded notebook before the
page is rendered. Should a payload ever get past it (a parser quirk, a new renderer feature), the
page itself still refuses to run it. The page needs no script of its own: its math is MathML
(:mod:`autograder.pipeline.math_markup`), which browsers typeset natively, so nbgrader's template's
MathJax (loaded from a CDN, and so raw TeX for a student offline) is left out. The policy, the
first element of ``<head>``, then allows no script, no connection, frame, plug-in, form target or
``<base>``; images and fonts only as ``data:`` URLs, so the page loads nothing from anywhere and
cannot even report that it was opened.
"""
from __future__ import annotations

import copy
import re

from jinja2 import pass_context
from nbconvert.exporters.html import HTMLExporter
from nbconvert.filters.markdown_mistune import MarkdownWithMath

from .math_markup import MathMLRenderer, tex_to_mathml

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'none'",
    "style-src 'unsafe-inline'",
    "font-src data:",
    "img-src data:",
    "connect-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])

_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
#: nbconvert's ``mathjax()`` macro, as nbgrader's feedback template calls it: the CDN script and
#: its configuration block
_MATHJAX = re.compile(r"(<!-- Loading mathjax macro -->\s*)?<!-- Load mathjax -->.*?"
                      r"<!-- End of mathjax configuration -->", re.DOTALL)


#: A failed check's message is one line (the call, what was expected, what the code gave), which
#: nbgrader's template keeps on one line, scrolled out of sight past the page's width: it wraps.
PAGE_STYLE = ("<style>.output_error pre,.jp-OutputArea-output[data-mime-type*=stderr] pre"
              "{white-space:pre-wrap;overflow-wrap:anywhere}</style>")


def with_content_security_policy(page: str) -> str:
    """``page`` (a whole page the exporter made) without MathJax, with the policy as the first
    element of its ``<head>`` and the page's own style (:data:`PAGE_STYLE`) after it."""
    page = _MATHJAX.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    page, count = _HEAD.subn(lambda head: head.group(0) + "\n" + meta + "\n" + PAGE_STYLE, page, count=1)
    if count != 1:
        raise ValueError("the feedback template produced a page without <head>: "
                         "no Content-Security-Policy could be added")
    return page


def latex_outputs_as_mathml(nb):
    """A copy of ``nb`` whose ``text/latex`` outputs also carry MathML (``text/html``, which
    the page shows first)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            latex = data.get("text/latex")
            if latex is None or "text/html" in data:
                continue
            tex = "".join(latex) if isinstance(latex, list) else str(latex)
            tex = tex.strip()
            display = tex.startswith("$$") or not tex.startswith("$")
            tex = tex.strip("$").removeprefix("\\displaystyle").strip()
            data["text/html"] = tex_to_mathml(tex, display=display)
    return nb


class FeedbackPage(HTMLExporter):
    """nbconvert's HTML exporter, with MathML math and the policy on every page
    (``GenerateFeedback.exporter_class``)."""

    @pass_context  # as nbconvert's own: the cell's attachments come from the template context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False, attachments=cell.get("attachments", {}), embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text, exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(latex_outputs_as_mathml(nb), resources, **kw)
        return with_content_security_policy(html), resources
