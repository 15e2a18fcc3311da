"""Shared fixtures: the book, built once per test session with the command `make book` uses."""
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_book  # noqa: E402


SHARED_SCOPES = ("package", "module", "class")


def xdist_group_of(item):
    """The one worker's worth of tests that ``item`` shares costly state with, or None.

    Under pytest-xdist (``make test``: ``-n 2 --dist loadgroup``) each worker would otherwise
    make for itself everything a test shares: the book would be built twice, an assignment's
    nbgrader run or the hostile corpus graded twice. So the tests that read the built book run
    in one worker; so do the tests of one class of ``AssignmentGradingTests`` (one nbgrader run
    per assignment, cached in the worker) and the tests sharing a fixture made once per module
    or class. A module that caches something costly itself says so with its own
    ``pytestmark = pytest.mark.xdist_group(...)``.
    """
    if "built_book" in getattr(item, "fixturenames", ()):
        return "book"
    cls = getattr(item, "cls", None)
    assignment = getattr(cls, "assignment", None)
    if assignment and any(base.__name__ == "AssignmentGradingTests" for base in cls.__mro__):
        return f"nbgrader-run-{assignment}"
    info = getattr(item, "_fixtureinfo", None)
    for definitions in getattr(info, "name2fixturedefs", {}).values():
        if any(d.scope in SHARED_SCOPES for d in definitions):
            return f"shared-fixture-{item.nodeid.split('::')[0]}"
    return None


def pytest_configure(config):
    """One folder for the whole session (the xdist workers inherit it) where the grading harness
    keeps each assignment's generated course; removed when the session ends."""
    from grading_harness import SHARED_COURSES

    if SHARED_COURSES not in os.environ and not hasattr(config, "workerinput"):
        os.environ[SHARED_COURSES] = tempfile.mkdtemp(prefix="lossopt-courses-")
        config._lossopt_shared_courses = os.environ[SHARED_COURSES]


def pytest_unconfigure(config):
    folder = getattr(config, "_lossopt_shared_courses", None)
    if folder:
        from grading_harness import SHARED_COURSES

        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(SHARED_COURSES, None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Put each test into its xdist group (:func:`xdist_group_of`). First among the hooks:
    xdist's own reads the group marks to route the tests, so they must be on by then. A test
    that already names its group keeps it."""
    for item in items:
        group = xdist_group_of(item)
        if group and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))


def toc_files():
    """Every document the table of contents names, root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return files


def source_of(name):
    """The source file of a _toc.yml entry: a MyST Markdown chapter or a notebook."""
    for suffix in (".md", ".ipynb"):
        path = ROOT / f"{name}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml names {name!r}, but neither {name}.md nor {name}.ipynb exists")


def chapter_notebooks():
    """(toc file, notebook) for every chapter: a MyST Markdown notebook (has a kernelspec).

    Notebooks the book shows as they are (.ipynb, e.g. released exercises) are not chapters:
    their page offers the file itself.
    """
    found = []
    for name in toc_files():
        source = source_of(name)
        if source.suffix == ".md":
            notebook = jupytext.read(source)
            if "kernelspec" in notebook.metadata:
                found.append((name, notebook))
    return found


def code_sources(notebook):
    return [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]


def formula_map():
    """(function names, chapter, reference modules, assignment or None) per row of the README's formula map."""
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- formula-map:start -->")[1].split("<!-- formula-map:end -->")[0]
    out = []
    for line in block.strip().splitlines()[2:]:
        functions, chapter, modules, assignment = [c.strip() for c in line.strip("|").split("|")]
        names = [re.sub(r"\s*\(.*\)", "", f).strip() for f in functions.split(",")]
        out.append((names, chapter, [m.strip() for m in modules.split(",")],
                    None if assignment == "-" else assignment))
    return out


@dataclass
class BuiltBook:
    returncode: int
    log: str
    html: Path


@pytest.fixture(scope="session")
def built_book():
    """The book built from this checkout into a fresh folder (a clean build, cache included).

    The repository's own ``_build`` is left alone, so a developer's ``make book`` and a test
    run never write into each other's output. The folder is not under pytest's basetemp, which
    another pytest run on the same machine may prune while this session still reads it.
    ``LOSSOPT_TEST_BUILD=DIR`` builds into ``DIR`` instead and keeps it: a second run there
    takes its notebooks from the execution cache.
    """
    kept = os.environ.get("LOSSOPT_TEST_BUILD")
    output = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="lossopt-book-"))
    result = build_book.build(output=output, capture_output=True, text=True)
    log = result.stdout + result.stderr
    (output / "build.log").write_text(log)
    yield BuiltBook(result.returncode, log, output / "_build" / "html")
    if not kept:
        shutil.rmtree(output, ignore_errors=True)


@pytest.fixture
def scratch_book(tmp_path):
    """An empty book root using the course's own _config.yml, build extensions and bibliography files."""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    # _config.yml names the .bib files; sphinxcontrib-bibtex warns (and -W fails) if one is missing
    shutil.copytree(ROOT / "book" / "references", tmp_path / "book" / "references")
    shutil.copytree(ROOT / "tools", tmp_path / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path
