"""What a student sees: the verdicts of a released notebook's visible tests in a plain kernel.

No grader, no sandbox: the notebook runs top to bottom in an ordinary ``python3`` kernel
(nbclient), as after *Restart & Run All*, with the solution (or a submission variant) in its
solution cells. A visible test cell *fails* when it ends in an error. Used by
``test_visible_tests_catch_mistakes.py`` and ``benchmarks/visible_catch_rate.py``.
"""
import ast
import atexit
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from grading_harness import REPO, replace_functions, solved_release, variants


def visible_test_cells(notebook):
    """Grade ids of the autograded test cells that show code (not only a hidden test's docstring)."""
    found = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            if any(line.strip() for line in cell.source.strip().splitlines()[1:]):
                found.append(meta["grade_id"])
    return found


class PlainKernel:
    """One ordinary ``python3`` kernel importing ``lossopt`` from ``root``, kept for many runs.

    Starting a kernel and importing NumPy, matplotlib and ``lossopt`` is most of the cost of a
    run; the notebooks' own cells take a fraction of a second. Between runs the user namespace
    is cleared (``%reset -f``) and the working folder emptied, so a run sees what *Restart & Run
    All* gives it, except that modules already imported stay imported: :func:`run_variant` uses a
    kept kernel only for variants that do nothing but define functions (they cannot change a
    module), and a fresh kernel for anything else.
    """

    def __init__(self, root=REPO, timeout=120):
        self.root, self.timeout = Path(root), timeout
        self._client = None

    def _start(self):
        self.folder = tempfile.TemporaryDirectory(prefix="visible-")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(self.root)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])),
            MPLBACKEND="Agg")
        client = NotebookClient(nbformat.v4.new_notebook(), timeout=self.timeout, allow_errors=True,
                                kernel_name="python3", resources={"metadata": {"path": self.folder.name}})
        client.km = client.create_kernel_manager()
        client.start_new_kernel(env=env, cwd=self.folder.name)
        client.start_new_kernel_client()
        self._client = client

    def run(self, notebook):
        """Execute every code cell of ``notebook`` in order (outputs stored in it)."""
        if self._client is None:
            self._start()
        else:
            for entry in Path(self.folder.name).iterdir():
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        client = self._client
        client.nb = notebook
        client.reset_execution_trackers()
        reset = nbformat.v4.new_code_cell(f"%reset -f\nimport os; os.chdir({self.folder.name!r})")
        client.execute_cell(reset, 0, store_history=False)
        if any(o.get("output_type") == "error" for o in reset.outputs):
            raise RuntimeError(f"could not reset the kernel: {reset.outputs}")
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        return notebook

    def close(self):
        if self._client is not None:
            self._client._cleanup_kernel()
            self.folder.cleanup()
            self._client = None


_KEPT = {}  # root -> PlainKernel, for the whole test session


def _kept_kernel(root):
    root = Path(root).resolve()
    if root not in _KEPT:
        _KEPT[root] = PlainKernel(root)
        atexit.register(_KEPT[root].close)
    return _KEPT[root]


def failing_visible_cells(notebook, root=REPO, kernel=None):
    """``{grade_id: error}`` of the visible test cells that raise when ``notebook`` is run in a
    plain kernel that imports ``lossopt`` from ``root`` (``kernel``: a kept
    :class:`PlainKernel`; default, a fresh one for this run)."""
    visible = set(visible_test_cells(notebook))
    if kernel is None:
        kernel = PlainKernel(root)
        try:
            kernel.run(notebook)
        finally:
            kernel.close()
    else:
        kernel.run(notebook)
    failures = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in visible:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                failures[grade_id] = f"{errors[0].get('ename')}: {errors[0].get('evalue')}"
    return failures


def only_defines_functions(code):
    """Whether ``code``'s top level holds nothing but imports and function definitions."""
    return all(isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom))
               or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
               for node in ast.parse(code).body)


def mistakes(assignment):
    """The plausible mistakes of ``assignment``: its ``tests/wrong_submissions`` variants."""
    return variants("wrong_submissions", assignment)


def run_variant(assignment, code, root=REPO):
    """Failing visible cells of the release in ``root`` solved, with ``code``'s functions in it.

    A kernel is kept per ``root`` for the solution and for variants that only define functions;
    any other variant gets a kernel of its own."""
    notebook = solved_release(assignment, root)
    if code is not None:
        notebook = replace_functions(notebook, code)
    kept = code is None or only_defines_functions(code)
    return failing_visible_cells(notebook, root, _kept_kernel(root) if kept else None)


def assignments(root=REPO):
    return sorted(p.name for p in (Path(root) / "solutions").iterdir()
                  if (p / f"{p.name}.ipynb").is_file())
