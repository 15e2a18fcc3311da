"""Students' feedback: score per function, the visible checks' messages, and never the source of
hidden tests or solutions.

One real `nbgrader autograde` + `nbgrader generate_feedback` of ce_vs_mse (a student who
submitted the release as shipped, and one whose sigmoid is wrong), rendered once by nbgrader as
configured and once with :class:`autograder.pipeline.feedback.FeedbackForStudents` added.
"""
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grading_harness import grade, nbgrader, read_notebook, release, replace_functions, solved_release  # noqa: E402

from autograder.pipeline.feedback import (FeedbackForStudents, score_table,  # noqa: E402
                                 strip_hidden_tests)

ASSIGNMENT = "ce_vs_mse"
WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 + 0.0 * z\n"
OURS = ["autograder.pipeline.sanitize.CleanStudentContent", "nbgrader.preprocessors.GetGrades",
        "autograder.pipeline.feedback.FeedbackForStudents",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
NBGRADER_DEFAULT = ["nbgrader.preprocessors.GetGrades", "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="bubblewrap missing (make system-deps installs it)")


def secret_lines(assignment):
    """Lines only the instructor has: solution bodies and hidden-test regions."""
    lines = set()
    for cell in read_notebook("solutions", assignment).cells:
        for region in re.findall(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1",
                                 cell.source, re.DOTALL):
            lines |= {line.strip() for line in region[1].splitlines() if len(line.strip()) > 12}
    return lines


@pytest.fixture(scope="module")
def feedback():
    partial = replace_functions(solved_release(ASSIGNMENT), WRONG_SIGMOID)
    for cell in partial.cells:  # a written answer, which no one has graded by hand yet
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "Squared error saturates with the sigmoid, so the gradient vanishes."
    run = grade(ASSIGNMENT, {"release": release(ASSIGNMENT), "partial": partial})
    course = run.course
    pages = {}
    # nbgrader's own feedback, for contrast (the course config puts ours in place)
    nbgrader(["generate_feedback", ASSIGNMENT] +
             [f"--GenerateFeedback.preprocessors={name}" for name in NBGRADER_DEFAULT],
             course, course / "nbgrader.log")
    for student in ("release", "partial"):
        pages["nbgrader", student] = (course / "feedback" / student / ASSIGNMENT /
                                      f"{ASSIGNMENT}.html").read_text()
    nbgrader(["generate_feedback", ASSIGNMENT, "--force"] +
             [f"--GenerateFeedback.preprocessors={name}" for name in OURS],
             course, course / "nbgrader.log")
    for student in ("release", "partial"):
        pages["ours", student] = (course / "feedback" / student / ASSIGNMENT /
                                  f"{ASSIGNMENT}.html").read_text()
    yield pages
    shutil.rmtree(course, ignore_errors=True)


@pytest.mark.parametrize("renderer", ["nbgrader", "ours"])
def test_feedback_never_shows_solutions_or_hidden_tests(feedback, renderer):
    secrets = secret_lines(ASSIGNMENT)
    assert secrets, "the solution notebook has solution and hidden-test regions"
    page = feedback[renderer, "release"]
    assert "HIDDEN TESTS" not in page
    leaked = [line for line in secrets if line in page]
    assert leaked == []


def test_feedback_shows_the_visible_checks_messages(feedback):
    page = feedback["ours", "partial"]
    failure = re.search(r"CheckFailed: sigmoid\(array\(\[-2\. , 0\. , 0\.5, 3\. \]\)\): "
                        r"the result: at index \(0,\) expected 0\.1192\d*, got 0\.5 .*?"
                        r"expected array\(\[0\.119203.*?\]\), got array\(\[0\.5, ", page)
    assert failure, "the failed visible check says which input, what was expected, what was got"
    assert "passed: softmax" in page


def test_feedback_starts_with_the_score_per_function(feedback):
    page = feedback["ours", "partial"]
    assert "Your score per function" in page
    assert re.search(r"<code>sigmoid</code></td>\s*<td>0 / 2</td>\s*<td>0 of 2</td>", page)
    assert re.search(r"<code>softmax</code></td>\s*<td>3 / 3</td>\s*<td>3 of 3</td>", page)
    assert "written answer (mse_classification_answer)" in page
    # the answer was written but not yet graded: it reads as waiting, not as 0 points
    assert re.search(r"written answer \(mse_classification_answer\)</code></td>\s*"
                     r"<td>awaiting grading by hand</td>", page)
    assert "with 3 point(s) still to be graded by hand" in page
    # a blank answer is worth nothing, and says so
    assert re.search(r"written answer \(mse_classification_answer\)</code></td>\s*<td>0 / 3</td>",
                     feedback["ours", "release"])
    assert "Your score per function" not in feedback["nbgrader", "partial"]


def test_plain_generate_feedback_pages_carry_the_content_security_policy(feedback):
    from autograder.pipeline.feedback_page import CONTENT_SECURITY_POLICY

    head = feedback["ours", "partial"].split("<title>")[0]
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in head
    assert "script-src" in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in \
        CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]


def test_hidden_regions_left_in_a_cell_are_cut():
    source = ('"""Check that f is right (hidden test)."""\nx = 1\n### BEGIN HIDDEN TESTS\n'
              'assert f(3) == 9  # the secret input\n### END HIDDEN TESTS\ny = 2')
    cut = strip_hidden_tests(source)
    assert "secret input" not in cut and "BEGIN HIDDEN" not in cut
    assert cut.startswith('"""Check that f is right') and cut.endswith("y = 2")
    unterminated = strip_hidden_tests("a = 1\n### BEGIN HIDDEN TESTS\nsecret = 42\n")
    assert "secret" not in unterminated and unterminated.startswith("a = 1")


def test_the_summary_groups_checks_by_function():
    def graded(grade_id, score, points, kind="code", solution=False):
        cell = new_code_cell("") if kind == "code" else new_markdown_cell("")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": points,
                                     "score": score, "solution": solution}
        return cell

    def solution(source):
        cell = new_code_cell(source)
        cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": source[4:12]}
        return cell

    notebook = new_notebook(cells=[
        solution("def mse_sigmoid_grad(z, y): ..."), solution("def softmax(z): ..."),
        solution("def adam_step(w, g, m, v, t): ..."),
        graded("mse_sigmoid_grad_values", 1, 1), graded("mse_sigmoid_grad_hidden", 0, 1),
        graded("softmax_stable", 1, 1), graded("adam_step_first_step", 1, 1),
        graded("why_mse", None, 3, "markdown", True)])
    # grade ids are <function>_<check> with underscores on both sides: the notebook's own
    # functions say where the function ends
    assert score_table(notebook) == [
        ("mse_sigmoid_grad", 1.0, 2.0, 1, 2, False), ("softmax", 1.0, 1.0, 1, 1, False),
        ("adam_step", 1.0, 1.0, 1, 1, False), ("written answer (why_mse)", None, 3.0, 0, 1, True)]
    done, _ = FeedbackForStudents().preprocess(notebook, {"nbgrader": {"score": 2, "max_score": 6}})
    assert "| `mse_sigmoid_grad` | 1 / 2 | 1 of 2 |" in done.cells[0].source
    assert "Total: **2 / 6**" in done.cells[0].source
    again, _ = FeedbackForStudents().preprocess(done, {"nbgrader": {}})
    assert sum("score per function" in c.source for c in again.cells) == 1


def test_a_failed_checks_message_wraps_inside_the_page(feedback, tmp_path):
    """Check that in Chromium, at the width of a small laptop window, every failed check's
    message on a student's feedback page wraps inside the page: what was expected and what the
    code gave stay readable, none runs off to the right behind a horizontal scroll bar."""
    from playwright import sync_api as playwright_api

    from browser import launch

    page_file = tmp_path / "feedback.html"
    page_file.write_text(feedback["ours", "partial"])
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.goto(page_file.as_uri())
        widths = page.evaluate("""() => [...document.querySelectorAll('.output_error pre, .jp-OutputArea-output pre')]
            .filter(pre => pre.textContent.includes('CheckFailed'))
            .map(pre => [pre.scrollWidth, pre.clientWidth, pre.textContent.length])""")
        browser.close()
    assert widths, "the partial student's feedback shows no failed check"
    assert all(scroll <= client + 1 for scroll, client, _ in widths), \
        f"messages wider than their box ([scroll width, box width, characters]): {widths}"
