"""Markup payloads a student can put in a notebook, and honest content that must survive cleaning.

Shared by the cleaner's unit tests (``test_sanitize.py``), the hostile corpus (the ``markup_*``
cases run these payloads through real grading) and the browser test that opens the formgrader and
the feedback page (``test_student_markup_browser.py``). Every payload that runs reports it the
same way, so a browser test can listen for one signal: ``console.log`` and ``alert`` of
``FIRED``.
"""
import json
from html.parser import HTMLParser

FIRED = "XSS-FIRED"
JS = f"console.log('{FIRED}');alert('{FIRED}')"

HTML_PAYLOADS = {
    "script": f"<script>{JS}</script>",
    "img_onerror": f'<img src=x onerror="{JS}">',
    "svg_onload_inline": f'<svg onload="{JS}"><circle r="3"/></svg>',
    "iframe_srcdoc": f'<iframe srcdoc="<script>{JS}</script>"></iframe>',
    "object_embed": f'<object data="data:text/html,<script>{JS}</script>"></object>'
                    f'<embed src="data:text/html,<script>{JS}</script>">',
    "javascript_link": f'<a href="javascript:{JS}" id="jslink">click me</a>',
    "obfuscated_link": '<a href="jav&#x61;script&#58;alert(1)">click</a>',
    "details_ontoggle": f'<details open ontoggle="{JS}"><summary>s</summary>x</details>',
    "autofocus_onfocus": f'<input autofocus onfocus="{JS}">',
    "video_source_onerror": f'<video><source onerror="{JS}"></video>',
    "meta_refresh": f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    "base_and_form": '<base href="https://attacker.example/"><form action="https://attacker.example/">'
                     '<button>grade</button></form>',
    "style_sheet": "<style>body{background:url(https://attacker.example/beacon)}</style>",
    "noscript_mutation": f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
    "math_mutation": f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
    "id_clobbering": '<img id="MathJax" name="MathJax"><form id="formgrader"></form>',
}

SVG_PAYLOADS = {
    "script_and_handler": ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" '
                           f'onload="{JS}"><script>{JS}</script><rect width="5" height="5"/></svg>'),
    "foreign_object": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="9" height="9">'
                       f'<body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="{JS}"/>'
                       '</body></foreignObject></svg>'),
    "animation": ('<svg xmlns="http://www.w3.org/2000/svg"><a><rect width="5" height="5"/>'
                  f'<animate attributeName="href" to="javascript:{JS}"/>'
                  f'<set attributeName="onmouseover" to="{JS}"/></a></svg>'),
    "links_out": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                  f'<a xlink:href="javascript:{JS}"><text y="9">t</text></a>'
                  '<use href="https://attacker.example/sprite.svg#x"/>'
                  '<image href="https://attacker.example/beacon.png"/></svg>'),
}

MARKDOWN_PAYLOADS = {
    "inline_html": f'My answer <img src=x onerror="{JS}"> is below.',
    "script_block": f"Answer:\n\n<script>{JS}</script>\n\nend",
    "javascript_link": f"[see my derivation](javascript:{JS})",
    "reference_link": f"[see here][r]\n\n[r]: javascript:{JS}",
    "autolink": f"<javascript:{JS}>",
    "iframe_block": f'<iframe srcdoc="<script>{JS}</script>"></iframe>\n\nmore text',
    "image_url": '![plot](javascript:alert(1))',
}

HONEST_TABLE = (
    '<style scoped>.dataframe tbody tr th {vertical-align: top}</style>'
    '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th>'
    '<th>learning rate</th><th>final loss</th></tr></thead><tbody>'
    '<tr><th>0</th><td>0.001</td><td>0.412</td></tr>'
    '<tr><th>1</th><td>0.1</td><td>0.037</td></tr></tbody></table>')
HONEST_MARKDOWN = "Momentum *damps* the zig-zag: $v_{t+1} = \\beta v_t + g_t$ with **beta** = 0.9."

#: What the honest content looks like on a page (browser tests find these).
HONEST_TABLE_TEXT = "final loss"
HONEST_PLOT_TITLE = "honest plot"


def kernel_code():
    """Code for a cell at the top of a submission: its outputs carry every payload (as HTML,
    SVG, JavaScript, Markdown, LaTeX, widget-like and image-metadata outputs), next to an honest
    table and a matplotlib figure."""
    payloads = json.dumps({"html": HTML_PAYLOADS, "svg": SVG_PAYLOADS,
                           "markdown": MARKDOWN_PAYLOADS, "js": JS, "table": HONEST_TABLE})
    return f'''\
import json as _json
from IPython.display import HTML as _HTML, Javascript as _Javascript, Markdown as _Markdown, display as _display
_p = _json.loads({payloads!r})
for _html in _p["html"].values():
    _display(_HTML(_html))
for _svg in _p["svg"].values():
    _display({{"image/svg+xml": _svg, "text/plain": "svg"}}, raw=True)
_display(_Javascript(_p["js"]))
_display({{"application/javascript": _p["js"], "text/html": "<b>js fallback</b>"}}, raw=True)
_display({{"application/vnd.jupyter.widget-view+json": {{"model_id": "</script><script>" + _p["js"] + "</script>",
          "version_major": 2, "version_minor": 0}}, "text/plain": "a widget"}}, raw=True)
for _md in _p["markdown"].values():
    _display(_Markdown(_md))
_display({{"text/latex": "$\\\\href{{javascript:alert(1)}}{{x}}$", "text/plain": "latex"}}, raw=True)
_display({{"image/png": "iVBORw0KGgo=", "text/plain": "png"}},
         metadata={{"image/png": {{"width": "1 onerror=" + _p["js"], "height": 10}}}}, raw=True)
_display(_HTML(_p["table"]))
import matplotlib.pyplot as _plt
_plt.figure(figsize=(3, 2))
_plt.plot([0, 1, 2], [2, 1, 1.5])
_plt.title("{HONEST_PLOT_TITLE}")
_plt.show()
'''


def written_answer(markdown_cell_source_payloads=None):
    """A written answer full of payloads, with honest prose and math around them."""
    payloads = markdown_cell_source_payloads or MARKDOWN_PAYLOADS
    return HONEST_MARKDOWN + "\n\n" + "\n\n".join(payloads.values())


def notebook_with_metadata_payloads(notebook):
    """``notebook`` with payloads in its own metadata and in its cells' metadata."""
    widget_state = {"state": {}, "version_major": 2, "version_minor": 0,
                    "</script><script>": JS}
    notebook.metadata.update({
        "title": f"<script>{JS}</script>",
        "widgets": {"application/vnd.jupyter.widget-state+json": widget_state},
        "language_info": {"name": f'python"><img src=x onerror="{JS}">'},
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    })
    for cell in notebook.cells:
        cell.metadata["tags"] = ["ok-tag", f'x" onmouseover="{JS}']
        cell.metadata["attachments_note"] = f"<script>{JS}</script>"
    return notebook


def payload_notebook(png_base64):
    """A notebook holding every kind of payload as stored data (outputs, Markdown, attachments,
    raw cells, metadata), without running anything."""
    import base64

    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

    outputs = [new_output("display_data", data={"text/html": html}) for html in HTML_PAYLOADS.values()]
    outputs += [new_output("display_data", data={"image/svg+xml": svg}) for svg in SVG_PAYLOADS.values()]
    outputs += [new_output("display_data", data={"text/markdown": md}) for md in MARKDOWN_PAYLOADS.values()]
    outputs += [new_output("display_data", data={"application/javascript": JS}),
                new_output("display_data", data={"image/png": png_base64},
                           metadata={"image/png": {"width": f"1 onerror={JS}"}}),
                new_output("display_data", data={"text/html": HONEST_TABLE})]
    markdown = new_markdown_cell(written_answer() + "\n\n![a](attachment:a.svg)")
    markdown.attachments = {"a.svg": {"image/svg+xml": base64.b64encode(
        SVG_PAYLOADS["script_and_handler"].encode()).decode()}}
    notebook = new_notebook(cells=[new_code_cell("show()", outputs=outputs), markdown,
                                   new_raw_cell(HTML_PAYLOADS["script"])])
    return notebook_with_metadata_payloads(notebook)


class _Census(HTMLParser):
    """Elements and attributes of a page, as a browser's tokenizer would see the tags."""

    RUNNABLE = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base",
                "meta", "link", "form", "foreignobject", "animate", "set", "animatemotion",
                "animatetransform", "style", "input", "button", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in self.RUNNABLE:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "xlink:href", "action", "formaction", "data") and (
                    value.startswith(("javascript:", "vbscript:", "data:text", "http"))
                    and not (tag == "a" and value.startswith("http"))):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")


def runnable_markup(html):
    """What in ``html`` could run or load something: elements, handlers, URLs. Empty when inert."""
    census = _Census()
    census.feed(html)
    census.close()
    return census.problems


def submission(solved, answer_id=None):
    """A correct submission (``solved``: a solved release) that carries every payload the way a
    student would: a cell at the top whose outputs are the payloads, a written answer and an extra
    Markdown cell of payloads (one with an SVG attachment), and payloads in the notebook's and the
    cells' metadata. Its code earns full marks."""
    import base64
    import copy

    from nbformat.v4 import new_code_cell, new_markdown_cell

    notebook = copy.deepcopy(solved)
    notebook.cells.insert(0, new_code_cell(kernel_code()))
    note = new_markdown_cell("A note of mine: " + written_answer() + "\n\n![diagram](attachment:d.svg)")
    note.attachments = {"d.svg": {"image/svg+xml": base64.b64encode(
        SVG_PAYLOADS["script_and_handler"].encode()).decode()}}
    notebook.cells.insert(1, note)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution") and (answer_id in (None, meta.get("grade_id"))):
            cell.source = written_answer()
    notebook = notebook_with_metadata_payloads(notebook)
    for cell in notebook.cells:  # graded cells keep their metadata: the intake would restore it
        if "nbgrader" in cell.metadata:
            cell.metadata.pop("tags", None)
            cell.metadata.pop("attachments_note", None)
    return notebook


def runnable_markup_in_notebook(notebook):
    """(cell index, problem) for everything in a stored notebook that a renderer would turn into
    runnable markup: Markdown cells and the HTML, SVG and Markdown of outputs, rendered as
    nbconvert renders them, and script or widget outputs of any kind."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    problems = []
    for index, cell in enumerate(notebook.cells):
        pieces = []
        if cell.cell_type == "markdown":
            try:
                pieces.append(markdown2html_mistune(cell.source))
            except Exception:  # an attachment reference the renderer cannot resolve alone
                pieces.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            pieces += [data.get("text/html", ""), data.get("image/svg+xml", ""),
                       markdown2html_mistune(data.get("text/markdown", ""))]
            problems += [(index, f"{mime} output") for mime in data
                         if mime in ("application/javascript", "text/javascript",
                                     "application/vnd.jupyter.widget-view+json")]
        problems += [(index, problem) for piece in pieces for problem in runnable_markup(piece)]
    return problems
