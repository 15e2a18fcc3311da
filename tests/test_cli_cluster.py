"""``autograder grade --scheduler``: grading on a real Dask cluster started on this machine.

A ``dask scheduler`` and ``dask worker`` processes (one thread each) on 127.0.0.1, each in a
process group of its own so the test can kill one outright, as a node lost mid-run would be. The
same small class is graded locally (``--jobs 2``) and on the cluster with one worker killed while
it grades (a replacement joins, as a cluster manager would start one): the grades are the same,
every student appears once, and student code ran in the sandbox on the workers (it sees none
of the worker's environment and is not in the worker's pid namespace). With a PostgreSQL
gradebook the cluster also meets a submission whose every worker dies (a worker plugin kills
the worker process that starts grading it, as the OOM killer would): it is retried a bounded
number of times and recorded as an infrastructure failure for that student alone.
"""
import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from postgres_server import BIN as POSTGRES_BIN, MISSING as POSTGRES_MISSING, postgres_server
from submission_mix import Submission, submission_mix, write_submitted
from test_cli_grade import ASSIGNMENT, new_course

distributed = pytest.importorskip("distributed", reason="Dask's distributed is not installed (requirements.txt)")

DASK = Path(sys.executable).parent / "dask"
CLASS_SIZE = 6
SECRET = "AUTOGRADER_TEST_WORKER_SECRET"
KILLER = "killer900"
PROBE = "probe900"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A scheduler and named workers on this machine, stopped (process groups killed) at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port, self.dashboard = free_port(), free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        # a submission caught in two worker deaths comes back as KilledWorker (default: four),
        # which keeps the test of a submission that kills every worker short
        env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")
        self.started = 0
        self.processes = {"scheduler": self._start(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
             "--dashboard-address", f"127.0.0.1:{self.dashboard}"], "scheduler", env)}
        give_up = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > give_up:
                    raise RuntimeError("the Dask scheduler did not start: " + self.log("scheduler"))
                time.sleep(0.3)

    def _start(self, args, name, env):
        log = open(self.folder / f"{name}.log", "wb")
        return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def log(self, name):
        return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]

    def replace_a_worker(self):
        """Kill the oldest worker and start a new one in its place (as a cluster manager would)."""
        self.kill(next(name for name in self.processes if name != "scheduler"))
        self.started += 1
        self.add_worker(f"w{self.started}")

    def add_worker(self, name):
        # the secret is in the worker's environment only: student code must not see it
        env = dict(os.environ, **{SECRET: "the-worker-environment"})
        self.processes[name] = self._start(
            [str(DASK), "worker", self.address, "--nthreads", "1", "--host", "127.0.0.1",
             "--no-dashboard", "--name", name, "--death-timeout", "60"], name, env)

    def client(self):
        return distributed.Client(self.address, timeout=30, set_as_default=False)

    def wait_for_workers(self, count):
        with self.client() as client:
            client.wait_for_workers(count, timeout=180)

    def kill(self, name):
        """SIGKILL the worker's whole process group (nanny and worker): the node is gone."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self):
        for name in [n for n in self.processes if n != "scheduler"] + ["scheduler"]:
            if name in self.processes:
                self.kill(name)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    found = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        for _ in range(2):
            found.started += 1
            found.add_worker(f"w{found.started}")
        found.wait_for_workers(2)
        yield found
    finally:
        found.stop()


def sandbox_probe():
    """A correct submission with one more cell, reporting what the student's code can see."""
    from grading_harness import solved_release

    notebook = solved_release(ASSIGNMENT)
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"import os\nprint('probe:', os.environ.get({SECRET!r}, 'absent'), os.getpid())"))
    return Submission(PROBE, "correct", notebook, set())


def probe_output(course):
    notebook = nbformat.read(course / "autograded" / PROBE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    texts = ["".join(o.get("text", "")) for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    line = next(t for t in texts if t.startswith("probe:"))
    secret, pid = line.split()[1:3]
    return secret, int(pid)


def grades(course):
    with open(course / "grades" / ASSIGNMENT / "grades.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def autograder(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def grade_killing_a_worker(cluster, course, source, *extra):
    """Run the grading command on the cluster; once the first submission is merged, kill a
    worker outright and start another in its place. Returns the finished process's output."""
    command = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(source), "--scheduler", cluster.address,
         *extra], cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    progress, killed = [], []

    def watch():
        for line in command.stderr:
            progress.append(line)
            if line.startswith("[") and not killed:
                try:
                    cluster.replace_a_worker()
                    killed.append(True)
                except Exception as error:  # reported by the test, not lost in this thread
                    killed.append(error)
    watcher = threading.Thread(target=watch)
    watcher.start()
    out = command.stdout.read()
    command.wait(timeout=900)
    watcher.join()
    return SimpleNamespace(returncode=command.returncode, stdout=out, stderr="".join(progress),
                           killed=killed == [True])


@pytest.fixture(scope="module")
def class_(tmp_path_factory):
    base = tmp_path_factory.mktemp("cluster-class")
    submissions = submission_mix(ASSIGNMENT, CLASS_SIZE - 1) + [sandbox_probe()]
    source = write_submitted(base / "download", ASSIGNMENT, submissions)
    local = new_course(base / "local")
    run = autograder("grade", ASSIGNMENT, str(source), "--jobs", "2", cwd=local)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    return SimpleNamespace(base=base, submissions=submissions, source=source, local=local)


def progress_students(stderr):
    return [line.split("%  ", 1)[1].split(":", 1)[0] for line in stderr.splitlines() if line.startswith("[")]


def test_cluster_grades_as_a_local_run_with_a_worker_killed_mid_run(cluster, class_):
    course = new_course(class_.base / "on-cluster")
    run = grade_killing_a_worker(cluster, course, class_.source)
    timeline = course / "grades" / ASSIGNMENT / "logs" / "cluster-timeline.txt"
    print(run.stdout, timeline.read_text() if timeline.is_file() else "no timeline")  # for the record
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert run.killed
    assert f"Dask cluster {cluster.address}: 2 workers" in run.stdout
    assert f"dashboard: http://127.0.0.1:{cluster.dashboard}/status" in run.stdout
    assert "left the cluster" in run.stdout and "were graded elsewhere" in run.stdout
    # every student once in the progress bar and once among the per-worker counts
    students = sorted(s.student for s in class_.submissions)
    assert sorted(progress_students(run.stderr)) == students
    per_worker = run.stdout.split("Graded per worker: ", 1)[1].splitlines()[0]
    assert sum(int(part.rsplit(" ", 1)[1]) for part in per_worker.split(", ")) == len(students)
    # the same grades, function by function, as the local run
    assert grades(course) == grades(class_.local)
    for student in students:
        assert (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()
        assert (course / "grades" / ASSIGNMENT / "logs" / f"{student}.log").is_file()
    # student code ran sandboxed on the workers: no worker environment, a pid namespace of its own
    secret, pid = probe_output(course)
    assert secret == "absent" and pid < 100
    assert probe_output(class_.local)[0] == "absent"


def test_unreachable_scheduler_fails_at_once_naming_it(class_, tmp_path):
    course = new_course(tmp_path / "course")
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    run = autograder("grade", ASSIGNMENT, str(class_.source), "--scheduler", address, cwd=course)
    assert run.returncode == 2
    assert f"cannot reach the Dask scheduler at {address}" in run.stderr
    assert time.monotonic() - started < 30  # the interpreter's start-up, not a connection timeout
    assert not (course / "submitted").exists()  # nothing collected, nothing graded


class KillWorkerGrading(distributed.WorkerPlugin):
    """Worker plugin: the worker process that starts grading ``student`` dies on the spot (an
    out-of-memory kill, as a node's kernel would do it); the nanny starts a new one."""

    def __init__(self, student):
        self.student = student

    def setup(self, worker):
        self.worker = worker

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing":
            state = self.worker.state.tasks.get(key)
            args = getattr(getattr(state, "run_spec", None), "args", ())
            if any(isinstance(a, dict) and a.get("student") == self.student for a in args):
                os._exit(1)


@pytest.mark.skipif(POSTGRES_BIN is None, reason=POSTGRES_MISSING)
def test_postgres_gradebook_a_killed_worker_and_a_submission_that_kills_every_worker(cluster, class_):
    from nbgrader.api import Gradebook
    from sqlalchemy import select

    from autograder.course.folder import driver_url
    from autograder.course.gradebook import LEDGER

    import cloudpickle

    from grading_harness import solved_release

    cluster.wait_for_workers(2)
    # the workers cannot import this test module: the plugin travels by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])

    course = new_course(class_.base / "on-cluster-postgres")
    source = write_submitted(class_.base / "download-with-killer", ASSIGNMENT,
                             class_.submissions + [Submission(KILLER, "correct", solved_release(ASSIGNMENT), set())])
    with postgres_server() as url, cluster.client() as client:
        client.register_plugin(KillWorkerGrading(KILLER), name="kill-worker")
        try:
            run = grade_killing_a_worker(cluster, course, source, "--db", url)
        finally:
            client.unregister_worker_plugin("kill-worker")
        print(run.stdout)
        assert run.returncode == 1, run.stdout + run.stderr[-3000:]
        assert run.killed
        assert "Graded 6, unchanged 0, failed 1." in run.stdout
        assert f"FAILED {KILLER}: infrastructure failure" in run.stdout
        assert sorted(progress_students(run.stderr)) == sorted([KILLER] + [s.student for s in class_.submissions])
        with Gradebook(driver_url(url), "lossopt") as gradebook:
            totals = {s.student.id: s.score for s in gradebook.find_assignment(ASSIGNMENT).submissions}
            ledger = {row.student: row.status for row in gradebook.db.execute(select(LEDGER)).all()}
    local = grades(class_.local)
    assert totals == pytest.approx({student: float(row["total"]) for student, row in local.items()})
    assert grades(course) == local
    assert ledger == {**{student: "graded" for student in local}, KILLER: "failed"}
