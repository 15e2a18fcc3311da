"""Grade many submissions at once: ``--jobs N`` worker processes, one writer.

Choice: workers autograde into private per-submission SQLite gradebooks (see ``worker``) and only
this process writes the course gradebook, merging each result in one short transaction as it
arrives (see ``autograder.course.gradebook.merge_result``). The alternative, N nbgrader processes
writing one SQLite file with retries, serialises every one of nbgrader's many small commits per
submission behind the file lock and still fails once a writer waits past SQLite's timeout; with
private gradebooks the workers never contend, the course database sees one writer per run, and the
same code serves PostgreSQL, where several runs (graders) may merge at once.

Workers are forked from this process, which has imported nbgrader already, so a worker starts in
milliseconds (a fresh interpreter would import nbgrader again: seconds on a busy machine); the
caller closes its database connections first so no connection is shared across the fork. A
crashed worker (killed by the OOM killer, say) costs only its submission: the pool is rebuilt
and the rest carry on. Workers die with this process (Linux's parent-death signal), and each
sandbox with its worker (bubblewrap's ``--die-with-parent``), so a grading command killed
outright, its terminal closed, say, leaves no worker, runner or kernel behind.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .worker import WorkerTask, grade_submission


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent(parent: int) -> None:
    """Worker initializer: be killed when the grading command dies, however it dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the command died before the signal was asked for
        os._exit(1)


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))


def run_parallel(tasks: list[WorkerTask], jobs: int, on_result) -> None:
    """Run ``grade_submission`` on every task with at most ``jobs`` at a time, calling
    ``on_result(outcome)`` in this process for each as it finishes (in completion order).

    When a worker dies, every unfinished submission is retried in a fresh pool; one caught in
    two such deaths is then graded alone, so the submission that kills its worker fails by
    itself with a reason and the others are graded."""
    breaks: dict[str, int] = {}
    pending = list(tasks)
    while pending:
        alone = [t for t in pending if breaks.get(t.student, 0) >= 2]
        together = [t for t in pending if breaks.get(t.student, 0) < 2]
        pending = []
        for batch, width in ([(together, jobs)] if together else []) + [([t], 1) for t in alone]:
            for task in _run_batch(batch, width, on_result):
                breaks[task.student] = breaks.get(task.student, 0) + 1
                if len(batch) == 1 and breaks[task.student] > 2:
                    on_result({"student": task.student, "ok": False,
                               "reason": "the grading process died (killed by the system, e.g. out of memory)"})
                else:
                    pending.append(task)


def _run_batch(batch: list[WorkerTask], jobs: int, on_result) -> list[WorkerTask]:
    """Grade ``batch``; returns the tasks lost to a dead worker."""
    pool = _pool(max(1, min(jobs, len(batch))))
    futures = {pool.submit(grade_submission, task): task for task in batch}
    lost = []
    try:
        remaining = set(futures)
        while remaining:
            finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in finished:
                task = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    lost.append(task)
                    continue
                except Exception as error:  # a bug in the worker, not the submission's fault
                    outcome = {"student": task.student, "ok": False,
                               "reason": f"grading worker error: {type(error).__name__}: {error}"}
                on_result(outcome)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return lost
