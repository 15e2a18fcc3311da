"""The grading worker's warm paths (``autograder.batch.warm``) change cost, never results: the
feedback page is the same document the course's configured exporter (``FeedbackPage``, nbconvert's
HTML exporter with a Content-Security-Policy) makes, and bad cell metadata is
refused with the same error as by nbgrader's own check."""
import os

import jsonschema
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

import nbgrader
from autograder.batch import warm
from autograder.pipeline.feedback_page import FeedbackPage

NBGRADER_TEMPLATES = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates")
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def feedback_config():
    """What nbgrader's GenerateFeedback gives its exporter: the feedback template."""
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [NBGRADER_TEMPLATES]
    config.HTMLExporter.extra_template_paths = [os.path.join(
        os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "static", "node_modules",
        "bootstrap", "dist", "css")]
    return config


def graded_notebook(student_code):
    def graded(cell, grade_id, score, points, **flags):
        cell.metadata.nbgrader = {"grade": True, "grade_id": grade_id, "points": points,
                                  "score": score, "schema_version": 3, "locked": True,
                                  "solution": False, "task": False, **flags}
        return cell

    solution = new_code_cell(student_code)
    solution.metadata.nbgrader = {"grade": False, "grade_id": "sigmoid", "locked": False,
                                  "solution": True, "task": False, "schema_version": 3}
    test = graded(new_code_cell('"""Check that sigmoid(0) is 0.5."""\nassert sigmoid(0) == 0.5 # <img>'),
                  "sigmoid_zero", 1.0, 1.0)
    test.outputs = [new_output("stream", name="stdout", text="passed: sigmoid(0) = 0.5\n")]
    failing = graded(new_code_cell('"""Check that sigmoid(1000) is 1."""\nassert sigmoid(1000) == 1'),
                     "sigmoid_large", 0.0, 2.0)
    failing.outputs = [new_output("error", ename="CheckFailed", evalue="expected 1.0, got nan",
                                  traceback=["CheckFailed: expected 1.0, got nan"])]
    picture = new_code_cell("show()")
    picture.outputs = [new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    cells = [new_markdown_cell("# Sigmoid\nThe logistic function $\\sigma(z) = 1/(1+e^{-z})$.\n\n"
                               "<img src='curve.png'> and <img alt='kept' src='b.png'>"),
             solution, test, failing, picture]
    notebook = new_notebook(cells=cells)
    notebook.metadata.language_info = {"name": "python", "pygments_lexer": "ipython3"}
    return notebook


def resources():
    """What nbgrader's GetGrades hands the feedback template."""
    return {"nbgrader": {"notebook": "sigmoid", "score": 1.0, "max_score": 3.0, "late_penalty": 0.0}}


def document(html):
    return str(BeautifulSoup(html, features="html.parser"))


@pytest.mark.parametrize("student_code", ["def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
                                          "def sigmoid(z):\n    return 0.5  # <b>not</b> & done\n"])
def test_feedback_page_is_the_same_document_as_nbconverts(student_code):
    notebook = graded_notebook(student_code)
    theirs, _ = FeedbackPage(config=feedback_config()).from_notebook_node(notebook, resources())
    ours, _ = warm.FeedbackExporter(config=feedback_config()).from_notebook_node(notebook, resources())
    assert "Check that sigmoid(1000) is 1" in ours and "expected 1.0, got nan" in ours
    assert document(ours) == document(theirs)
    assert ours.count(f'alt="{warm.MISSING_ALT}"') == 2  # the markdown image and the plot; 'kept' kept
    assert "alt='kept'" in ours


def test_shared_cells_are_highlighted_once_per_worker(monkeypatch):
    calls = []
    real = warm.Highlight2HTML.__call__

    def counting(self, source, language=None, metadata=None):
        calls.append(source)
        return real(self, source, language, metadata)

    monkeypatch.setattr(warm.Highlight2HTML, "__call__", counting)
    exporter = warm.FeedbackExporter(config=feedback_config())
    first, _ = exporter.from_notebook_node(graded_notebook("def sigmoid(z):\n    return 1\n"), resources())
    highlighted_first = len(calls)
    second, _ = exporter.from_notebook_node(graded_notebook("def sigmoid(z):\n    return 2\n"), resources())
    assert highlighted_first == 4  # four code cells
    assert calls[highlighted_first:] == ["def sigmoid(z):\n    return 2\n"]  # only the student's own
    assert "return</span> <span class=\"mi\">2" in second.replace("\n", "")


def test_accessibility_fixes_match_html_exporters_rules():
    html = ('<div class="jp-Notebook"><div class="jp-Cell-inputWrapper x">a</div>'
            '<div class="jp-OutputArea-output" tabindex="0">b</div><div class="other">c</div>'
            '<IMG src="a.png"><img alt="" src="b.png"><img\nsrc="c.png"></div>')
    fixed, missing = warm.accessibility_fixes(html)
    assert missing == 2
    assert fixed.count('tabindex="0"') == 2 and '<div class="other">' in fixed
    assert '<img alt="" src="b.png">' in fixed


@pytest.fixture
def cached_validation(monkeypatch):
    from nbgrader.nbgraderformat import common

    monkeypatch.setattr(common, "jsonschema", common.jsonschema)  # restored after the test
    warm.cached_metadata_validation()
    warm.cached_metadata_validation()  # idempotent: wraps once
    assert isinstance(common.jsonschema, warm._CachedSchemaValidation)
    assert not isinstance(common.jsonschema._jsonschema, warm._CachedSchemaValidation)
    return common.jsonschema


def test_metadata_validation_accepts_good_and_refuses_bad_cells_as_nbgrader_does(cached_validation):
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    good = graded_notebook("x = 1").cells[2]
    del good.metadata.nbgrader["score"]  # GetGrades adds it for the page; not part of the schema
    validator = MetadataValidatorV3()
    for _ in range(3):
        validator.validate_cell(good)
    assert len(cached_validation._validators) == 1  # one validator, built once
    bad = graded_notebook("x = 1").cells[2]
    del bad.metadata.nbgrader["score"]
    bad.metadata.nbgrader["points"] = "three"
    with pytest.raises(jsonschema.ValidationError) as ours:
        validator.validate_cell(bad)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(bad.metadata.nbgrader, validator.schema)
    assert ours.value.message == theirs.value.message and "'three'" in ours.value.message


@pytest.fixture
def engines(monkeypatch):
    import nbgrader.api

    from autograder.course.folder import prepare_nbgrader

    prepare_nbgrader()  # new gradebooks stamped in-process, as in the command
    monkeypatch.setattr(nbgrader.api, "create_engine", nbgrader.api.create_engine)  # restored after
    monkeypatch.setattr(warm, "_ENGINES", {})
    monkeypatch.setattr(warm, "_SCRATCH", set())
    warm.shared_engines()
    warm.shared_engines()  # idempotent
    yield nbgrader.api
    for engine in warm._ENGINES.values():
        engine.dispose()


def test_one_engine_per_gradebook_url_and_no_stale_gradebook_after_the_file_is_replaced(engines, tmp_path):
    import shutil

    private, first, second = tmp_path / "worker.sqlite", tmp_path / "alice.sqlite", tmp_path / "bob.sqlite"
    for path, student in ((first, "alice"), (second, "bob")):
        with engines.Gradebook(f"sqlite:///{path}") as book:
            book.add_student(student)
    url = f"sqlite:///{private}"
    seen = []
    for source in (first, second):  # what the worker does for each submission
        warm.fresh_engine(url)
        shutil.copyfile(source, private)
        with engines.Gradebook(url) as one, engines.Gradebook(url) as two:
            assert one.engine is two.engine
            seen.append([s.id for s in two.students])
        warm.fresh_engine(url)
        private.unlink()
    assert seen == [["alice"], ["bob"]]


def test_scratch_gradebooks_skip_disk_synchronisation_and_others_do_not(engines, tmp_path):
    from sqlalchemy import text

    scratch, course = f"sqlite:///{tmp_path / 'scratch.sqlite'}", f"sqlite:///{tmp_path / 'course.sqlite'}"
    warm.scratch_database(scratch)
    settings = {}
    for url in (scratch, course):
        with engines.Gradebook(url) as book:
            with book.engine.connect() as connection:
                settings[url] = (connection.execute(text("PRAGMA synchronous")).scalar(),
                                 connection.execute(text("PRAGMA journal_mode")).scalar())
    assert settings[scratch] == (0, "memory")
    assert settings[course] == (2, "delete")  # SQLite's defaults: FULL, a journal on disk
