"""Grade on a Dask cluster: ``autograder grade ASSIGNMENT SOURCE --scheduler tcp://HOST:PORT``.

The instructor's process stays the one that reads the download, decides what to grade and
writes the course gradebook; only grading moves to the cluster. Each task carries what grading
one submission needs, as bytes: the submission's files, and (once per run, shared by every task)
the course's ``nbgrader_config.py``, the assignment's non-notebook source files and the template
gradebook (``course.gradebook.build_template``). On the worker it becomes a scratch course
folder, graded by the same ``batch.worker.grade_submission`` as a local run, sandbox included;
the task returns the graded notebook, the feedback page, the grades and the logs as data, and
the instructor's side writes them into ``autograded/``, ``feedback/`` and ``grades/<a>/logs/``
and merges the grades (``batch.run``, in batches: ``course.merging``), so no filesystem is
shared and the gradebook keeps one writer. :class:`ClusterEngine` is what ``batch.run`` uses in
place of the local process pool (``batch.pool``) when the run's options name a scheduler.

A worker lost in the middle of a run costs nothing: the scheduler gives its submissions to
other workers (a task's result exists once, whoever computed it, and each one is merged once).
A submission caught in a worker's death more often than the scheduler's
``distributed.scheduler.allowed-failures`` (3 by default) comes back as ``KilledWorker``; the
worker may have died for another submission queued beside it, so these suspects are graded again
at the end, one at a time, and one that kills its worker even then is recorded as an
infrastructure failure for that student alone.

What every worker needs (checked before anything is sent, see :func:`check_workers`, and by
each task, for workers that join later): the same ``autograder`` and ``lossopt`` sources and the
same versions of the grading stack as the instructor, and a working bubblewrap unless the run is
``--unsandboxed``. A worker grades one submission at a time (``batch.worker.grade_submission``
keeps per-process state: a private gradebook file, the stderr redirection, nbgrader's working
directory), so start workers with ``--nthreads 1`` and as many worker processes per node as it
has cores.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from ..course.folder import Course, CourseError, prepare_nbgrader
from .worker import WorkerTask, grade_submission

#: Seconds to wait for the scheduler's handshake once its port answers.
CONNECT_SECONDS = 10

#: Distributions whose versions decide a grade or a feedback page; a worker must match them.
GRADING_STACK = ("nbgrader", "nbconvert", "nbclient", "nbformat", "ipykernel", "numpy", "nh3",
                 "latex2mathml", "sqlalchemy", "dask", "distributed")

# -- connecting ----------------------------------------------------------------------------------


def connect(address: str, timeout: float = CONNECT_SECONDS):
    """A ``distributed.Client`` of the scheduler at ``address``, or a CourseError naming it.

    The port is tried with a plain socket first, so a scheduler that is not running (connection
    refused, unknown host) fails at once rather than after the client's retry loop."""
    try:
        from distributed import Client
    except ImportError:
        raise CourseError("--scheduler needs Dask's `distributed` package: pip install -r requirements.txt")
    parts = urlsplit(address if "://" in address else "tcp://" + address)
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or parts.port is None:
        raise CourseError(f"--scheduler {address!r}: expected a Dask scheduler address such as "
                          "tcp://HOST:8786 (or tls://HOST:PORT)")
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout):
            pass
    except OSError as error:
        raise CourseError(f"cannot reach the Dask scheduler at {address}: {error.strerror or error}")
    try:
        return Client(f"{parts.scheme}://{parts.hostname}:{parts.port}", timeout=timeout,
                      set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise CourseError(f"cannot reach the Dask scheduler at {address}: {error}")


def dashboard_address(client) -> str | None:
    """The scheduler's dashboard (``http://HOST:PORT/status``), None when it serves none (the
    dashboard needs ``bokeh`` on the scheduler's machine)."""
    info = client.scheduler_info(n_workers=0) if _takes_n_workers(client) else client.scheduler_info()
    port = info.get("services", {}).get("dashboard")
    if not port:
        return None
    host = urlsplit(client.scheduler.address).hostname
    return f"http://{host}:{port}/status"


def _takes_n_workers(client) -> bool:
    import inspect

    return "n_workers" in inspect.signature(client.scheduler_info).parameters


def workers(client) -> dict[str, dict]:
    info = client.scheduler_info(n_workers=-1) if _takes_n_workers(client) else client.scheduler_info()
    return info.get("workers", {})


# -- what every worker must share with the instructor -------------------------------------------


def environment() -> dict:
    """A fingerprint of what decides a grade here: the sources of ``autograder`` (checks,
    reference, pipeline) and ``lossopt`` (imported by student code), and the grading stack's
    versions."""
    import autograder
    import lossopt

    digest = hashlib.sha256()
    for package in (autograder, lossopt):
        root = Path(package.__file__).resolve().parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    versions = {}
    for name in GRADING_STACK:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"sources": digest.hexdigest(), "versions": versions,
            "python": ".".join(map(str, sys.version_info[:2]))}


def _worker_readiness(sandboxed: bool) -> dict:
    """Run on each worker by :func:`check_workers`."""
    found = {"environment": environment(), "sandbox": None, "threads": None}
    try:
        from distributed import get_worker

        found["threads"] = get_worker().state.nthreads
    except Exception:
        pass
    if sandboxed:
        from autograder.sandbox import SandboxUnavailable, check_bwrap

        try:
            check_bwrap()
        except SandboxUnavailable as error:
            found["sandbox"] = str(error)
    return found


def check_workers(client, sandboxed: bool) -> list[str]:
    """Refuse (CourseError naming the workers) when a connected worker would grade differently
    from this machine or cannot sandbox; returns warnings (workers with several threads)."""
    here = environment()
    problems, warnings = [], []
    for address, found in sorted(client.run(_worker_readiness, sandboxed).items()):
        theirs = found["environment"]
        if theirs["sources"] != here["sources"]:
            problems.append(f"{address}: its autograder/lossopt sources differ from this machine's")
        for name, version in here["versions"].items():
            if theirs["versions"].get(name) != version:
                problems.append(f"{address}: {name} {theirs['versions'].get(name)} (here {version})")
        if theirs["python"] != here["python"]:
            problems.append(f"{address}: Python {theirs['python']} (here {here['python']})")
        if found["sandbox"]:
            problems.append(f"{address}: {found['sandbox']}")
        if found["threads"] and found["threads"] > 1:
            warnings.append(f"{address} has {found['threads']} threads but grades one submission at a "
                            "time: start workers with --nthreads 1 (and --nworkers per core)")
    if problems:
        raise CourseError("the cluster's workers cannot grade this course as this machine would:\n  "
                          + "\n  ".join(problems))
    return warnings


# -- packing: the instructor's side --------------------------------------------------------------


def read_tree(folder: Path, skip=()) -> dict[str, bytes]:
    """Every file under ``folder`` as ``{relative posix path: bytes}`` (symbolic links skipped:
    a submission's link must not carry a file of the grader's machine to the cluster)."""
    files = {}
    if not folder.is_dir():
        return files
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and not any(path.match(p) for p in skip):
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Replace ``folder`` by ``files`` (as made by :func:`read_tree`); a path that would leave
    the folder is refused."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    base = folder.resolve()
    for name, data in files.items():
        target = (folder / name).resolve()
        if base not in target.parents:
            raise ValueError(f"refusing to write {name!r} outside {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def course_payload(course: Course, assignment: str, template: Path) -> dict:
    """What every task of the run shares: the config, the assignment's non-notebook source
    files (nbgrader copies them over each submission) and the template gradebook."""
    folders = {step: course.folder(step).relative_to(course.root).as_posix()
               for step in ("source", "submitted", "autograded", "feedback")}
    return {"config": (course.root / "nbgrader_config.py").read_bytes(),
            "folders": folders, "environment": environment(),
            "source_files": read_tree(course.folder("source") / assignment, skip=("*.ipynb",)),
            "template": template.read_bytes()}


def submission_task(course: Course, task: WorkerTask) -> dict:
    """A local task (``batch.worker.WorkerTask``) as the plain data a cluster task carries: the
    submission's files instead of paths on this machine."""
    folder = course.folder("submitted") / task.student / task.assignment
    return {"assignment": task.assignment, "student": task.student, "prior": task.prior,
            "unsandboxed": task.unsandboxed, "files": read_tree(folder)}


# -- grading: the worker's side ------------------------------------------------------------------

# worker.grade_submission keeps per-process state (a private gradebook path per pid, fd 2 while
# grading, nbgrader's working directory): a worker process grades one submission at a time
_ONE_AT_A_TIME = threading.Lock()


def hold(payload: dict) -> dict:
    """The shared payload as a task of its own: should the worker holding it die, the scheduler
    computes it again (scattered data would simply be lost)."""
    return payload


def grade_remotely(shared: dict, task: dict) -> dict:
    """Run on a Dask worker: grade one submission in a scratch course and return its outputs."""
    prepare_nbgrader()
    if _own_environment() != shared["environment"]:  # a worker that joined after the check
        raise RuntimeError(f"worker {_worker_address()} does not have the instructor's environment "
                           "(autograder/lossopt sources or package versions differ): grading refused")
    with _ONE_AT_A_TIME:
        started = time.time()
        scratch = Path(tempfile.mkdtemp(prefix="autograder-cluster-"))
        try:
            root = scratch / "course"
            folders = shared["folders"]
            root.mkdir()
            (root / "nbgrader_config.py").write_bytes(shared["config"])
            assignment, student = task["assignment"], task["student"]
            write_tree(root / folders["source"] / assignment, shared["source_files"])
            write_tree(root / folders["submitted"] / student / assignment, task["files"])
            template = scratch / "template.sqlite"
            template.write_bytes(shared["template"])
            log_path = scratch / "log" / f"{student}.log"
            outcome = grade_submission(WorkerTask(
                root=str(root), assignment=assignment, student=student, template=str(template),
                workdir=str(scratch), prior=task["prior"], log_path=str(log_path),
                unsandboxed=task["unsandboxed"]))
            logs = {path.name: path.read_bytes() for path in log_path.parent.glob("*") if path.is_file()}
            return {"outcome": outcome, "logs": logs, "worker": _worker_address(),
                    "host": socket.gethostname(), "started": started, "finished": time.time(),
                    "autograded": read_tree(root / folders["autograded"] / student / assignment),
                    "feedback": read_tree(root / folders["feedback"] / student / assignment)}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


@functools.lru_cache(maxsize=1)
def _own_environment() -> dict:
    return environment()


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except Exception:
        return f"{socket.gethostname()}:{os.getpid()}"


# -- unpacking: the instructor's side ------------------------------------------------------------


def accept(course: Course, assignment: str, logs_folder: Path, reply: dict) -> dict:
    """Write a task's outputs where a local run leaves them; returns the worker's outcome."""
    outcome = dict(reply["outcome"])
    student = outcome["student"]
    if outcome.get("ok"):
        write_tree(course.folder("autograded") / student / assignment, reply["autograded"])
        if reply["feedback"]:
            write_tree(course.folder("feedback") / student / assignment, reply["feedback"])
    logs_folder.mkdir(parents=True, exist_ok=True)
    for name, data in reply["logs"].items():
        if "/" not in name and name.startswith(student + "."):
            (logs_folder / name).write_bytes(data)
    outcome["worker"] = reply["worker"]
    return outcome


# -- the run -------------------------------------------------------------------------------------


class Timeline:
    """When each submission was graded where: ``(student, worker, started, finished)`` in
    seconds since the run began, and the workers that left the cluster during it."""

    def __init__(self):
        self.began = time.time()
        self.rows: list[tuple[str, str, float, float]] = []
        self.lost_workers: list[tuple[str, float]] = []
        self.suspects: list[str] = []

    def add(self, student: str, reply: dict) -> None:
        self.rows.append((student, reply["worker"], reply["started"] - self.began,
                          reply["finished"] - self.began))

    def per_worker(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, worker, _, _ in self.rows:
            counts[worker] = counts.get(worker, 0) + 1
        return counts

    def lines(self) -> list[str]:
        events = [(start, f"{start:7.1f}s  {worker}  {student} ({end - start:.1f} s)")
                  for student, worker, start, end in self.rows]
        events += [(when, f"{when:7.1f}s  {worker}  gone from the cluster (noticed)")
                   for worker, when in self.lost_workers]
        return [text for _, text in sorted(events)]


def run_on_cluster(client, course: Course, assignment: str, shared: dict, tasks: list[WorkerTask],
                   on_results, logs_folder: Path, timeline: Timeline | None = None) -> Timeline:
    """Grade ``tasks`` (the local pool's, ``batch.worker.WorkerTask``) on the cluster, calling
    ``on_results(outcomes)`` in this process with every batch of outcomes that arrived together
    (the caller merges each batch in one transaction: the busier the cluster, the larger the
    batches, so the one writer keeps up)."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    timeline = timeline or Timeline()
    run_id = uuid.uuid4().hex
    held = client.submit(hold, shared, key=f"autograder-course-{run_id}", pure=False)
    known_workers = set(workers(client))

    def submit(task, attempt=0):
        # "grade-submission-<hex>": one task group, whatever the student's id
        token = hashlib.sha256(f"{run_id}:{attempt}:{task.student}".encode()).hexdigest()[:32]
        key = f"grade-submission-{token}"
        return client.submit(grade_remotely, held, submission_task(course, task), key=key, pure=False)

    def note_lost_workers():
        nonlocal known_workers
        now = set(workers(client))
        for address in sorted(known_workers - now):
            timeline.lost_workers.append((address, time.time() - timeline.began))
        known_workers = now

    def handle(batch, on_killed):
        outcomes = []
        for future, reply in batch:
            task = futures.pop(future)
            if isinstance(reply, KilledWorker):
                on_killed(task, outcomes)
            elif isinstance(reply, BaseException):
                outcomes.append({"student": task.student, "ok": False,
                                 "reason": f"grading worker error: {type(reply).__name__}: {reply}"})
            else:
                timeline.add(task.student, reply)
                outcomes.append(accept(course, assignment, logs_folder, reply))
            future.release()
        note_lost_workers()
        if outcomes:
            on_results(outcomes)

    futures = {submit(task): task for task in tasks}
    suspects: list[dict] = []
    completed = as_completed(list(futures), with_results=True, raise_errors=False, loop=client.loop)
    for batch in completed.batches():
        # an errored future comes with (type, exception, traceback)
        batch = [(future, reply[1] if future.status == "error" else reply) for future, reply in batch]
        handle(batch, lambda task, outcomes: suspects.append(task))

    # each suspect alone: the only task on the cluster, so a death is its own doing
    timeline.suspects = [task.student for task in suspects]
    for task in suspects:
        futures = {submit(task, attempt=1): task}

        def infrastructure_failure(task, outcomes):
            outcomes.append({"student": task.student, "ok": False, "reason": (
                "infrastructure failure: every Dask worker that graded it died (killed by the system, "
                "e.g. out of memory), alone on the cluster too; not retried again")})
        future = next(iter(futures))
        handle([(future, _result_or_error(future))], infrastructure_failure)
    held.release()
    return timeline


def _result_or_error(future):
    try:
        return future.result()
    except BaseException as error:  # noqa: B036 - the caller sorts errors from results
        return error


class ClusterEngine:
    """A grading run's cluster: connected (at construction, before anything else is touched),
    its workers checked (:meth:`check`), used by ``batch.run.grade_in_parallel`` in place of the
    local process pool (:meth:`run`), and its timeline reported (:meth:`report`)."""

    def __init__(self, address: str, announce=lambda line: None):
        self.address = address
        self.announce = announce
        self.client = connect(address)
        self.timeline = Timeline()

    def check(self, sandboxed: bool) -> None:
        """:func:`check_workers` (``sandboxed``: the workers must run bubblewrap), then the
        cluster, its dashboard and any warning announced."""
        warnings = check_workers(self.client, sandboxed)
        present = workers(self.client)
        threads = sum(w.get("nthreads", 0) for w in present.values())
        dashboard = dashboard_address(self.client)
        self.announce(f"Dask cluster {self.address}: {len(present)} workers, {threads} threads"
                      + ("" if present else " (tasks wait until workers join)")
                      + f"; dashboard: {dashboard or 'none (the scheduler has no bokeh)'}")
        for warning in warnings:
            self.announce(f"  warning: {warning}")

    def describe(self) -> str:
        return f"on the Dask cluster at {self.address}"

    def run(self, course: Course, assignment: str, template: Path, tasks: list[WorkerTask], on_results,
            logs_folder: Path) -> None:
        self.timeline = Timeline()
        run_on_cluster(self.client, course, assignment, course_payload(course, assignment, template), tasks,
                       on_results, logs_folder, self.timeline)

    def report(self, logs_folder: Path) -> list[str]:
        """The whole timeline into ``logs_folder/cluster-timeline.txt``; returns the lines for
        the run's summary (where the timeline is, per-worker counts, lost workers)."""
        lines = []
        if self.timeline.rows:
            logs_folder.mkdir(parents=True, exist_ok=True)
            path = logs_folder / "cluster-timeline.txt"
            path.write_text("seconds into the run, worker, submission (grading time)\n"
                            + "\n".join(self.timeline.lines()) + "\n", encoding="utf-8")
            lines.append(f"Cluster timeline: {path}")
        counts = self.timeline.per_worker()
        if counts:
            lines.append("Graded per worker: " + ", ".join(f"{w} {n}" for w, n in sorted(counts.items())))
        for worker, when in self.timeline.lost_workers:
            lines.append(f"  worker {worker} left the cluster {when:.1f} s into the run; its submissions "
                         "were graded elsewhere")
        if self.timeline.suspects:
            lines.append("  graded again alone after their workers died: " + ", ".join(self.timeline.suspects))
        return lines

    def close(self) -> None:
        self.client.close()
