"""The one writer: graded submissions merged into the course gradebook in batches.

Merging one submission (nbgrader's ORM creating or updating its submission, notebook, grade and
comment rows, plus the ledger row) costs tens of milliseconds, most of it in transactions:
nbgrader's ``Gradebook`` commits after every call (two commits per submission, each a disk sync
for SQLite or a round trip for PostgreSQL), and every commit expires every row loaded, so the
next submission loads the assignment's cells all over again. A grading run feeds this process
with whatever finished since the last merge, and :func:`merge_batch` writes all of it in one
transaction (:func:`one_transaction`), so the busier the workers, the larger the batch and the
cheaper each submission in it: the writer keeps up with the cluster instead of the cluster
queueing behind the writer.

A batch that fails for a reason other than contention (which ``gradebook.with_retries`` waits
out) is merged again one submission at a time, so one unsavable result fails alone.
"""
from __future__ import annotations

import contextlib

from . import gradebook as gb

#: Largest batch written in one transaction: bounds what one failed batch costs to redo and how
#: long a transaction holds SQLite's write lock against other writers (the formgrader).
MAX_BATCH = 200


def merge_batch(gradebook, assignment: str, items: list[tuple[str, dict, str]]) -> dict[str, str]:
    """Merge ``(student, result, digest)`` items (see ``gradebook.merge_result``) in as few
    transactions as possible; returns ``{student: reason}`` for those that could not be saved."""
    errors: dict[str, str] = {}
    for start in range(0, len(items), MAX_BATCH):
        chunk = items[start:start + MAX_BATCH]

        def write():
            with one_transaction(gradebook) as commit:
                for student, result, digest in chunk:
                    gb.write_result(gradebook, assignment, student, result, digest)
                commit()
        try:
            gb.with_retries(write, rollback=gradebook.db.rollback)
        except Exception as error:
            gradebook.db.rollback()
            if len(chunk) == 1:
                errors[chunk[0][0]] = str(error)
                continue
            for item in chunk:  # find the one that cannot be saved; the others are
                errors.update(merge_batch(gradebook, assignment, [item]))
    return errors


@contextlib.contextmanager
def one_transaction(gradebook):
    """Within this block nbgrader's own commits (after each of its calls) only flush, so they
    check constraints and assign ids as before but end no transaction; yields the real commit,
    for the caller to end the batch with. A failure inside rolls the whole batch back."""
    session = gradebook.db.registry()  # the Session behind nbgrader's scoped session
    commit = session.commit
    session.commit = session.flush
    try:
        yield commit
    finally:
        del session.commit
