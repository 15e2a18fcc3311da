"""The feedback page's second wall: a Content-Security-Policy that lets no student script run.

:mod:`autograder.sanitize` removes everything that could run from a graded notebook before the
page is rendered. Should a payload ever get past it (a parser quirk, a new renderer feature), the
page itself still refuses to run it: the policy, the first element of ``<head>``, allows scripts
only from the one place the page's own math typesetting (nbgrader's feedback template loads
MathJax 2) comes from, never inline scripts or event handlers, and no connection, frame, plug-in,
form target or ``<base>`` at all. Images may only be ``data:`` URLs (the page's own figures), so a
page cannot even report that it was opened.
"""
from __future__ import annotations

import re

from nbconvert.exporters.html import HTMLExporter

#: Where nbconvert's ``mathjax()`` macro loads MathJax 2 from; MathJax loads its parts (and, in
#: its configuration step, evaluates code) from there.
MATHJAX_ORIGIN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    f"script-src {MATHJAX_ORIGIN} 'unsafe-eval'",
    f"style-src 'unsafe-inline' {MATHJAX_ORIGIN}",
    f"font-src data: {MATHJAX_ORIGIN}",
    "img-src data:",
    "connect-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])

_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


def with_content_security_policy(html: str) -> str:
    """``html`` (a whole page the exporter made) with the policy as the first element of its
    ``<head>``, before any script can load."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    page, count = _HEAD.subn(lambda head: head.group(0) + "\n" + meta, html, count=1)
    if count != 1:
        raise ValueError("the feedback template produced a page without <head>: "
                         "no Content-Security-Policy could be added")
    return page


class FeedbackPage(HTMLExporter):
    """nbconvert's HTML exporter, with the policy on every page (``GenerateFeedback.exporter_class``)."""

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return with_content_security_policy(html), resources
