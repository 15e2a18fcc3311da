"""A class's submissions full of script payloads, graded by the grading command and opened as the
instructor and the student open them: the formgrader (a Jupyter server this test starts with
the course's configuration) and the feedback page, both in Chromium.

Nothing a student put in a notebook may run in either page: payloads in code outputs (HTML,
SVG, JavaScript, Markdown, LaTeX, a widget view, image metadata), in written answers and added
Markdown cells, in a cell attachment, in the notebook's and the cells' metadata, and in the file
names of the LMS download. Every payload reports itself with ``console.log``/``alert`` of
``student_markup.FIRED``; the test listens to every frame of each page for either. The honest
table and plot of the same submission must still show, and cleaning must not change a grade.
"""
import csv
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import student_markup  # noqa: E402
from grading_harness import REPO, solved_release  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")
from browser import CHROMIUM, free_port, jupyter_server, launch  # noqa: E402  (tools/, on the path by conftest)

ASSIGNMENT = "ce_vs_mse"
TOKEN = "markup-test-token"
JS = student_markup.JS
BAD_NAMES = [f'<img src=x onerror="{JS}">_{ASSIGNMENT}.ipynb', f"<script>{JS}</script>_{ASSIGNMENT}.ipynb"]

pytestmark = [
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap missing (make system-deps)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium missing (make system-deps)"),
]


def autograder(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("markup")
    root = base / "course"
    root.mkdir()
    for name in ("nbgrader_config.py", "jupyter_server_config.py"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    released = autograder("release", ASSIGNMENT, cwd=root)
    assert released.returncode == 0, released.stdout + released.stderr
    solved = solved_release(ASSIGNMENT)
    archive = base / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"markup_{ASSIGNMENT}.ipynb", nbformat.writes(student_markup.submission(solved)))
        zf.writestr(f"honest_{ASSIGNMENT}.ipynb", nbformat.writes(solved))
        for name in BAD_NAMES:
            zf.writestr(name, nbformat.writes(solved))
    run = autograder("grade", ASSIGNMENT, str(archive), "--jobs", "2", cwd=root)
    assert (root / "grades" / ASSIGNMENT / "grades.csv").exists(), run.stdout + run.stderr
    return SimpleNamespace(root=root, run=run)


def test_cleaning_changes_no_grade(graded):
    with open(graded.root / "grades" / ASSIGNMENT / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert {"markup", "honest"} <= set(rows)
    assert rows["markup"]["total"] == rows["honest"]["total"], (rows["markup"], rows["honest"])
    assert float(rows["honest"]["total"]) > 0


def test_the_stored_notebook_holds_no_runnable_markup(graded):
    path = graded.root / "autograded" / "markup" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert not student_markup.runnable_markup_in_notebook(notebook)
    assert set(notebook.metadata) <= {"kernelspec", "language_info"}
    text = path.read_text()
    assert student_markup.HONEST_TABLE_TEXT in text and '"image/png"' in text


class Watch:
    """Every console message and dialog of a page and its frames, and the policy it was served with."""

    def __init__(self, page):
        self.messages = []
        page.on("console", lambda message: self.messages.append(message.text))
        page.on("dialog", lambda dialog: (self.messages.append("dialog: " + dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.messages.append("pageerror: " + str(error)))

    def fired(self):
        return [m for m in self.messages if student_markup.FIRED in m]


def exercise(page):
    """Do what a reader does: hover over links, images and drawings, open what folds, click the
    links that do not leave the page."""
    page.wait_for_timeout(500)
    for element in page.query_selector_all("a, img, svg, details, summary")[:200]:
        try:
            element.hover(timeout=300)
            href = (element.get_attribute("href") or "").strip().lower()
            # a link that runs rather than goes somewhere (the page's own links would leave it)
            if element.evaluate("e => e.tagName") == "A" and (not href or href.startswith("javascript")):
                element.click(timeout=300, no_wait_after=True)
        except Exception:  # hidden or detached elements: nothing to do
            pass
    page.wait_for_timeout(500)


def read_as_a_person(url, *, honest=True, login=None):
    """Open ``url`` (after ``login``, a URL that logs the browser in), read it as a person would;
    what fired, and what of the honest content shows."""
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        if login:
            page.goto(login)
        watch = Watch(page)
        response = page.goto(url)
        page.wait_for_load_state("networkidle", timeout=30000)
        exercise(page)
        if os.environ.get("LOSSOPT_SCREENSHOTS"):  # for a person checking what the test saw
            page.screenshot(path=os.path.join(os.environ["LOSSOPT_SCREENSHOTS"],
                                              url.split("?")[0].rstrip("/").replace("/", "_")[-60:] + ".png"),
                            full_page=True)
            Path(os.environ["LOSSOPT_SCREENSHOTS"], "last.html").write_text(page.content())
        seen = SimpleNamespace(
            fired=watch.fired(), messages=watch.messages, text=page.inner_text("body"),
            table=page.get_by_text(student_markup.HONEST_TABLE_TEXT).first.is_visible() if honest else None,
            images=page.evaluate("() => [...document.images].filter(i => i.complete && i.naturalWidth > 50).length"),
            score_inputs=page.locator("input.score").count(),
            api_status=page.evaluate("() => fetch('/formgrader/api/assignments').then(r => r.status, e => 0)"),
            policy=response.headers.get("content-security-policy", "") if response else "")
        browser.close()
    return seen


def test_the_feedback_page_runs_no_student_script_and_shows_the_honest_content(graded):
    page_path = graded.root / "feedback" / "markup" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert '<meta http-equiv="Content-Security-Policy"' in page_path.read_text().split("<title>")[0]
    seen = read_as_a_person(page_path.as_uri())
    assert not seen.fired, seen.messages
    assert seen.table and seen.images >= 1


def test_the_report_shows_hostile_file_names_as_text(graded):
    seen = read_as_a_person((graded.root / "grades" / ASSIGNMENT / "report.html").as_uri(), honest=False)
    assert not seen.fired, seen.messages
    assert "onerror" in seen.text  # the rejected name is listed, as text


@pytest.fixture(scope="module")
def formgrader(graded):
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(graded.root / ".jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(graded.root / ".jupyter-runtime"))
    command = [str(Path(sys.executable).parent / "jupyter"), "server", "--config=jupyter_server_config.py",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}", "--ServerApp.open_browser=False",
               f"--ServerApp.root_dir={graded.root}", "--ServerApp.allow_root=True"]
    with jupyter_server(command, token=TOKEN, port=port, log_path=graded.root / "jupyter.log",
                        cwd=graded.root, env=env, timeout=60) as url:
        yield SimpleNamespace(url=url, root=graded.root)


def _submission_id(root, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "lossopt") as gradebook:
        return gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).id


def test_the_formgrader_runs_no_student_script_and_still_grades(formgrader):
    submission = _submission_id(formgrader.root, "markup")
    seen = read_as_a_person(f"{formgrader.url}/formgrader/submissions/{submission}",
                            login=f"{formgrader.url}/formgrader?token={TOKEN}")
    assert not seen.fired, seen.messages
    assert seen.table and seen.images >= 1
    # the page still works: grading inputs are there and its own script reaches the server's API
    assert seen.score_inputs >= 1 and seen.api_status == 200
    assert "object-src 'none'" in seen.policy and "connect-src 'self'" in seen.policy


def test_jupyterlab_still_works_under_the_formgrader_policy(formgrader):
    """The policy is for the whole server: the instructor's JupyterLab must start under it."""
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        violations = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{formgrader.url}/lab?token={TOKEN}")
        page.wait_for_selector(".jp-LabShell", timeout=60000)
        page.wait_for_selector(".jp-DirListing-item", timeout=60000)  # the file browser lists the course
        if os.environ.get("LOSSOPT_SCREENSHOTS"):
            page.screenshot(path=os.path.join(os.environ["LOSSOPT_SCREENSHOTS"], "lab.png"))
        browser.close()
    assert not violations, violations
