"""``autograder status ASSIGNMENT``: who submitted, who is graded, whose grade is stale.

A submission is *graded* when the gradebook holds its grades and the ledger's content hash
matches the files in ``submitted/`` now; *changed* when the files (or the assignment's tests)
changed since; *failed* when the last attempt failed (with the reason); *not graded* otherwise.
Students graded from another machine sharing the gradebook show as graded with no local files.
The ``late`` column says ``yes`` when the LMS download's file name marked the submission late or
nbgrader's timestamps put it past the due date, ``no`` when one of them says it was on time, and
nothing when neither says; a score still awaiting a written answer's manual grade says so.
"""
from __future__ import annotations

import statistics

from ..course import gradebook as gb
from ..course.folder import Course
from ..course.export import late_text
from ..course.lms_export import read_with_lms


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("status", help="who submitted and who is graded, for one assignment",
                                   description=__doc__.split("\n\n", 1)[1])
    parser.add_argument("assignment", metavar="ASSIGNMENT")
    parser.add_argument("--course", metavar="DIR", help="course folder (default: found from here)")
    parser.add_argument("--db", metavar="URL", help="gradebook database URL (default: nbgrader_config.py's)")
    parser.set_defaults(run=run)


def states(course: Course, assignment: str) -> list[dict]:
    source_notebooks = course.source_notebooks(assignment)
    submitted = course.folder("submitted")
    local = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir()) \
        if submitted.is_dir() else []
    master = gb.open_gradebook(course.db_url, course.course_id)
    try:
        ledger = gb.read_ledger(master, assignment)
        table = read_with_lms(master, course, assignment)[0] if gb.has_assignment(master, assignment) else None
    finally:
        master.close()
    graded = {row.student: row for row in table.submitted} if table else {}
    rows = []
    for student in sorted(set(local) | set(graded) | set(ledger)):
        entry = ledger.get(student)
        here = student in local
        digest = gb.content_hash(submitted / student / assignment, source_notebooks) if here else None
        same = digest is None or (entry is not None and digest in entry.content_hash.split(":"))
        if entry and entry.status == "failed" and same:
            state, detail = "failed", entry.reason
        elif student in graded and same:
            state, detail = "graded", None
        elif student in graded:
            state, detail = "changed", "submission or tests changed since it was graded"
        else:
            state, detail = "not graded", None
        row = graded.get(student)
        score = row.total() if row is not None else None
        rows.append({"student": student, "submitted": here, "state": state, "score": score,
                     "max_score": table.max_total if table else None, "detail": detail,
                     "late": late_text(row) if row is not None else "",
                     "awaiting": len(row.awaiting) if row is not None else 0})
    return rows


def run(args) -> int:
    course = Course.locate(args.course, args.db)
    rows = states(course, args.assignment)
    if not rows:
        print(f"{args.assignment}: no submissions in {course.folder('submitted')} or the gradebook")
        return 0
    width = max(7, *(len(r["student"]) for r in rows))
    print(f"{'student':<{width}}  submitted  late  {'state':<10}  score")
    for r in rows:
        score = f"{r['score']:g}/{r['max_score']:g}" if r["score"] is not None else ""
        if r["awaiting"]:
            score += f" (+{r['awaiting']} awaiting manual grade)"
        line = (f"{r['student']:<{width}}  {'yes' if r['submitted'] else 'no':<9}  "
                f"{r['late']:<4}  {r['state']:<10}  {score}")
        print(line.rstrip() + (f"  ({r['detail']})" if r["detail"] else ""))
    counts = {state: sum(1 for r in rows if r["state"] == state)
              for state in ("graded", "changed", "failed", "not graded")}
    scores = [r["score"] for r in rows if r["score"] is not None]
    tail = f"; median score {statistics.median(scores):g}" if scores else ""
    late = sum(1 for r in rows if r["late"] == "yes")
    waiting = sum(1 for r in rows if r["awaiting"])
    extra = (f"; {late} late" if late else "") + (f"; {waiting} awaiting a manual grade" if waiting else "")
    print(f"\n{len(rows)} students: " + ", ".join(f"{n} {s}" for s, n in counts.items()) + tail + extra)
    return 0
