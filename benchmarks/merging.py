"""Merge benchmark: graded submissions merged into the course gradebook, per second.

    .venv/bin/python benchmarks/merging.py [--students N] [--assignment A] [--batches 0,1,10,50]

The grading command's one writer merges every graded submission into the course gradebook
(``autograder/course/merging.py``). This measures how many it merges per second, with SQLite (the
course's default, a file on this disk) and with PostgreSQL (a server started here for the run,
as the tests do; skipped without Debian's ``postgresql``): ``merge_result`` (nbgrader's own calls,
one submission per transaction: the merge before batching) and ``merge_batch`` in batches of
each size given. Each measurement merges N new students (first grading of a class) and then
the same N again (a re-run after a change to the tests). The results are the shape a worker returns, with the assignment's real grade cells.
Asserts nothing.
"""
import argparse
import contextlib
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from autograder.course import gradebook as gb  # noqa: E402
from autograder.course.folder import Course, driver_url  # noqa: E402
from autograder.course.merging import merge_batch  # noqa: E402
from autograder.course.release import add_to_gradebook  # noqa: E402
from postgres_server import BIN, postgres_server  # noqa: E402


def course_folder(root: Path, assignment: str) -> Path:
    import shutil

    root.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "solutions" / assignment, root / "solutions" / assignment)
    return root


def results(gradebook, assignment: str, count: int, seed: int) -> list[tuple[str, dict, str]]:
    """``count`` results as a worker returns them (``gradebook.read_result``), random scores."""
    rng = random.Random(seed)
    record = gradebook.find_assignment(assignment)
    shape = {nb.name: ([(c.name, c.max_score, c.cell_type) for c in nb.grade_cells],
                       [c.name for c in list(nb.grade_cells) + list(nb.task_cells)]) for nb in record.notebooks}
    gradebook.db.commit()
    made = []
    for number in range(count):
        notebooks, score, top = {}, 0.0, 0.0
        for name, (cells, commented) in shape.items():
            grades = {}
            for cell, points, kind in cells:
                if kind == "code":
                    grades[cell] = (rng.choice([0.0, points]), False)
                    score += grades[cell][0]
                else:
                    grades[cell] = (None, True)
                top += points
            notebooks[name] = {"late_submission_penalty": None, "grades": grades,
                               "comments": {c: "checked" for c in commented}}
        made.append((f"student{number:04d}", {"timestamp": None, "notebooks": notebooks,
                                              "score": score, "max_score": top}, f"{seed:08x}{number:056x}"))
    return made


def measure(url: str, course: Course, assignment: str, students: int, batch: int) -> tuple[float, float]:
    """Merges per second: (new students, the same students merged again). ``batch`` 0: the
    merge before batching, ``gradebook.merge_result`` (nbgrader's calls, one transaction each)."""
    rates = []
    gradebook = gb.open_gradebook(url, course.course_id)
    try:
        items = results(gradebook, assignment, students, seed=batch)
        for _ in ("new", "again"):
            started = time.perf_counter()
            if not batch:
                for student, result, digest in items:
                    gb.merge_result(gradebook, assignment, student, result, digest)
            else:
                for start in range(0, len(items), batch):
                    errors = merge_batch(gradebook, assignment, items[start:start + batch])
                    if errors:
                        raise SystemExit(f"merge failed: {errors}")
            rates.append(len(items) / (time.perf_counter() - started))
    finally:
        gradebook.close()
    return tuple(rates)


def fresh_gradebook(work: Path, assignment: str, url: str | None, label: str) -> tuple[Course, str]:
    root = course_folder(work / label, assignment)
    url = url or f"sqlite:///{root / 'gradebook.db'}"
    course = Course(root, db_url_override=url)
    add_to_gradebook(course, assignment)
    return course, driver_url(url)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=120)
    parser.add_argument("--assignment", default="ce_vs_mse")
    parser.add_argument("--batches", default="0,1,10,50", help="batch sizes; 0: merge_result, one "
                        "submission per transaction through nbgrader's calls (the merge before batching)")
    options = parser.parse_args()
    batches = [int(b) for b in options.batches.split(",")]
    from autograder.course.folder import prepare_nbgrader

    prepare_nbgrader()
    work = Path(tempfile.mkdtemp(prefix="merge-benchmark-"))
    print(f"{options.students} submissions of {options.assignment}, merged new then again; work in {work}")
    backends = [("SQLite", None)] + ([("PostgreSQL", "postgres")] if BIN else [])
    if not BIN:
        print("PostgreSQL: skipped (no initdb/pg_ctl; Debian package postgresql)")
    for label, kind in backends:
        for batch in batches:
            with (postgres_server(f"merge{batch}") if kind else contextlib.nullcontext(None)) as server:
                course, url = fresh_gradebook(work, options.assignment, server, f"{label}-{batch}")
                new, again = measure(url, course, options.assignment, options.students, batch)
            name = f"batch {batch:>3}" if batch else "merge_result"
            print(f"{label:<10} {name}: {new:7.1f} merges/s new, {again:7.1f} merges/s again", flush=True)


if __name__ == "__main__":
    main()
