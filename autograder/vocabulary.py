"""The notebook's vocabulary: what the grader reads from, and writes into, an assignment notebook.

- **Grade ids** read ``<function>_<check>`` (``adam_step_first_step``): a test cell belongs to the
  function whose name its grade id starts with (the longest such name, so ``adam_step_uncorrected_
  rollout`` goes to ``adam_step_uncorrected``, not ``adam_step``, and a check name may have any
  number of words). The functions are the ``def`` names in the solution cells, which the released
  notebook keeps as stubs. A graded cell of no function (a written answer) stands for itself.
  :func:`function_of` is the one rule; every part of the grader that maps a grade id uses it.
- **Markers** of solution and hidden-test regions are nbgrader's own settings
  (``ClearSolutions.begin_solution_delimeter`` ..., ``ClearHiddenTests.begin_test_delimeter`` ...),
  read from the course's configuration by :func:`markers`; a line holds a marker when the
  delimiter occurs in it, as nbgrader decides.
- **Metadata keys** the grader adds to notebooks and cells (``NOTES_MARKER``, ``SUMMARY_MARKER``,
  ``SANDBOX_METADATA``, ``GRADER_CODE``).

Light on purpose (``json`` and ``re`` only; nbgrader is imported only to read markers): the book's
Exercises page imports it at build time.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)

#: Notebook cell metadata flag of the "Grading notes" cell intake puts on top of a repaired notebook.
NOTES_MARKER = "lossopt_grading_notes"
#: Notebook cell metadata flag of the score-per-function cell on top of a feedback notebook.
SUMMARY_MARKER = "lossopt_feedback_summary"
#: Notebook metadata key under which the sandbox reports how the notebook ran.
SANDBOX_METADATA = "lossopt_sandbox"
#: Code cell metadata flag: the grader wrote this cell's source (a collection cell), so the sandbox
#: may run it from a file instead of as typed input (see ``autograder.sandbox.execute``). Set while
#: a notebook is graded only; never in a notebook the grader writes out.
GRADER_CODE = "lossopt_grader_code"


@dataclass(frozen=True)
class Markers:
    """nbgrader's delimiters of solution and hidden-test regions (see :func:`markers`)."""

    begin_solution: str
    end_solution: str
    begin_hidden: str
    end_hidden: str

    def all(self) -> tuple[str, ...]:
        return (self.begin_solution, self.end_solution, self.begin_hidden, self.end_hidden)

    def is_hidden_test(self, source: str) -> bool:
        """Whether a test cell's source holds a hidden-test region."""
        return self.begin_hidden in source


def markers(config=None) -> Markers:
    """The delimiters nbgrader uses with ``config`` (a traitlets ``Config``, e.g. the course's
    nbgrader configuration; None: nbgrader's defaults), read from nbgrader's own
    ``ClearSolutions`` and ``ClearHiddenTests`` so that a course that sets its own is obeyed."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
    from traitlets.config import Config

    # a copy: ClearSolutions rewrites deprecated options of the config it is given
    config = copy.deepcopy(config) if config is not None else Config()
    solutions, hidden = ClearSolutions(config=config), ClearHiddenTests(config=config)
    return Markers(solutions.begin_solution_delimeter, solutions.end_solution_delimeter,
                   hidden.begin_test_delimeter, hidden.end_test_delimeter)


def regions(source: str, begin: str, end: str) -> list[tuple[int, int | None]]:
    """``(first, last)`` line indexes of each region of ``source`` from a line holding ``begin``
    to the next holding ``end`` (both included; ``last`` None when the region is never closed)."""
    found, start = [], None
    for index, line in enumerate(source.splitlines()):
        if start is None and begin in line:
            start = index
        elif start is not None and end in line:
            found.append((start, index))
            start = None
    if start is not None:
        found.append((start, None))
    return found


def _cells(path: Path) -> list[dict]:
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = cell.get("source", "")
        cell["source"] = "".join(source) if isinstance(source, list) else source
    return cells


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_functions(cells) -> list[str]:
    """``def`` names in the solution code cells of ``cells`` (dicts or nbformat nodes), in order."""
    names = []
    for cell in cells:
        if cell.get("cell_type") == "code" and _nbgrader(cell).get("solution"):
            source = cell.get("source", "")
            names.extend(DEF.findall("".join(source) if isinstance(source, list) else source))
    return list(dict.fromkeys(names))


def function_names(notebooks: list[Path]) -> list[str]:
    """The functions students write: ``def`` names in the solution cells, in notebook order."""
    return list(dict.fromkeys(name for path in notebooks for name in solution_functions(_cells(path))))


def function_of(grade_id: str, functions) -> str | None:
    """The function of ``functions`` a grade id ``<function>_<check>`` belongs to: the longest
    name the grade id starts with (followed by ``_``) or equals; None when it names none."""
    matches = [f for f in functions if grade_id == f or grade_id.startswith(f + "_")]
    return max(matches, key=len) if matches else None


def column_of(grade_id: str, functions) -> str:
    """The function a grade id belongs to (:func:`function_of`), else the grade id itself (a
    written answer, or a cell of no function, is a column of its own)."""
    return function_of(grade_id, functions) or grade_id


@dataclass
class GradedPart:
    """A function (or a written answer) and the graded cells that award its points."""

    name: str
    written: bool  # a manually graded answer, not a function
    cells: dict[str, float] = field(default_factory=dict)  # grade id -> points
    hidden: list[str] = field(default_factory=list)  # grade ids of the cells with no visible test

    @property
    def points(self) -> float:
        return sum(self.cells.values())


def graded_parts(notebook: Path) -> list[GradedPart]:
    """Every graded function and written answer of ``notebook``, in the order students meet them.

    A test cell counts as hidden when the notebook shows nothing of it but its docstring (the
    released form of a cell whose checks live in the grader).
    """
    functions = function_names([notebook])
    parts: dict[str, GradedPart] = {}
    for cell in _cells(notebook):
        meta = _nbgrader(cell)
        if not meta.get("grade"):
            continue
        grade_id = meta["grade_id"]
        written = cell.get("cell_type") == "markdown"
        name = grade_id if written else column_of(grade_id, functions)
        part = parts.setdefault(name, GradedPart(name, written))
        part.cells[grade_id] = float(meta.get("points") or 0)
        code = [line for line in cell["source"].strip().splitlines()[1:] if line.strip()]
        if not written and not code:
            part.hidden.append(grade_id)
    return list(parts.values())
