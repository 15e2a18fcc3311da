"""Whole-notebook hostile cases: each function takes the correct notebook (nbformat node, solved
release) and returns the bytes of the submitted file. The docstring's ``loses:`` line lists the
grade ids the case must lose (none: full marks)."""
import copy
import json

import nbformat


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _bytes(notebook):
    return nbformat.writes(notebook).encode("utf-8")


def nbformat_4_4(notebook):
    """The notebook saved by an older Jupyter: nbformat 4.4, cells without ids.

    loses:
    """
    raw = json.loads(nbformat.writes(notebook))
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        cell.pop("id", None)
    return json.dumps(raw, indent=1).encode("utf-8")


def non_utf8(notebook):
    """A notebook saved as Windows-1252 text, with accented comments in the code.

    loses:
    """
    notebook = copy.deepcopy(notebook)
    cell = _cell(notebook, "sigmoid_solution")
    cell.source = "# café, naïve, déjà vu: sigmoïde\n" + cell.source
    return json.dumps(notebook, ensure_ascii=False, indent=1).encode("cp1252")


def deleted_test_cell(notebook):
    """The hidden test of sigmoid and a visible test of softmax deleted: the checks still run.

    loses:
    """
    notebook = copy.deepcopy(notebook)
    for grade_id in ("sigmoid_hidden", "softmax_values"):
        notebook.cells.remove(_cell(notebook, grade_id))
    return _bytes(notebook)


def deleted_solution_cell(notebook):
    """The cell defining bce_grad deleted: its checks fail, nothing else changes.

    loses: bce_grad_values bce_grad_hidden
    """
    notebook = copy.deepcopy(notebook)
    notebook.cells.remove(_cell(notebook, "bce_grad_solution"))
    return _bytes(notebook)


def duplicated_cells(notebook):
    """The sigmoid cell duplicated below itself with a wrong body (the later one runs last), and
    a softmax test cell duplicated (it still counts once).

    loses: sigmoid_values sigmoid_hidden
    """
    notebook = copy.deepcopy(notebook)
    sigmoid = _cell(notebook, "sigmoid_solution")
    wrong = copy.deepcopy(sigmoid)
    wrong.source = "def sigmoid(z):\n    return z"
    wrong["id"] = "dup-sigmoid"
    notebook.cells.insert(notebook.cells.index(sigmoid) + 1, wrong)
    test = _cell(notebook, "softmax_values")
    twin = copy.deepcopy(test)
    twin["id"] = "dup-softmax-test"
    notebook.cells.insert(notebook.cells.index(test) + 1, twin)
    return _bytes(notebook)


def everything_twice_returning_zero(notebook):
    """Every graded cell twice, nbformat 4.4 without cell ids, every function returning 0.0.

    No check may pass on any draw: a constant meets no hidden case (every check also holds a
    case whose answer is far from 0), and a copy of a test cell is not graded.

    loses: all
    """
    import ast

    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "\n".join(
                f"def {node.name}({ast.unparse(node.args)}):\n    return 0.0\n"
                for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef))
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.metadata.get("nbgrader", {}).get("grade_id"):
            cells.append(copy.deepcopy(cell))
    notebook.cells = cells
    raw = json.loads(json.dumps(notebook))  # duplicate ids: nbformat.writes would renumber them
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        cell.pop("id", None)
    return json.dumps(raw, indent=1).encode("utf-8")


def renamed_cells(notebook):
    """The bce_loss solution cell and one of its test cells given new grade ids.

    loses:
    """
    notebook = copy.deepcopy(notebook)
    _cell(notebook, "bce_loss_solution").metadata.nbgrader["grade_id"] = "my_bce_loss"
    _cell(notebook, "bce_loss_values").metadata.nbgrader["grade_id"] = "bce_loss_values_copy"
    return _bytes(notebook)


def points_raised(notebook):
    """A test cell's points raised from 1 to 100, and a wrong softmax.

    loses: softmax_values softmax_stable softmax_hidden
    """
    notebook = copy.deepcopy(notebook)
    _cell(notebook, "sigmoid_values").metadata.nbgrader["points"] = 100
    _cell(notebook, "softmax_solution").source = "def softmax(z):\n    return z"
    return _bytes(notebook)


def test_marked_as_solution(notebook):
    """Test cells marked as solution cells (unlocked, their code editable) and their code
    replaced, with a wrong cross_entropy_grad.

    loses: cross_entropy_grad_values cross_entropy_grad_hidden
    """
    notebook = copy.deepcopy(notebook)
    for grade_id in ("cross_entropy_grad_values", "cross_entropy_grad_hidden"):
        cell = _cell(notebook, grade_id)
        cell.metadata.nbgrader.update(solution=True, locked=False)
        cell.source = 'print("passed")'
    _cell(notebook, "cross_entropy_grad_solution").source = (
        "def cross_entropy_grad(z, labels, label_smoothing=0.0):\n    return z")
    return _bytes(notebook)


def solution_marked_as_test(notebook):
    """A solution cell turned into a test cell worth 50 points, and a new graded cell 'bonus'.

    loses:
    """
    notebook = copy.deepcopy(notebook)
    _cell(notebook, "softmax_solution").metadata.nbgrader.update(grade=True, solution=False,
                                                                   points=50)
    bonus = nbformat.v4.new_code_cell("pass")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "locked": False,
                                  "points": 50, "schema_version": 3, "solution": False}
    notebook.cells.append(bonus)
    return _bytes(notebook)


def markup_everywhere(notebook):
    """Script payloads in outputs, written answers, attachments and metadata (none may run).

    loses:
    """
    import student_markup  # tests/: the payloads the cleaner's and the browser tests share

    return _bytes(student_markup.submission(notebook))


CASES = [nbformat_4_4, non_utf8, deleted_test_cell, deleted_solution_cell, duplicated_cells,
         everything_twice_returning_zero,
         renamed_cells, points_raised, test_marked_as_solution, solution_marked_as_test,
         markup_everywhere]
