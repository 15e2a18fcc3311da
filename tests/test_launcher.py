"""The warm launcher (autograder/sandbox/launcher.py): submissions started from one launcher,
one after another, get what a fresh start gives them and nothing of each other.

The hostile corpus (test_hostile_submissions.py) is graded through the launcher too.
"""
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grading_harness import solved_release  # noqa: E402

from autograder.sandbox import Limits, execute_notebook  # noqa: E402
from autograder.sandbox import bwrap as bw  # noqa: E402
from autograder.sandbox.execute import RUNNER_FILES  # noqa: E402
from autograder.sandbox.launcher import process_launcher  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap missing"),
    pytest.mark.skipif(os.geteuid() != 0, reason="the warm launcher is used when grading as root"),
]

# A kernel forked from the launcher holds the runner's imports; one executed afresh does not.
FORKED = "import sys\nprint('forked' if 'nbclient' in sys.modules else 'fresh')"


def run(cells, **options):
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    done = execute_notebook(notebook, limits=Limits(cell_timeout_s=20), **options)
    return done, ["".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
                  for cell in done.cells]


def code_outputs(notebook):
    return [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]


def test_a_launched_notebook_gives_what_a_fresh_start_gives():
    notebook = solved_release("losses")
    warm = execute_notebook(notebook, warm_launcher=True)
    fresh = execute_notebook(notebook)
    assert code_outputs(warm) == code_outputs(fresh)
    done, printed = run([FORKED], warm_launcher=True)
    assert printed == ["forked\n"], (f"the kernel was not started from the launcher: "
                                     f"{done.metadata['lossopt_sandbox']['events']}")
    _, printed = run([FORKED])
    assert printed == ["fresh\n"]


LEAVE_TRACES = """
import builtins, os, sys, numpy
open('/sandbox/trace.txt', 'w').write('first')
open('/tmp/trace.txt', 'w').write('first')
os.environ['TRACE'] = 'first'
numpy.TRACE = 'first'
builtins.TRACE = 'first'
sys.modules['trace_module'] = type(sys)('trace_module')
kept = ['TRACE' + 'MARK' * 3] * 1000
print('left')
"""

LOOK_FOR_TRACES = """
import builtins, gc, json, os, sys, numpy
found = {
    'sandbox file': os.path.exists('/sandbox/trace.txt'),
    'tmp file': os.path.exists('/tmp/trace.txt'),
    'environment': 'TRACE' in os.environ,
    'numpy attribute': hasattr(numpy, 'TRACE'),
    'builtins': hasattr(builtins, 'TRACE'),
    'module': 'trace_module' in sys.modules,
    'memory': any(isinstance(o, list) and o and isinstance(o[0], str) and o[0].startswith('TRACE' + 'MARK')
                  for o in gc.get_objects()),
    # the sandbox's processes of the student's uid: this kernel and its runner, nothing older
    'other processes': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()
                              and os.stat('/proc/' + p).st_uid == os.getuid()
                              and int(p) not in (os.getpid(), os.getppid())),
}
print(json.dumps(found))
"""


def test_two_submissions_in_a_row_on_one_launcher_cannot_see_each_other():
    _, printed = run([FORKED, LEAVE_TRACES], warm_launcher=True)
    assert printed == ["forked\n", "left\n"]
    _, printed = run([FORKED, LOOK_FOR_TRACES], warm_launcher=True)
    assert printed[0] == "forked\n"
    found = json.loads(printed[1])
    assert found == {"sandbox file": False, "tmp file": False, "environment": False,
                     "numpy attribute": False, "builtins": False, "module": False,
                     "memory": False, "other processes": []}


def test_a_kernel_that_dies_is_replaced_through_the_launcher():
    done, printed = run(["value = 41", "import os\nos._exit(3)", "print(value + 1)"],
                        warm_launcher=True)
    events = [e["event"] for e in done.metadata["lossopt_sandbox"]["events"]]
    assert "kernel_restarted" in events
    assert printed[2] == "42\n", "the cell after the crash did not see the replayed definition"


def test_a_launcher_that_died_is_started_again():
    launcher = process_launcher(RUNNER_FILES, bw.sandbox_env())
    run(["pass"], warm_launcher=True)
    first = launcher._process
    first.kill()
    first.wait()
    _, printed = run([FORKED], warm_launcher=True)
    assert printed == ["forked\n"]
    assert launcher._process is not first and launcher._process.poll() is None


def forked_worker(action):
    """Run ``action()`` in a process forked from this one, as a grading worker is; returns what
    it returned (or raises what it raised)."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(action)


def _forked_kernel_and_its_launcher():
    from autograder.sandbox import launcher

    _, printed = run([FORKED], warm_launcher=True)
    used = launcher.process_launcher(RUNNER_FILES, bw.sandbox_env())
    return printed, used is launcher._SHARED, os.getpid() in launcher._LAUNCHERS


def test_workers_forked_under_a_shared_launcher_use_it_and_outlive_its_death():
    """Check that forked workers take their kernels from the launcher their parent shares, and
    start one of their own once it is gone, without losing a submission."""
    from autograder.sandbox import launcher
    from autograder.sandbox.execute import shared_warm_launcher

    with shared_warm_launcher():
        shared = launcher._SHARED
        assert shared is not None and shared._process.poll() is None
        printed, used_shared, own = forked_worker(_forked_kernel_and_its_launcher)
        assert printed == ["forked\n"] and used_shared and not own
        shared._process.kill()
        shared._process.wait()
        printed, used_shared, own = forked_worker(_forked_kernel_and_its_launcher)
        assert printed == ["forked\n"], "the submission after the shared launcher died"
        assert not used_shared and own, "the worker should have started a launcher of its own"
    assert launcher._SHARED is None and shared._process is None
