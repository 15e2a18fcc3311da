"""What a student's notebook shows is cleaned into inert content (``autograder.pipeline.sanitize``).

Unit level, in process: every payload of ``student_markup.PAYLOADS`` loses what could run, honest
content (a pandas-style table, a matplotlib PNG and SVG, math, emphasis, links) stays, cleaning
twice changes nothing, and unreadable outputs become notes. The same payloads are run through the
real pipeline and opened in Chromium by ``tests/test_student_markup_browser.py``.
"""
import base64
import copy
import io
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

sys.path.insert(0, str(Path(__file__).resolve().parent))
import student_markup  # noqa: E402

from autograder.pipeline.sanitize import (REMOVED, clean_html, clean_markdown, clean_notebook,  # noqa: E402
                                 clean_output, clean_svg)

def assert_inert(html):
    problems = student_markup.runnable_markup(html)
    assert not problems, f"still in the cleaned markup: {problems}\n{html[:2000]}"


def test_the_inertness_check_itself_finds_every_payload():
    for payloads in (student_markup.HTML_PAYLOADS, student_markup.SVG_PAYLOADS):
        for name, payload in payloads.items():
            if name != "id_clobbering":
                assert student_markup.runnable_markup(payload), name


@pytest.mark.parametrize("name", sorted(student_markup.HTML_PAYLOADS))
def test_html_payloads_lose_everything_that_could_run(name):
    assert_inert(clean_html(student_markup.HTML_PAYLOADS[name]))


@pytest.mark.parametrize("name", sorted(student_markup.SVG_PAYLOADS))
def test_svg_payloads_lose_everything_that_could_run(name):
    cleaned = clean_svg(student_markup.SVG_PAYLOADS[name])
    assert cleaned is None or (assert_inert(cleaned) is None and "attacker" not in cleaned)


@pytest.mark.parametrize("name", sorted(student_markup.MARKDOWN_PAYLOADS))
def test_markdown_payloads_render_inert(name):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    source, removed = clean_markdown(student_markup.MARKDOWN_PAYLOADS[name])
    assert removed, "the student is told that markup was removed"
    assert_inert(markdown2html_mistune(source))


def test_an_honest_table_keeps_its_cells_and_layout():
    cleaned = clean_html(student_markup.HONEST_TABLE)
    for text in ("<table", "<th", "learning rate", "0.001", 'class="dataframe"', "border="):
        assert text in cleaned, text
    assert "<style" not in cleaned  # a whole style sheet could restyle the grader's page


def test_a_matplotlib_svg_keeps_its_drawing():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.plot([0, 1, 2], [3, 1, 2], label="loss")
    axes.set_title("Training loss")
    axes.legend()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    original = buffer.getvalue()
    cleaned = clean_svg(original)
    assert cleaned is not None
    # every path and glyph reference survives: the picture is the same
    assert cleaned.count("<path") == original.count("<path")
    assert cleaned.count("<use") == original.count("<use")
    assert 'xmlns="http://www.w3.org/2000/svg"' in cleaned


def test_plain_markdown_is_kept_as_written():
    source = "An answer with *emphasis*, a list\n\n- one\n- two\n\nand math $a_1 + b^2$."
    assert clean_markdown(source) == (source, False)


def test_markdown_with_honest_html_reads_the_same_and_keeps_its_math():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    source = "We have $x < y$ and <b>bold</b> text.\n\n```\nfirst\n\nsecond\n```\n\nLast [link](https://example.org)."
    cleaned, removed = clean_markdown(source)
    assert not removed
    rendered = markdown2html_mistune(cleaned)
    for text in ("$x &lt; y$", "<b>bold</b>", "first", "second", 'href="https://example.org"'):
        assert text in rendered, text
    assert "\n\n" not in cleaned  # one HTML block: Markdown does not re-read its inside


def _png():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def test_outputs_keep_text_images_and_tables_and_lose_scripts():
    png = _png()
    outputs = [
        new_output("stream", name="stdout", text="printed\n"),
        new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"},
                   metadata={"image/png": {"width": 300, "height": "1 onerror=alert(1)"}}),
        new_output("display_data", data={"application/javascript": "alert(1)"}),
        new_output("execute_result", data={"text/html": student_markup.HONEST_TABLE,
                                           "text/plain": "table"}, execution_count=3),
        new_output("display_data", data={"image/png": "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"}),  # an SVG, not a PNG
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                         "text/plain": "IntSlider(value=1)"}),
        new_output("error", ename="ValueError", evalue="<b>got</b>", traceback=["ValueError: <b>got</b>"]),
    ]
    cleaned = [clean_output(o)[0] for o in outputs]
    assert cleaned[0].text == "printed\n"
    assert cleaned[1].data["image/png"] == png
    assert cleaned[1].metadata == {"image/png": {"width": 300}}
    assert list(cleaned[2].data) == ["text/plain"]
    assert REMOVED.format(what="output of type application/javascript") in cleaned[2].data["text/plain"]
    assert "<table" in cleaned[3].data["text/html"] and cleaned[3].execution_count == 3
    assert "image/png" not in cleaned[4].data and "not a valid image" in cleaned[4].data["text/plain"]
    assert cleaned[5].data["text/plain"].startswith("IntSlider(value=1)")
    # text outputs are escaped by every renderer: kept as they are
    assert cleaned[6].evalue == "<b>got</b>"
    assert [clean_output(o)[1] for o in outputs] == [False, False, True, False, True, True, False]


def test_an_unreadable_output_becomes_a_note():
    for broken in ("not a dict", {"output_type": "display_data", "data": "nope"},
                   {"output_type": "mystery"}):
        note, removed = clean_output(broken)
        assert removed and note.output_type == "stream" and note.text.startswith("[removed")


def test_metadata_keeps_what_nbgrader_needs_and_nothing_else():
    notebook = student_markup.notebook_with_metadata_payloads(new_notebook(cells=[
        new_code_cell("x = 1", metadata={"nbgrader": {"grade": False, "solution": True,
                                                      "grade_id": "sigmoid_solution", "locked": False,
                                                      "schema_version": 3}})]))
    cleaned, _ = clean_notebook(notebook)
    assert set(cleaned.metadata) == {"kernelspec", "language_info"}
    assert cleaned.metadata.language_info == {"name": "python"}
    cell = cleaned.cells[0]
    assert cell.metadata.nbgrader["grade_id"] == "sigmoid_solution"
    assert cell.metadata.tags == ["ok-tag"]
    assert "<script" not in nbformat.writes(cleaned) and "onmouseover" not in nbformat.writes(cleaned)


def test_raw_cells_attachments_and_cell_ids_are_cleaned():
    markdown = new_markdown_cell("![pic](attachment:x.svg) ![ok](attachment:ok.png)")
    markdown.attachments = {
        "x.svg": {"image/svg+xml": base64.b64encode(student_markup.SVG_PAYLOADS["script_and_handler"]
                                                    .encode()).decode()},
        "ok.png": {"image/png": _png()},
        "page.html": {"text/html": base64.b64encode(b"<script>alert(1)</script>").decode()},
    }
    raw = new_raw_cell("<script>alert(1)</script><b>raw</b>")
    notebook = new_notebook(cells=[markdown, raw, new_code_cell("x")])
    notebook.cells[2]["id"] = 'x" onmouseover="alert(1)'
    cleaned, touched = clean_notebook(notebook)
    attachments = cleaned.cells[0].attachments
    assert set(attachments) == {"x.svg", "ok.png"}
    assert_inert(base64.b64decode(attachments["x.svg"]["image/svg+xml"]).decode())
    assert cleaned.cells[1].source == "<b>raw</b>"
    assert cleaned.cells[2].id.isalnum()
    nbformat.validate(cleaned)


def test_cleaning_twice_changes_nothing_and_never_touches_the_input():
    notebook = student_markup.payload_notebook(_png())
    before = copy.deepcopy(notebook)
    once, _ = clean_notebook(notebook)
    twice, touched = clean_notebook(once)
    assert notebook == before
    assert twice == once and touched == 0
    nbformat.validate(once)


def test_a_reference_to_a_missing_attachment_keeps_the_rest_of_the_cell():
    notebook = new_notebook(cells=[new_markdown_cell("My diagram: ![d](attachment:gone.png) and *text*.")])
    cleaned, _ = clean_notebook(notebook)
    assert "<em>text</em>" in cleaned.cells[0].source and "attachment" not in cleaned.cells[0].source


def test_the_intake_keeps_an_image_pasted_into_a_written_answer():
    from autograder.pipeline.intake import read_submission

    release = nbformat.read(Path(__file__).resolve().parents[1] / "exercises" / "ce_vs_mse" / "ce_vs_mse.ipynb",
                            as_version=4)
    submission = copy.deepcopy(release)
    answer = next(c for c in submission.cells if c.cell_type == "markdown"
                  and c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = "See my sketch: ![sketch](attachment:sketch.png)"
    answer.attachments = {"sketch.png": {"image/png": _png()}}
    read = read_submission(nbformat.writes(submission).encode(), release)
    kept = next(c for c in read.notebook.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                == answer.metadata.nbgrader["grade_id"])
    assert kept.attachments == answer.attachments
