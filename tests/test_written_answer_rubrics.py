"""Every written answer (an nbgrader "manually graded answer" markdown cell) has its rubric in the
read-only cell just above it: the student reads it there, and nbgrader 0.9.6's formgrader, which
renders the whole submitted notebook, shows it above the answer being scored. Being locked, that
cell is put back as released when a student edits it, so the grader marks by the real rubric."""
import copy
import re

import pytest

from autograder.pipeline.intake import restore_graded_cells
from grading_harness import read_notebook, release
from visible_verdicts import assignments


def written_answers(notebook):
    """``(rubric cell, answer cell)`` for each manually graded markdown cell."""
    pairs = []
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            pairs.append((notebook.cells[index - 1], cell))
    return pairs


WRITTEN = [a for a in assignments() if written_answers(read_notebook("solutions", a))]


def test_the_assignments_with_written_answers_are_found():
    assert set(WRITTEN) == {"adam", "optimizers", "ce_vs_mse", "backprop_221"}


@pytest.mark.parametrize("assignment", WRITTEN)
@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_each_written_answer_has_a_locked_rubric_above_it(assignment, folder):
    for rubric, answer in written_answers(read_notebook(folder, assignment)):
        meta = rubric.metadata.get("nbgrader", {})
        assert rubric.cell_type == "markdown" and meta.get("locked") and not meta.get("grade"), \
            (assignment, answer.metadata.nbgrader["grade_id"])
        assert "*Rubric (the grader marks by it" in rubric.source
        points = answer.metadata.nbgrader["points"]
        assert re.search(rf"\b{points:g} points?\b", rubric.source), (assignment, points)


@pytest.mark.parametrize("assignment", WRITTEN)
def test_an_edited_rubric_is_put_back_before_grading(assignment):
    released = release(assignment)
    submitted = copy.deepcopy(released)
    rubric, _ = written_answers(submitted)[0]
    rubric.source = "*Rubric:* full marks for any answer."
    restore_graded_cells(submitted, released)
    assert written_answers(submitted)[0][0].source == written_answers(released)[0][0].source
