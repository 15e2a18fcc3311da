"""Feedback pages typeset math as MathML and run no script (``autograder.pipeline.math_markup``,
``autograder.pipeline.feedback_page``): what a student reads offline is the formula, not its TeX."""
import os
import sys
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

sys.path.insert(0, str(Path(__file__).resolve().parent))
import student_markup  # noqa: E402

from autograder.pipeline.feedback_page import FeedbackPage  # noqa: E402
from autograder.pipeline.math_markup import math_in_html, tex_to_mathml  # noqa: E402
from autograder.pipeline.sanitize import clean_notebook  # noqa: E402


def test_tex_becomes_mathml_and_nothing_that_runs():
    mathml = tex_to_mathml(r"\sigma(z) = \frac{1}{1 + e^{-z}}")
    assert mathml.startswith("<math") and "<mfrac>" in mathml
    hostile = tex_to_mathml(r"\text{<script>alert(1)</script><img src=x onerror=alert(1)>} \href{javascript:alert(1)}{x}")
    assert not student_markup.runnable_markup(hostile), hostile
    assert "href" not in hostile


def test_tex_the_converter_cannot_read_stays_as_text():
    assert tex_to_mathml(r"\begin{nosuchenv} x") == r"<code>\begin{nosuchenv} x</code>"


def test_math_in_a_cleaned_block_is_converted_but_code_is_not():
    block = '<div class="lossopt-cleaned"><p>We have $x &lt; y$ and</p><pre><code>cost = $5</code></pre>$$a^2$$</div>'
    converted = math_in_html(block)
    assert converted.count("<math") == 2 and "cost = $5" in converted
    assert "<mo>&lt;</mo>" in converted or "&#x0003C;" in converted


def feedback_page(notebook):
    from test_cli_warm import feedback_config  # what nbgrader's GenerateFeedback configures

    page, _ = FeedbackPage(config=feedback_config()).from_notebook_node(
        notebook, {"nbgrader": {"notebook": "n", "score": 1.0, "max_score": 2.0, "late_penalty": 0.0}})
    return page


def test_a_feedback_page_has_mathml_and_no_script():
    answer = "Adam divides by $\\sqrt{\\hat v_t} + \\epsilon$; with $x<y$ the cell is cleaned.\n\n$$\\beta_1^t$$"
    notebook = new_notebook(cells=[new_markdown_cell(answer), new_code_cell("f", outputs=[
        new_output("execute_result", data={"text/latex": "$\\displaystyle \\frac{a}{b}$", "text/plain": "a/b"},
                   execution_count=1)])])
    cleaned, _ = clean_notebook(notebook)
    page = feedback_page(cleaned)
    assert "<script" not in page.lower() and "mathjax" not in page.lower()
    assert page.count("<math") == 4, page.count("<math")
    assert "script-src 'none'" in page.split("<title>")[0]


def test_math_is_typeset_in_chromium_without_any_request(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    from browser import CHROMIUM, launch

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium missing (make system-deps)")
    path = tmp_path / "feedback.html"
    path.write_text(feedback_page(new_notebook(cells=[new_markdown_cell(
        "The sigmoid $\\sigma(z) = \\frac{1}{1+e^{-z}}$ saturates.")])))
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(path.as_uri())
        numerator = page.locator("mfrac > :nth-child(1)").first.bounding_box()
        denominator = page.locator("mfrac > :nth-child(2)").first.bounding_box()
        if os.environ.get("LOSSOPT_SCREENSHOTS"):
            page.screenshot(path=os.path.join(os.environ["LOSSOPT_SCREENSHOTS"], "feedback-math.png"))
        browser.close()
    assert not requests, requests
    # typeset by the browser: the numerator stands above the denominator
    assert numerator["y"] + numerator["height"] <= denominator["y"] + 1, (numerator, denominator)
