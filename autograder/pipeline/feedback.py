"""What students see in their feedback: a score per function on top, their own notebook with each
visible check's verdict (expected vs got), and nothing of the hidden tests or the solutions.

nbgrader's ``generate_feedback`` renders the autograded notebook as it is. By then
``JudgeChecks`` has replaced every judged test cell's outputs with its verdict and every hidden
test cell's source with a neutral line, and solution cells hold the student's own code. Two gaps
remain, closed here by :class:`FeedbackForStudents` (a preprocessor for
``GenerateFeedback.preprocessors``, after ``GetGrades``):

- a test cell nbgrader did not judge (one a student re-flagged as a solution cell and nbgrader
  kept so) still carries its hidden-test source: every hidden-test region (nbgrader's
  ``ClearHiddenTests`` delimiters) is cut;
- the scores are spread over many test cells: a table of points per function is put on top.
"""
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor

from ..vocabulary import SUMMARY_MARKER, column_of, markers, regions, solution_functions

HIDDEN_LINE = "# hidden test: judged by the grader"


def strip_hidden_tests(source, delimiters=None):
    """``source`` with every hidden-test region (``delimiters``: a
    :class:`~autograder.vocabulary.Markers`, nbgrader's defaults when None) replaced by one
    neutral line; a region never closed is cut to the end."""
    delimiters = delimiters or markers()
    lines = source.splitlines(keepends=True)
    for first, last in reversed(regions(source, delimiters.begin_hidden, delimiters.end_hidden)):
        closed = last is not None
        lines[first:(last + 1 if closed else len(lines))] = [HIDDEN_LINE + ("\n" if closed else "")]
    return "".join(lines)


def score_table(notebook):
    """Rows (part, score or None, max score, checks passed, checks) of the graded cells, in
    notebook order; written answers are one row each, graded by hand (score None until then)."""
    rows = {}
    functions = solution_functions(notebook.cells)
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or "grade_id" not in meta:
            continue
        manual = bool(meta.get("solution")) or cell.cell_type != "code"
        part = (f"written answer ({meta['grade_id']})" if manual
                else column_of(meta["grade_id"], functions))
        score, points = meta.get("score"), float(meta.get("points", 0) or 0)
        row = rows.setdefault(part, [0.0, 0.0, 0, 0, manual])
        row[0] = None if score is None or row[0] is None else row[0] + float(score)
        row[1] += points
        row[2] += int(score is not None and float(score) >= points > 0)
        row[3] += 1
    return [(part, *values) for part, values in rows.items()]


#: The summary table's own spacing: nbgrader's feedback page styles no Markdown table, so its
#: headers and cells would run together ("pointschecks passed").
SUMMARY_STYLE = ("<style>.lossopt-summary table{border-collapse:collapse;margin:0.5em 0 1em}"
                 ".lossopt-summary th,.lossopt-summary td{padding:0.3em 1.2em 0.3em 0;"
                 "text-align:left;border-bottom:1px solid #ddd}</style>")


def summary_markdown(rows, total=None, maximum=None):
    lines = [SUMMARY_STYLE, '<div class="lossopt-summary">', "", "**Your score per function**", "",
             "| part | points | checks passed |", "| --- | --- | --- |"]
    awaiting = 0.0
    for part, score, points, passed, checks, manual in rows:
        shown = "awaiting grading by hand" if score is None else f"{score:g} / {points:g}"
        awaiting += points if score is None else 0.0
        lines.append(f"| `{part}` | {shown} | {'-' if manual else f'{passed} of {checks}'} |")
    lines += ["", "</div>"]
    if total is not None:
        lines += ["", f"Total: **{total:g} / {maximum:g}**" + (
            f", with {awaiting:g} point(s) still to be graded by hand." if awaiting else ".")]
    lines += ["", "Each check's message (what was expected, what your code gave) is shown under "
                  "its test cell below. Hidden checks ran on inputs drawn when your notebook was "
                  "graded."]
    return "\n".join(lines)


class FeedbackForStudents(NbGraderPreprocessor):
    """Cut hidden-test text and put a score-per-function table on top (run after GetGrades)."""

    def preprocess(self, nb, resources):
        delimiters = markers(self.config)
        for cell in nb.cells:
            if delimiters.is_hidden_test(cell.get("source", "")):
                cell.source = strip_hidden_tests(cell.source, delimiters)
        nb.cells = [c for c in nb.cells if not c.get("metadata", {}).get(SUMMARY_MARKER)]
        grades = resources.get("nbgrader", {})
        _mark_awaiting_manual_grades(nb, grades)
        summary = new_markdown_cell(summary_markdown(
            score_table(nb), grades.get("score"), grades.get("max_score")))
        summary.metadata[SUMMARY_MARKER] = True
        nb.cells.insert(0, summary)
        return nb, resources


def _mark_awaiting_manual_grades(nb, grades):
    """A written answer nobody has graded yet has no score (nbgrader's GetGrades gives it 0):
    its row then reads as awaiting grading, not as 0 points."""
    if not grades.get("db_url"):
        return
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(grades["db_url"]) as gradebook:
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            manual = bool(meta.get("solution")) or cell.cell_type != "code"
            if not (meta.get("grade") and manual and "grade_id" in meta):
                continue
            try:
                grade = gradebook.find_grade(meta["grade_id"], grades["notebook"],
                                             grades["assignment"], grades["student"])
            except MissingEntry:
                continue
            if grade.needs_manual_grade and grade.manual_score is None:
                meta["score"] = None
