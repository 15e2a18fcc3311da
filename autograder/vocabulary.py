"""What an assignment notebook grades, read from its nbgrader metadata alone.

Grade ids read ``<function>_<check>`` (``adam_step_first_step``): a test cell belongs to the
function whose name its grade id starts with (the longest such name, so ``adam_step_uncorrected_
rollout`` goes to ``adam_step_uncorrected``, not ``adam_step``). The functions are the ``def``
names in the solution cells, which the released notebook keeps as stubs. A graded cell of no
function (a written answer) stands for itself.

Light on purpose (``json`` and ``re`` only): the book's Exercises page imports it at build time.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


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


def column_of(grade_id: str, functions: list[str]) -> str:
    """The function a grade id ``<function>_<check>`` belongs to (the longest matching name),
    else the grade id itself."""
    matches = [f for f in functions if grade_id == f or grade_id.startswith(f + "_")]
    return max(matches, key=len) if matches else grade_id


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
