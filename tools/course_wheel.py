"""The course package as a wheel: ``lossopt`` alone, never ``autograder``, for a reader's Python.

    python tools/course_wheel.py DEST

The repository's pyproject.toml is the developers' install (lossopt and the grader, editable).
A reader running a downloaded chapter needs only ``lossopt``, so this stages ``lossopt/`` beside
a pyproject of its own: name ``lossopt``, the repository's version, and as dependencies the pins
of numpy, matplotlib, ipywidgets and anywidget that requirements.txt holds, so a reader gets the versions
the book was built with. ``pip wheel --no-deps --no-build-isolation`` builds it offline with the
setuptools already installed. The book's build calls :func:`build` (tools/notebook_download.py)
and offers the wheel next to the chapter notebooks.
"""
import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "lossopt"
# what lossopt imports at run time (Pillow and IPython come with matplotlib and ipywidgets;
# anywidget's wheel brings the front-end extension the live sliders run in)
RUNTIME_REQUIREMENTS = ("numpy", "matplotlib", "ipywidgets", "anywidget")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>\S+)\s*(#.*)?$")


def version(root=ROOT):
    """The repository's version (pyproject.toml's ``project.version``)."""
    path = root / "pyproject.toml"
    project = tomllib.loads(path.read_text()).get("project", {})
    if "version" not in project:
        raise ValueError(f"{path}: no project.version to give the {PACKAGE} wheel")
    return project["version"]


def runtime_pins(root=ROOT):
    """``name==version`` of each runtime requirement, as requirements.txt pins it."""
    path = root / "requirements.txt"
    pins = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[match["name"].lower()] = f"{match['name']}=={match['version']}"
    missing = [name for name in RUNTIME_REQUIREMENTS if name not in pins]
    if missing:
        raise ValueError(f"{path}: no '==' pin for {', '.join(missing)}, which {PACKAGE} needs at run time")
    return [pins[name] for name in RUNTIME_REQUIREMENTS]


def wheel_name(root=ROOT):
    """The wheel's file name (pure Python, any platform)."""
    return f"{PACKAGE}-{version(root)}-py3-none-any.whl"


def pyproject(root=ROOT):
    dependencies = ", ".join(f'"{pin}"' for pin in runtime_pins(root))
    return (
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{PACKAGE}"\nversion = "{version(root)}"\n'
        'description = "Plots, sliders, loss landscapes and toy data of the course '
        'Loss Functions & Optimization"\n'
        f'requires-python = ">=3.11"\ndependencies = [{dependencies}]\n\n'
        f'[tool.setuptools]\npackages = ["{PACKAGE}"]\n')


def build(destination, root=ROOT):
    """Build the wheel into ``destination``; returns its path."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lossopt-wheel-") as staging:
        staging = Path(staging)
        shutil.copytree(root / PACKAGE, staging / PACKAGE,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (staging / "pyproject.toml").write_text(pyproject(root))
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
             "--quiet", "--wheel-dir", str(destination), str(staging)],
            capture_output=True, text=True)
    wheel = destination / wheel_name(root)
    if result.returncode != 0 or not wheel.is_file():
        raise RuntimeError(f"building {wheel.name} failed:\n{result.stdout}{result.stderr}")
    return wheel


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destination", type=Path, help="folder to write the wheel into")
    print(build(parser.parse_args(argv).destination))


if __name__ == "__main__":
    main()
