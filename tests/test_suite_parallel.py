"""The suite's own parallel run: the tests that share something costly land on one worker.

``make test`` runs pytest-xdist with ``--dist loadgroup``, and ``tests/conftest.py`` puts the
tests that share a book build, an assignment's nbgrader run or a module's fixture into one
group each. If a pytest or xdist upgrade stops xdist from honouring the groups (pytest 9.2
stores node ids where xdist 3.8 cannot add the group to them), nothing fails: the book is just
built once per worker and the suite takes twice as long. This test runs a small suite with the
course's grouping rule the way ``make test`` runs the real one and looks at which worker ran what.
"""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

TESTS = Path(__file__).resolve().parent

INNER_CONFTEST = f'''
import importlib.util
import json
import os
import pytest

spec = importlib.util.spec_from_file_location("course_conftest", {str(TESTS / "conftest.py")!r})
course = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course)
pytest_collection_modifyitems = course.pytest_collection_modifyitems


@pytest.fixture(scope="session")
def built_book():
    return "book"


@pytest.fixture(scope="module")
def corpus():
    return "corpus"


@pytest.fixture
def record(request):
    yield
    with open(os.environ["WORKER_LOG"], "a") as log:
        log.write(json.dumps([request.node.nodeid.split("@")[0],
                              os.environ.get("PYTEST_XDIST_WORKER")]) + "\\n")
'''

INNER_TESTS = '''
import time
import pytest


class AssignmentGradingTests:
    assignment = None


class TestAdam(AssignmentGradingTests):
    assignment = "adam"

    @pytest.mark.parametrize("i", range(6))
    def test_graded(self, record, i):
        time.sleep(0.05)


@pytest.mark.parametrize("i", range(6))
def test_reads_book(built_book, record, i):
    time.sleep(0.05)


@pytest.mark.parametrize("i", range(6))
def test_uses_corpus(corpus, record, i):
    time.sleep(0.05)


@pytest.mark.parametrize("i", range(12))
def test_independent(record, i):
    time.sleep(0.05)
'''


def test_tests_sharing_costly_state_run_on_one_worker(tmp_path):
    """Check that under ``-n 2 --dist loadgroup`` each group of tests sharing state runs in one
    worker, and that the other tests are spread over both."""
    (tmp_path / "conftest.py").write_text(INNER_CONFTEST)
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    log = tmp_path / "workers.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
         "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "WORKER_LOG": str(log)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ran = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(ran) == 30, ran

    def workers(prefix):
        return {worker for nodeid, worker in ran if nodeid.split("::", 1)[1].startswith(prefix)}

    for group in ("TestAdam::", "test_reads_book", "test_uses_corpus"):
        assert len(workers(group)) == 1, f"{group} ran on workers {sorted(workers(group))}, not one"
    assert workers("") == {"gw0", "gw1"}, f"only {sorted(workers(''))} ran tests"
