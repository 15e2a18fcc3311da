"""The sandbox on plain notebooks: what student code can see, what it can change, and the limits.

Each test runs one notebook whose cells probe the sandbox and print what they found; the test
reads those prints. One notebook per concern keeps the suite fast (a sandboxed run costs a few
seconds of start-up).
"""
import json
import os
import shutil
import socket
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.sandbox import Limits, SandboxUnavailable, check_bwrap, execute_notebook
from autograder.sandbox.execute import sanitize_output

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="bubblewrap missing (make system-deps installs it)")


def run(cells, workdir=None, **limits):
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    return execute_notebook(notebook, workdir, Limits().with_changes(**limits))


def texts(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def errors(cell):
    return [(o.ename, o.evalue) for o in cell.outputs if o.output_type == "error"]


def probe(expression):
    """A cell printing ``expression``'s value as JSON, or the exception it raised."""
    return (f"import json as _j\ntry:\n    print(_j.dumps({expression}))\n"
            f"except BaseException as _e:\n    print(_j.dumps('raised ' + type(_e).__name__))")


@pytest.fixture(scope="module")
def host_server():
    """A TCP server on the host's loopback: the sandbox must not reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []

    def serve():
        try:
            while True:
                connection, _ = server.accept()
                accepted.append(connection)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()


@pytest.fixture(scope="module")
def isolation(host_server, tmp_path_factory):
    port, accepted = host_server
    os.environ["LOSSOPT_GRADER_SECRET"] = "db-password"
    outside = tmp_path_factory.mktemp("outside")
    (outside / "keep.txt").write_text("unchanged")
    workdir = tmp_path_factory.mktemp("submission")
    (workdir / "data.csv").write_text("1,2,3\n")
    (workdir / "link_to_secret").symlink_to(outside / "keep.txt")
    checks = {
        "uid": "__import__('os').getuid()",
        "cwd": "__import__('os').getcwd()",
        "cwd_files": "sorted(__import__('os').listdir('.'))",
        "course_root": f"sorted(__import__('os').listdir({str(REPO)!r}))",
        "solutions": f"__import__('os').path.exists({str(REPO / 'solutions')!r})",
        "autograder_src": f"__import__('os').path.exists({str(REPO / 'autograder')!r})",
        "gradebook": f"__import__('os').path.exists({str(REPO / 'gradebook.db')!r})",
        "reference": "[n for n in dir(__import__('autograder.reference', fromlist=['_'])) if not n.startswith('__')]",
        "reference_file": "__import__('autograder.reference', fromlist=['_']).__file__",
        "home": "sorted(__import__('os').listdir('/root')) if __import__('os').path.isdir('/root') else []",
        "outside": f"open({str(outside / 'keep.txt')!r}).read()",
        "write_outside": f"open({str(outside / 'new.txt')!r}, 'w').write('x')",
        "write_usr": "open('/usr/evil', 'w').write('x')",
        "write_lossopt": f"open({str(REPO / 'lossopt' / 'evil.py')!r}, 'w').write('x')",
        "write_venv": f"open(__import__('sys').prefix + '/evil', 'w').write('x')",
        "write_cwd": "open('out.txt', 'w').write('x')",
        "write_tmp": "open('/tmp/out.txt', 'w').write('x')",
        "host_port": f"__import__('socket').create_connection(('127.0.0.1', {port}), timeout=2) and 'connected'",
        "internet": "__import__('socket').create_connection(('1.1.1.1', 53), timeout=2) and 'connected'",
        "dns": "__import__('socket').gethostbyname('pypi.org')",
        "secret_env": "__import__('os').environ.get('LOSSOPT_GRADER_SECRET')",
        "no_new_privs": "[l for l in open('/proc/self/status') if l.startswith(('NoNewPrivs', 'CapEff'))]",
        "processes": "sorted(int(p) for p in __import__('os').listdir('/proc') if p.isdigit())",
        "lossopt": "__import__('lossopt').__name__",
    }
    notebook = run([probe(expr) for expr in checks.values()], workdir=str(workdir))
    found = {name: json.loads(texts(cell)) for name, cell in zip(checks, notebook.cells)}
    del os.environ["LOSSOPT_GRADER_SECRET"]
    return found, outside, accepted


def test_student_code_runs_unprivileged_in_its_scratch_folder(isolation):
    found, _, _ = isolation
    assert found["uid"] != 0
    assert found["cwd"] == "/sandbox"
    assert found["cwd_files"] == ["data.csv"]  # the symlink was not copied
    assert found["write_cwd"] == 1 and found["write_tmp"] == 1
    assert found["lossopt"] == "lossopt"


def test_solutions_grader_and_gradebook_are_invisible(isolation):
    found, _, _ = isolation
    assert found["course_root"] == [".venv", "lossopt"]
    assert found["solutions"] is False and found["autograder_src"] is False
    assert found["gradebook"] is False
    # at most an empty namespace package (the editable install's finder): no code, no file
    assert found["reference"] in ([], "raised ModuleNotFoundError")
    assert found["reference_file"] in (None, "raised ModuleNotFoundError")
    assert found["home"] == [".pyenv"] or found["home"] == []
    assert found["outside"].startswith("raised")
    assert found["secret_env"] is None


def test_nothing_outside_the_scratch_folder_is_writable(isolation):
    found, outside, _ = isolation
    for name in ("write_outside", "write_usr", "write_lossopt", "write_venv"):
        assert found[name].startswith("raised"), name
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (outside / "keep.txt").read_text() == "unchanged"
    assert not (REPO / "lossopt" / "evil.py").exists()


def test_no_network_not_even_the_hosts_loopback(isolation):
    found, _, accepted = isolation
    assert found["host_port"].startswith("raised")
    assert found["internet"].startswith("raised")
    assert found["dns"].startswith("raised")
    assert accepted == []


def test_no_privileges_and_a_private_process_table(isolation):
    found, _, _ = isolation
    status = "".join(found["no_new_privs"])
    assert "NoNewPrivs:\t1" in status and "CapEff:\t0000000000000000" in status
    assert found["processes"] == [1, 2, 3]  # bwrap's init, the runner, the kernel


@pytest.fixture(scope="module")
def limited():
    """One notebook hitting every limit in turn, each followed by a cell proving the rest runs."""
    alive = "print('alive', 'np' in dir())"
    cells = {
        "setup": "import numpy as np, os, sys",
        "loop": "while True:\n    pass",
        "after_loop": alive,
        "stubborn_loop": "while True:\n    try:\n        sum(range(10**6))\n    except BaseException:\n        pass",
        "after_stubborn": alive,
        "memory": "def bomb():\n    blocks = []\n    while True:\n        blocks.append(bytearray(50 * 2**20))\nbomb()",
        "after_memory": alive,
        "fork_bomb": "while True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        "after_fork": alive + "\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))",
        "exit": "os._exit(3)",
        "after_exit": alive,
        "sys_exit": "sys.exit(1)",
        "after_sys_exit": alive,
        "segfault": "import ctypes\nctypes.string_at(0)",
        "after_segfault": alive,
        "cpu": "import time\nt = time.process_time()\nwhile True:\n    pass",
        "last": alive,
    }
    # memory_mb well under the default (2048), so the bomb meets the limit sooner (0.4 s at
    # 1024 MB here, 3 s at 1536); each of the four loops costs a whole cell_timeout_s, and 5 s is
    # still ten times what any other cell takes
    notebook = run(list(cells.values()), cell_timeout_s=5, memory_mb=1024, max_processes=48,
                   max_kernel_restarts=8,
                   notebook_timeout_s=240)
    return dict(zip(cells, notebook.cells)), notebook


def test_an_infinite_loop_costs_its_cell_only(limited):
    cells, _ = limited
    assert errors(cells["loop"])[-1][0] == "CellTimeoutError"
    assert errors(cells["stubborn_loop"])[-1][0] == "CellTimeoutError"
    # the kernel was restarted and the cells before were replayed (numpy imported again)
    assert texts(cells["after_loop"]) == "alive True\n"
    assert texts(cells["after_stubborn"]) == "alive True\n"


def test_a_memory_bomb_is_stopped(limited):
    cells, _ = limited
    assert errors(cells["memory"]), cells["memory"].outputs
    assert errors(cells["memory"])[-1][0] in ("MemoryError", "KernelDied")
    assert texts(cells["after_memory"]) == "alive True\n"


def test_a_fork_bomb_is_stopped_and_its_processes_killed(limited):
    cells, _ = limited
    assert errors(cells["fork_bomb"])[-1][0] == "CellTimeoutError"
    lines = texts(cells["after_fork"]).splitlines()
    assert lines[0] == "alive True"
    assert len(json.loads(lines[1])) == 3  # init, runner, the new kernel: no stray forks


def test_exits_and_crashes_cost_their_cell_only(limited):
    cells, _ = limited
    assert errors(cells["exit"])[-1][0] == "KernelDied"
    assert errors(cells["segfault"])[-1][0] == "KernelDied"
    assert errors(cells["sys_exit"])[-1][0] == "SystemExit"  # IPython catches it; kernel lives
    for name in ("after_exit", "after_sys_exit", "after_segfault", "last"):
        assert texts(cells[name]) == "alive True\n", name


def test_output_and_file_sizes_are_capped():
    """Check that a cell's output is cut at its cap and a file at its size limit, and that the
    cells after a flood of output keep theirs."""
    notebook = run(["for _ in range(30):\n    print('x' * 100_000)",  # 3 MB, 15 times the cap
                    "try:\n    open('big.bin', 'wb').write(b'0' * (20 * 2**20))\n"
                    "except OSError as e:\n    print('refused', e.errno)",
                    "print('alive')"],
                   cell_timeout_s=30, max_file_mb=8, max_output_bytes_per_cell=200_000)
    output, big_file, after = notebook.cells
    kept = sum(len(o.get("text", "")) for o in output.outputs)
    assert kept <= 200_000
    assert "output truncated" in texts(output)
    assert texts(big_file) == "refused 27\n"  # EFBIG
    assert texts(after) == "alive\n"


def test_every_cell_keeps_the_output_it_printed_last():
    """Check that output printed as a cell ends reaches that cell, in order, on every cell (the
    kernel sends its reply without ipykernel's pause for clients that stop reading at it)."""
    cells = [f"import sys\nprint('cell {k} out')\nprint('cell {k} err', file=sys.stderr)\n"
             f"sys.stdout.write('cell {k} last')" for k in range(40)]
    notebook = run(cells)
    for k, cell in enumerate(notebook.cells):
        # ipykernel flushes its streams on a timer, so one print can arrive as two stream
        # outputs; what counts is that every piece reaches this cell, in order
        streams = {}
        for o in cell.outputs:
            if o["output_type"] == "stream":
                streams[o["name"]] = streams.get(o["name"], "") + o["text"]
        assert streams.get("stdout") == f"cell {k} out\ncell {k} last", (k, cell.outputs)
        assert streams.get("stderr") == f"cell {k} err\n", (k, cell.outputs)


def test_one_stream_flushed_in_pieces_reads_as_one_output():
    """Check that a stream the kernel sent in several messages is kept as one output, in order,
    as JupyterLab shows it (stderr between two stdout pieces keeps them apart)."""
    notebook = run(["import sys\nfor k in range(3):\n    print(k, end=' ')\n    sys.stdout.flush()",
                    "import sys\nprint('a'); sys.stdout.flush()\n"
                    "print('b', file=sys.stderr); sys.stderr.flush()\nprint('c')"])
    pieces, interleaved = notebook.cells
    assert [(o.name, o.text) for o in pieces.outputs] == [("stdout", "0 1 2 ")]
    assert [(o.name, o.text) for o in interleaved.outputs] == [
        ("stdout", "a\n"), ("stderr", "b\n"), ("stdout", "c\n")]


def test_cpu_time_is_limited(limited):
    cells, notebook = limited
    # five seconds of wall clock cap this cell before the CPU limit (120 s) could
    assert errors(cells["cpu"])[-1][0] == "CellTimeoutError"
    events = [e["event"] for e in notebook.metadata["lossopt_sandbox"]["events"]]
    assert events[-1] == "done"


def test_cpu_limit_kills_a_kernel_that_spins():
    notebook = run(["while True:\n    pass", "print('next')"], cpu_seconds=2, cell_timeout_s=30)
    assert errors(notebook.cells[0])[-1][0] == "KernelDied"
    assert texts(notebook.cells[1]) == "next\n"


def test_the_notebook_time_limit_marks_the_rest_as_not_run():
    notebook = run(["import time\ntime.sleep(1)", "time.sleep(60)", "print('never')"],
                   cell_timeout_s=90, notebook_timeout_s=6)
    assert errors(notebook.cells[0]) == []
    assert errors(notebook.cells[1])[-1][0] == "NotebookTimeoutError"
    assert errors(notebook.cells[2])[-1][0] == "CellNotRun"
    assert texts(notebook.cells[2]) == ""


def test_grading_refuses_without_bubblewrap(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    check_bwrap.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
            run(["print(1)"])
    finally:
        check_bwrap.cache_clear()


def test_unsandboxed_needs_the_flag_and_says_so():
    notebook = new_notebook(cells=[new_code_cell("print('ran')")])
    done = execute_notebook(notebook, None, unsandboxed=True)
    assert done.metadata["lossopt_sandbox"]["sandboxed"] is False
    assert "without the sandbox" in done.cells[0].source
    assert texts(done.cells[1]) == "ran\n"
    assert run(["print('ran')"]).metadata["lossopt_sandbox"]["sandboxed"] is True


@pytest.mark.parametrize("unsandboxed", [False, True])
def test_a_grader_written_cell_runs_from_a_file_in_the_students_namespace(unsandboxed):
    """The collection cells are run from a file of the runner folder, not typed in: the kernel's
    input history holds one short line, yet what the cell defines is there for the next cell,
    and its outputs come back in the cell's place."""
    from autograder.vocabulary import GRADER_CODE

    grader = new_code_cell("answer = sum(range(10))\nprint('collected', answer)\n" + "# padding\n" * 2000)
    grader.metadata[GRADER_CODE] = True
    notebook = new_notebook(cells=[new_code_cell("before = 1"), grader,
                                   new_code_cell("print(answer + before, len(_ih[-2]), 'exec(' in _ih[-2])")])
    done = execute_notebook(notebook, None, Limits(), unsandboxed=unsandboxed)
    code = [cell for cell in done.cells if cell.cell_type == "code"]  # unsandboxed adds a notice
    assert texts(code[1]) == "collected 45\n"
    shown = texts(code[2]).split()
    assert shown[0] == "46" and shown[2] == "True"
    assert int(shown[1]) < 300, f"the kernel was typed {shown[1]} characters, not the short exec line"
    assert code[1].source == grader.source  # the grader's copy keeps the cell as it was


def test_outputs_from_the_sandbox_are_rebuilt_as_plain_data():
    assert sanitize_output({"output_type": "stream", "name": "stdout", "text": ["a", "b"]}).text == "ab"
    assert sanitize_output({"output_type": "stream", "name": "/etc/passwd", "text": "x"}) is None
    assert sanitize_output({"output_type": "bogus"}) is None
    assert sanitize_output({"output_type": "error", "ename": 3}) is None
    shown = sanitize_output({"output_type": "display_data", "data": {
        "text/plain": "v", "application/x-results+json": {"a": [1]}, "no-slash": "x"},
        "metadata": {"evil": True}})
    assert dict(shown.data) == {"text/plain": "v", "application/x-results+json": {"a": [1]}}
    assert shown.metadata == {}


def test_the_course_config_executes_in_the_sandbox():
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.sandbox import SandboxedExecute

    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    assert SandboxedExecute in config.Autograde.autograde_preprocessors
    from nbgrader.preprocessors import Execute

    assert Execute not in config.Autograde.autograde_preprocessors


# ------------------------------------------------------------------ kernel start: retried; when
# it never succeeds, an infrastructure error, never a notebook of zeros

@pytest.fixture
def kernel_start_faults(monkeypatch, tmp_path):
    """``faults(n)``: from now on the sandbox's first ``n`` kernel starts die before replying
    (tests/faulty_runner.py takes the runner's place in the runner folder)."""
    from autograder.sandbox import execute

    def faults(count):
        (tmp_path / "kernel_start_faults").write_text(str(count))
        monkeypatch.setattr(execute, "RUNNER_FILES", {
            **execute.RUNNER_FILES, "runner.py": str(Path(__file__).with_name("faulty_runner.py")),
            "real_runner.py": execute.RUNNER_SOURCE,
            "kernel_start_faults": str(tmp_path / "kernel_start_faults")})
    return faults


def test_a_kernel_that_fails_to_start_once_is_retried_and_the_notebook_graded(kernel_start_faults):
    kernel_start_faults(1)
    notebook = new_notebook(cells=[new_code_cell("x = 6 * 7"), new_code_cell("print(x)")])
    done = execute_notebook(notebook, None, Limits())
    assert errors(done.cells[0]) == [] and texts(done.cells[1]) == "42\n"
    events = [e["event"] for e in done.metadata["lossopt_sandbox"]["events"]]
    assert events == ["kernel_start_retry", "kernel_started", "done"]


def test_a_kernel_that_never_starts_raises_an_infrastructure_error_instead_of_zeros(tmp_path,
                                                                                     kernel_start_faults):
    from autograder.sandbox import KernelStartError

    kernel_start_faults(99)
    submission = tmp_path / "submitted" / "alice" / "losses"
    submission.mkdir(parents=True)
    notebook = new_notebook(cells=[new_code_cell("print('never')")])
    with pytest.raises(KernelStartError) as raised:
        execute_notebook(notebook, str(submission), Limits(kernel_start_attempts=3),
                         notebook_name="losses.ipynb")
    message = str(raised.value)
    assert message.startswith("infrastructure failure, not the student's")
    assert str(submission / "losses.ipynb") in message
    assert "Kernel died before replying to kernel_info" in message and "3 attempts" in message
    assert "\n" not in message  # graders show the last line of a traceback as the reason
    events = [e["event"] for e in raised.value.events]
    assert events == ["kernel_start_retry", "kernel_start_retry", "kernel_start_failed", "done"]


def test_limits_too_tight_for_python_itself_are_not_the_students_fault():
    from autograder.sandbox import KernelStartError

    notebook = new_notebook(cells=[new_code_cell("print('never')")])
    with pytest.raises(KernelStartError, match="no sandboxed kernel could be started"):
        execute_notebook(notebook, None, Limits(memory_mb=40, kernel_start_attempts=2))


def test_a_kernel_start_with_numpy_and_matplotlib_fits_half_the_default_memory_limit():
    """MALLOC_ARENA_MAX=2 and one BLAS thread keep the address space of a started kernel the
    same however loaded the machine is; half the default limit still leaves room to work."""
    memory_mb = Limits().memory_mb // 2
    notebook = run(["import numpy as np, matplotlib.pyplot as plt, ipywidgets, lossopt.plots\n"
                    "fig = plt.figure(); plt.plot(np.arange(10)); fig.canvas.draw()\n"
                    "a = np.ones((1000, 1000)) @ np.ones((1000, 1000))\nprint(a[0, 0])"],
                   memory_mb=memory_mb)
    assert errors(notebook.cells[0]) == [] and texts(notebook.cells[0]) == "1000.0\n"


def test_matplotlib_finds_its_font_list_built_once_outside_the_sandbox():
    """No font scan per submission: the prebuilt list is there, read-only, and matplotlib uses
    it from its writable config folder (no fallback to a temporary one)."""
    from autograder.sandbox.bwrap import MATPLOTLIB_DIR, matplotlib_font_lists

    lists = matplotlib_font_lists()
    assert lists, "the font list could not be built under the virtual environment"
    name = os.path.basename(lists[0])
    notebook = run(["import os, matplotlib, matplotlib.font_manager as fm\n"
                    f"path = os.path.join(matplotlib.get_cachedir(), {name!r})\n"
                    "print(matplotlib.get_cachedir(), os.access(matplotlib.get_cachedir(), os.W_OK),\n"
                    "      os.path.isfile(path), os.access(path, os.W_OK), len(fm.fontManager.ttflist) > 0)"])
    assert errors(notebook.cells[0]) == []
    assert texts(notebook.cells[0]) == f"{MATPLOTLIB_DIR} True True False True\n"


def test_a_kernel_that_dies_after_student_code_ran_costs_only_its_cells():
    notebook = run(["import os\nx = 1", "os._exit(1)", "print('after', x)"], kernel_start_attempts=1)
    assert errors(notebook.cells[1])[-1][0] == "KernelDied"
    assert texts(notebook.cells[2]) == "after 1\n"


@pytest.fixture
def starved_course(tmp_path):
    """A course whose config starves every kernel at start (memory_mb=40), one solved submission.
    One per test: a failed ``nbgrader autograde`` leaves the submission in the gradebook."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from grading_harness import make_course, solved_release

    root = make_course("ce_vs_mse", tmp_path / "course")
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.SandboxedExecute.memory_mb = 40\nc.SandboxedExecute.kernel_start_attempts = 1\n")
    folder = root / "submitted" / "alice" / "ce_vs_mse"
    folder.mkdir(parents=True)
    nbformat.write(solved_release("ce_vs_mse"), folder / "ce_vs_mse.ipynb")
    return root


def test_nbgrader_autograde_records_no_grades_for_a_kernel_that_never_started(starved_course):
    from grading_harness import nbgrader

    log = starved_course / "autograde.log"
    with pytest.raises(RuntimeError, match="failed"):
        nbgrader(["autograde", "ce_vs_mse", "--force"], starved_course, log)
    assert "KernelStartError: infrastructure failure" in log.read_text()
    assert not (starved_course / "autograded" / "alice" / "ce_vs_mse").exists()
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{starved_course / 'gradebook.db'}", "lossopt") as gradebook:
        grades = gradebook.find_submission("ce_vs_mse", "alice").notebooks[0].grades
        # nbgrader lists the submission as still needing grading: no score, not 0
        assert grades and all(g.auto_score is None and g.manual_score is None for g in grades)


def test_the_grading_command_lists_the_student_as_failed_not_scored(starved_course):
    import csv
    import subprocess

    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "ce_vs_mse",
                           str(starved_course / "submitted"), "--force"], cwd=starved_course,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    assert "Graded 0, unchanged 0, failed 1." in done.stdout
    assert "FAILED alice: " in done.stdout and "infrastructure failure" in done.stdout
    with open(starved_course / "grades" / "ce_vs_mse" / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert "alice" not in [row["student_id"] for row in rows], rows  # no row, so no 0 to upload


def test_grading_works_when_the_environment_is_reached_through_a_symbolic_link(tmp_path):
    """A venv linked into the course (or conda's and pyenv's links): the kernel starts from the
    path the grader was started by, and finds its packages there."""
    import subprocess

    link = tmp_path / "course" / ".venv"
    link.parent.mkdir()
    link.symlink_to(os.path.realpath(sys.prefix), target_is_directory=True)
    script = (
        "import nbformat, sys\n"
        "from nbformat.v4 import new_code_cell, new_notebook\n"
        "from autograder.sandbox import execute_notebook\n"
        "nb = execute_notebook(new_notebook(cells=[new_code_cell("
        "'import sys, numpy; print(sys.prefix, numpy.ones(2).sum())')]))\n"
        "print(nb.cells[0].outputs)\n")
    done = subprocess.run([str(link / "bin" / "python"), "-c", script], capture_output=True,
                          text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{link} 2.0" in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]


def test_removing_a_scratch_folder_never_touches_the_folder_holding_it(tmp_path, monkeypatch):
    """When the scratch folder itself fails to go (a process still writing into it), its
    parent (the system's /tmp) keeps its permissions; once it opened /tmp to root only."""
    import os

    from autograder.sandbox import execute

    parent = tmp_path / "tmp"
    parent.mkdir()
    parent.chmod(0o1777)
    scratch = parent / "lossopt-sandbox-x"
    (scratch / "inner").mkdir(parents=True)

    def rmtree_that_trips_on_the_root(path, onerror=None, ignore_errors=False):
        onerror(os.rmdir, str(scratch / "inner"), None)  # inside the tree: opened, removed
        onerror(os.rmdir, str(scratch), None)            # the root itself: its parent untouched

    monkeypatch.setattr(execute.shutil, "rmtree", rmtree_that_trips_on_the_root)
    execute._remove_tree(str(scratch))
    assert not scratch.exists()
    assert oct(parent.stat().st_mode & 0o7777) == oct(0o1777)
