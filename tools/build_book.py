"""Build the book the one way every caller uses: ``make book``, the tests and the benchmark.

    python tools/build_book.py [--output DIR]

Runs ``jupyter-book build`` on the repository with ``-W -n --keep-going`` (every warning, and
every dangling reference, fails the build, after reporting all of them). Interactive figures
are rendered as static frames (``LOSSOPT_FIGURES=static``; ``_config.yml`` loads
``lossopt.interactive`` as a Sphinx extension that sets it too, so a bare ``jupyter-book build``
behaves the same). ``--output`` builds into ``DIR/_build`` instead of the repository's ``_build``.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command(root=ROOT, output=None):
    """The jupyter-book command line that builds the book at ``root``."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    line = [str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going"]
    if output is not None:
        line += ["--path-output", str(output)]
    return line


def build(root=ROOT, output=None, **run_options):
    """Run the build; returns the CompletedProcess (the caller decides what a failure means)."""
    environment = {**os.environ, "LOSSOPT_FIGURES": "static"}
    return subprocess.run(command(root, output), env=environment, cwd=root, **run_options)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="build into OUTPUT/_build (default: the repository)")
    args = parser.parse_args(argv)
    return build(output=args.output).returncode


if __name__ == "__main__":
    sys.exit(main())
