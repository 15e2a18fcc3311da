"""The book offers the course package as a wheel, and a downloaded chapter runs from it alone."""
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import course_wheel  # noqa: E402

# Where this machine keeps the wheels pip installs from; without it, pip's own configuration.
WHEELHOUSE = Path(os.environ.get("LOSSOPT_WHEELHOUSE", "/opt/pypi/files"))
CHAPTER = "book/06_momentum"  # glued numbers, two slider figures, the package's landscapes


@pytest.fixture(scope="module")
def wheel(built_book):
    path = built_book.html / "_downloads" / course_wheel.wheel_name()
    assert path.is_file(), f"the book offers no {path.name}"
    return path


def test_the_wheel_holds_lossopt_and_nothing_else(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names}
    assert packages == {"lossopt", f"lossopt-{course_wheel.version()}.dist-info"}
    shipped = {name for name in names if name.startswith("lossopt/")}
    assert shipped == {f"lossopt/{p.name}" for p in (ROOT / "lossopt").glob("*.py")}


def test_the_wheel_pins_what_requirements_txt_pins(wheel):
    metadata = zipfile.ZipFile(wheel).read(f"lossopt-{course_wheel.version()}.dist-info/METADATA").decode()
    required = re.findall(r"^Requires-Dist: (.*)$", metadata, re.M)
    pinned = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.split("==")[0] in ("numpy", "matplotlib", "ipywidgets", "anywidget")]
    assert sorted(required) == sorted(pinned) and len(required) == 4
    assert re.search(r"^Name: lossopt$", metadata, re.M)


def test_every_chapter_page_offers_the_wheel_and_says_how_to_install_it(built_book, wheel):
    from conftest import chapter_notebooks

    for name, _ in chapter_notebooks():
        page = (built_book.html / f"{name}.html").read_text()
        links = re.findall(r'href="([^"]*\.whl)"', page)
        assert links, f"{name}: no link to the course package"
        for link in links:
            assert (built_book.html / name).parent.joinpath(link).resolve() == wheel.resolve()
        assert f"pip install {wheel.name}" in page
        notebook = nbformat.read(built_book.html / "_sources" / f"{name}.ipynb", as_version=4)
        assert f"pip install {wheel.name}" in notebook.cells[0].source


def run(command, **options):
    result = subprocess.run(command, capture_output=True, text=True, **options)
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result.stdout


def test_a_downloaded_chapter_runs_with_only_the_wheel_installed(built_book, wheel, tmp_path):
    """A fresh virtual environment: the wheel, a kernel and nbclient; no repository, no myst_nb."""
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    # the machine's wheels first; the package index for what they lack
    local = ["--find-links", str(WHEELHOUSE)] if WHEELHOUSE.is_dir() else []
    run([str(python), "-m", "pip", "install", "--quiet", *local, str(wheel), "ipykernel", "nbclient"])
    reader = tmp_path / "reader"
    reader.mkdir()
    notebook = reader / Path(CHAPTER).with_suffix(".ipynb").name
    notebook.write_bytes((built_book.html / "_sources" / f"{CHAPTER}.ipynb").read_bytes())
    # the reader's environment: nothing of the repository on the path, sliders live
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONPATH", "LOSSOPT_FIGURES", "VIRTUAL_ENV")}
    found = run([str(python), "-c", "import importlib.util as u, lossopt; print(lossopt.__file__); "
                 "print(u.find_spec('autograder'), u.find_spec('myst_nb'))"], cwd=reader, env=environment)
    assert found.splitlines() == [str(venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
                                      / "site-packages" / "lossopt" / "__init__.py"), "None None"]
    run([str(venv / "bin" / "jupyter-execute"), "--timeout=600", "--output", "ran.ipynb", notebook.name],
        cwd=reader, env=environment)
    ran = nbformat.read(reader / "ran.ipynb", as_version=4)
    code = [cell for cell in ran.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert errors == []
    mimes = {key for cell in code for out in cell.outputs for key in out.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" in mimes, "the sliders should be a live widget"
