"""Grade many submissions of one assignment with the real `nbgrader autograde`, in one run.

Used by the assignment tests, the grading-machinery tests and the sandbox tests::

    from grading_harness import grade, standard_run, solved_release

    run = standard_run("ce_vs_mse")             # solution, release, wrong/valid variants, forgeries
    run.total("solution") == run.max_total       # autograded points
    run.scores["wrong-bce_grad_no_mean"]["bce_grad_values"]  # -> (score, max_score)

    run = grade("losses", {"alice": notebook, "bob": other_notebook})   # any submissions

``grade`` copies ``nbgrader_config.py`` and ``solutions/<assignment>`` into a temporary course
folder, generates the release there with ``nbgrader generate_assignment``, places each
submission in ``submitted/<student>/<assignment>/``, runs ``nbgrader autograde`` once for all
students, and reads the per-grade-id scores from that course's gradebook.

Submission variants are data: ``tests/wrong_submissions/<assignment>/*.py`` (each loses the points
of the grade ids its docstring lists after ``loses:``, and only those) and
``tests/alternative_submissions/<assignment>/*.py`` (valid alternatives: full marks). Each file
holds replacement function definitions; every other function keeps the solution's code.
"""
import ast
import atexit
import copy
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.vocabulary import markers

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class GradingRun:
    assignment: str
    course: Path
    scores: dict          # student -> {grade_id: (auto_score, max_score)}
    manual: dict          # student -> {grade_id: max_score} of cells graded by hand
    log: str

    @property
    def max_total(self):
        any_student = next(iter(self.scores.values()))
        return sum(max_score for _, max_score in any_student.values())

    def total(self, student):
        return sum(score or 0.0 for score, _ in self.scores[student].values())

    def lost(self, student):
        """Grade ids where ``student`` scored less than the maximum."""
        return {gid for gid, (score, max_score) in self.scores[student].items()
                if (score or 0.0) < max_score}

    def autograded(self, student):
        path = self.course / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        return nbformat.read(path, as_version=4)

    def message(self, student, grade_id):
        """The verdict text the grader wrote into a test cell of ``student``'s notebook."""
        for cell in self.autograded(student).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return "\n".join(o.get("text", "") or o.get("evalue", "") for o in cell.get("outputs", []))
        raise KeyError(grade_id)


def nbgrader(args, cwd, log_path):
    """Run an nbgrader command in ``cwd``; its output goes to ``log_path``; raise if it fails."""
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    with open(log_path, "a") as log:
        result = subprocess.run([str(VENV_BIN / "nbgrader"), *args], cwd=cwd, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed (exit {result.returncode}); "
                           f"log: {Path(log_path).read_text()[-4000:]}")


_GENERATED = {}  # assignment -> a release generated in this session from the current source

# Where a test session keeps each assignment's freshly generated course (set by conftest.py for
# the whole session, every xdist worker included). `nbgrader generate_assignment` costs seconds
# and gives the same course folder every time within a session, so it runs once per assignment
# and every later course is a copy; outside a test session, each course is generated.
SHARED_COURSES = "LOSSOPT_TEST_COURSES"


def _generate(assignment, root):
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO / "solutions" / assignment, root / "solutions" / assignment)
    nbgrader(["generate_assignment", assignment, "--force"], root, root / "nbgrader.log")


def _generated_once(assignment, shared):
    """The session's generated course for ``assignment`` (made by whichever worker asks first)."""
    import fcntl

    folder = Path(shared) / assignment
    with open(Path(shared) / f"{assignment}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # the other workers wait for the first one's course
        if not folder.is_dir():
            partial = Path(shared) / f"{assignment}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            _generate(assignment, partial)
            partial.rename(folder)
    return folder


def make_course(assignment, root=None):
    """A private course folder holding the config and the assignment's source, release generated
    (its gradebook knows the assignment, as after `nbgrader generate_assignment`)."""
    root = Path(root or tempfile.mkdtemp(prefix=f"grading-{assignment}-"))
    shared = os.environ.get(SHARED_COURSES)
    if shared:
        shutil.copytree(_generated_once(assignment, shared), root, dirs_exist_ok=True)
    else:
        _generate(assignment, root)
    _GENERATED[assignment] = (root / "exercises" / assignment / f"{assignment}.ipynb").read_text()
    return root


def fresh_release(assignment):
    """Text of the release `nbgrader generate_assignment` makes now (reused within a session)."""
    if assignment not in _GENERATED:
        root = Path(tempfile.mkdtemp(prefix=f"release-{assignment}-"))
        atexit.register(shutil.rmtree, root, True)
        make_course(assignment, root)
    return _GENERATED[assignment]


def grade(assignment, submissions, root=None, extra_args=()):
    """Autograde ``{student: notebook}`` in one nbgrader run; return a :class:`GradingRun`."""
    from nbgrader.api import Gradebook

    course = make_course(assignment, root)
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{assignment}.ipynb")
    nbgrader(["autograde", assignment, *extra_args], course, course / "nbgrader.log")
    scores, manual = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "lossopt") as gradebook:
        for student in submissions:
            submission = gradebook.find_submission(assignment, student)
            scores[student], manual[student] = {}, {}
            for notebook in submission.notebooks:
                for grade_ in notebook.grades:
                    if grade_.cell_type == "markdown":
                        manual[student][grade_.name] = grade_.max_score
                    else:
                        scores[student][grade_.name] = (grade_.auto_score, grade_.max_score)
    return GradingRun(assignment, course, scores, manual, (course / "nbgrader.log").read_text())


# ---------------------------------------------------------------- building submissions

def read_notebook(folder, assignment, root=REPO):
    return nbformat.read(Path(root) / folder / assignment / f"{assignment}.ipynb", as_version=4)


def release(assignment, root=REPO):
    """The committed release notebook, as a student receives it (``root``: another checkout)."""
    return read_notebook("exercises", assignment, root)


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _is_solution_code(cell):
    return cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution", False)


def solved_release(assignment, root=REPO):
    """The release with every solution cell filled in with the instructor's solution."""
    solutions = {_grade_id(c): c.source for c in read_notebook("solutions", assignment, root).cells
                 if _is_solution_code(c)}
    notebook = release(assignment, root)
    for cell in notebook.cells:
        if _is_solution_code(cell):
            delimiters = markers()
            cell.source = "\n".join(line for line in solutions[_grade_id(cell)].splitlines()
                                    if delimiters.begin_solution not in line
                                    and delimiters.end_solution not in line)
    return notebook


def _defined_functions(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    return {node.name: ast.get_source_segment(source, node) for node in tree.body
            if isinstance(node, ast.FunctionDef)}


def replace_functions(notebook, code):
    """A copy of ``notebook`` where each function ``code`` defines replaces the solution cell
    defining it. Top-level statements of ``code`` other than functions (imports, helpers) go at
    the top of the first replaced cell."""
    notebook = copy.deepcopy(notebook)
    tree = ast.parse(code)
    functions = {node.name: ast.get_source_segment(code, node) for node in tree.body
                 if isinstance(node, ast.FunctionDef)}
    preamble = "\n".join(ast.get_source_segment(code, node) for node in tree.body
                         if not isinstance(node, ast.FunctionDef)
                         and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)))
    missing = set(functions)
    for cell in notebook.cells:
        if not _is_solution_code(cell):
            continue
        defined = set(_defined_functions(cell.source)) & missing
        if defined:
            parts = [preamble] if preamble and missing == set(functions) else []
            cell.source = "\n\n".join(parts + [functions[name] for name in sorted(defined)])
            missing -= defined
    if missing:
        raise ValueError(f"no solution cell defines {sorted(missing)}")
    return notebook


def insert_code_cell(notebook, source, index=0):
    notebook = copy.deepcopy(notebook)
    notebook.cells.insert(index, nbformat.v4.new_code_cell(source))
    return notebook


def solution_function_names(assignment):
    names = []
    for cell in read_notebook("solutions", assignment).cells:
        if _is_solution_code(cell):
            names += list(_defined_functions(cell.source))
    return names


@dataclass
class Variant:
    name: str
    code: str
    loses: set


def variants(kind, assignment):
    """The submission variants in ``tests/<kind>/<assignment>/*.py``."""
    folder = TESTS / kind / assignment
    found = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        code = path.read_text()
        doc = ast.get_docstring(ast.parse(code)) or ""
        match = re.search(r"^loses:\s*(.*)$", doc, re.MULTILINE)
        loses = set(match.group(1).split()) if match else set()
        found.append(Variant(path.stem, code, loses))
    return found


# ---------------------------------------------------------------- standard forgeries

# Each forgery is placed in a cell at the top of the release as shipped (nothing implemented), so
# every point it could earn would be a point it did not compute.
FORGERIES = {
    "forge-empty-later-cells": """
        # An IPython input transformer that empties every later cell, tests included.
        get_ipython().input_transformers_post.append(lambda lines: [])
    """,
    "forge-replace-asserts": """
        # Replace the checking helpers and numpy's assertions by functions that always pass.
        import builtins, numpy.testing, lossopt.checking
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.testing.assert_array_almost_equal = lambda *a, **k: None
        lossopt.checking.expect_close = lambda *a, **k: print("ok")
        builtins.AssertionError = type("Never", (Exception,), {})
        builtins.NotImplementedError = type("Quiet", (Exception,), {})
    """,
    "forge-fake-results": """
        # Rewrite every later cell to print 'passed' and publish forged results (each function
        # "returns" its first input) under the nonce read from the grading cell itself.
        import ast, json, re
        def _forge(lines):
            source = "".join(lines)
            found = re.search(r"_collect\\(('.*')\\)", source)
            if not found:
                return lines
            payload = json.loads(ast.literal_eval(found.group(1)))
            results = [[{"value": call["args"][0] if call["args"] else {"none": True},
                         "args_after": call["args"], "kwargs_after": call["kwargs"]}
                        for call in case] for case in payload["cases"]]
            forged = {"application/x-lossopt-results+json": {"nonce": payload["nonce"], "results": results}}
            return [f"print('passed')\\nfrom IPython.display import display\\ndisplay({forged!r}, raw=True)\\n"]
        get_ipython().input_transformers_post.append(_forge)
    """,
}

NOISE = """
# Every graded function prints, writes to stderr and warns on each call; results stay right.
import functools as _functools, sys as _sys, warnings as _warnings
def _noisy(function):
    @_functools.wraps(function)
    def wrapper(*args, **kwargs):
        print(f"debug: {function.__name__} called")
        print("note on stderr", file=_sys.stderr)
        _warnings.warn(f"{function.__name__}: just a warning")
        return function(*args, **kwargs)
    return wrapper
"""


def noisy_solution(assignment):
    """The solution, with every graded function wrapped to print, write to stderr and warn."""
    notebook = insert_code_cell(solved_release(assignment), NOISE)
    for cell in notebook.cells:
        if _is_solution_code(cell):
            names = _defined_functions(cell.source)
            cell.source += "".join(f"\n{name} = _noisy({name})" for name in names)
    return notebook


def without_test_cells(notebook):
    """``notebook`` with every autograded test cell deleted."""
    notebook = copy.deepcopy(notebook)
    notebook.cells = [c for c in notebook.cells if not (
        c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution"))]
    return notebook


def standard_submissions(assignment):
    """Solution, release, noisy solution, the solution and the release with their test cells
    deleted, every wrong/valid variant and every forgery."""
    import textwrap

    solved = solved_release(assignment)
    submissions = {"solution": solved, "release": release(assignment),
                   "noisy": noisy_solution(assignment),
                   "deleted-test-cells": without_test_cells(solved),
                   "forge-deleted-test-cells": without_test_cells(release(assignment))}
    for variant in variants("wrong_submissions", assignment):
        submissions[f"wrong-{variant.name}"] = replace_functions(solved, variant.code)
    for variant in variants("alternative_submissions", assignment):
        submissions[f"valid-{variant.name}"] = replace_functions(solved, variant.code)
    for name, code in FORGERIES.items():
        submissions[name] = insert_code_cell(release(assignment), textwrap.dedent(code).strip())
    return submissions


@functools.lru_cache(maxsize=None)
def standard_run(assignment):
    """One nbgrader run over :func:`standard_submissions`, shared by every test in the session."""
    root = Path(tempfile.mkdtemp(prefix=f"grading-{assignment}-"))
    atexit.register(shutil.rmtree, root, True)
    return grade(assignment, standard_submissions(assignment), root)


# ---------------------------------------------------------------- the tests every assignment gets

def graded_test_cells(assignment, hidden=None):
    """``(grade_id, source)`` of the autograded test cells of the solution notebook."""
    found = []
    for cell in read_notebook("solutions", assignment).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            is_hidden = markers().is_hidden_test(cell.source)
            if hidden is None or hidden == is_hidden:
                found.append((meta["grade_id"], cell.source))
    return found


def _same(a, b):
    import numpy as np
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


class AssignmentGradingTests:
    """Subclass as ``class TestX(AssignmentGradingTests): assignment = "x"`` to get the proofs
    every graded assignment owes: full marks for the solution (also when it prints, warns and
    writes to stderr) and for valid alternatives, 0 for the release as shipped and for forgeries,
    each wrong variant losing exactly the grade ids it declares, visible cells that agree with the
    reference and the registry, and feedback that shows no hidden test."""

    assignment = None

    @property
    def run(self):
        return standard_run(self.assignment)

    def test_solution_scores_full_marks(self):
        assert self.run.lost("solution") == set(), {
            gid: self.run.message("solution", gid) for gid in self.run.lost("solution")}
        assert self.run.max_total > 0

    def test_release_as_shipped_scores_zero(self):
        assert self.run.total("release") == 0
        assert self.run.lost("release") == set(self.run.scores["release"])

    def test_noise_on_stdout_stderr_and_warnings_keeps_full_marks(self):
        assert self.run.lost("noisy") == set(), {
            gid: self.run.message("noisy", gid) for gid in self.run.lost("noisy")}

    def test_deleted_test_cells_are_put_back_and_judged(self):
        assert self.run.lost("deleted-test-cells") == set(), {
            gid: self.run.message("deleted-test-cells", gid) for gid in self.run.lost("deleted-test-cells")}

    def test_forgeries_earn_nothing(self):
        for name in [*FORGERIES, "forge-deleted-test-cells"]:
            assert self.run.total(name) == 0, (name, self.run.scores[name])

    def test_each_wrong_submission_loses_exactly_its_function(self):
        found = variants("wrong_submissions", self.assignment)
        assert found, "no wrong submissions declared"
        problems = {}
        for variant in found:
            lost = self.run.lost(f"wrong-{variant.name}")
            if not variant.loses or lost != variant.loses:
                problems[variant.name] = {"declared": sorted(variant.loses), "lost": sorted(lost)}
        assert not problems, problems

    def test_wrong_submission_messages_say_expected_and_got(self):
        for variant in variants("wrong_submissions", self.assignment):
            for grade_id in variant.loses:
                message = self.run.message(f"wrong-{variant.name}", grade_id)
                assert message.strip() and "passed" not in message, (variant.name, grade_id, message)
                assert any(word in message for word in ("expected", "modified", "should")), message

    def test_valid_alternatives_score_full_marks(self):
        found = variants("alternative_submissions", self.assignment)
        assert found, "no valid alternatives declared"
        for variant in found:
            student = f"valid-{variant.name}"
            assert self.run.lost(student) == set(), {
                gid: self.run.message(student, gid) for gid in self.run.lost(student)}

    def test_every_test_cell_has_a_declared_check(self):
        from autograder.checks import checks_for
        declared = checks_for(self.assignment)
        cells = {gid for gid, _ in graded_test_cells(self.assignment)}
        assert cells == set(declared), {"no check": cells - set(declared),
                                        "no cell": set(declared) - cells}

    def test_test_cells_open_with_a_check_docstring(self):
        for grade_id, source in graded_test_cells(self.assignment):
            assert source.startswith('"""Check that ') and source.splitlines()[0].endswith('"""'), grade_id

    def test_visible_cells_agree_with_the_reference_and_the_registry(self, monkeypatch):
        import numpy as np

        import autograder.reference as reference
        import lossopt.checking
        from autograder.checks import checks_for

        checks = checks_for(self.assignment)
        recorded = []
        real = lossopt.checking.expect_close

        def recording(function, *args, expected, **options):
            recorded.append((function.__name__, args, {k: v for k, v in options.items()
                                                       if k not in ("rtol", "atol")}))
            return real(function, *args, expected=expected, **options)

        monkeypatch.setattr(lossopt.checking, "expect_close", recording)
        functions = {name: getattr(reference, name) for name in reference.__all__}
        for grade_id, source in graded_test_cells(self.assignment, hidden=False):
            recorded.clear()
            exec(source, {"np": np, **functions})  # fails if an expected value is not the reference's
            declared = [(call.function, call.args, dict(call.kwargs))
                        for case in checks[grade_id].cases(np.random.default_rng(0)) for call in case.calls]
            assert _same(recorded, declared), (grade_id, recorded, declared)

    def test_feedback_shows_no_hidden_test_or_grading_code(self):
        hidden = {gid for gid, _ in graded_test_cells(self.assignment, hidden=True)}
        notebook = self.run.autograded("solution")
        for cell in notebook.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in hidden:
                assert not markers().is_hidden_test(cell.source) and "_collect" not in cell.source, gid
            assert "_lossopt_grading_cell" not in cell.source
