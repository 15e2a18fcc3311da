"""Sandbox benchmark: what bubblewrap + the runner cost per notebook, and what the bombs cost.

    .venv/bin/python benchmarks/sandbox.py [--rounds R] [ASSIGNMENT ...]

For each assignment (default: every one in solutions/) the instructor's solution, as a student
would submit it, is executed R times (default 3) with plain nbclient (no sandbox), with
``autograder.sandbox.execute_notebook``, and with it through the warm launcher (as the grading
command's workers run it; as root only); prints the median seconds of each.
Then times a few hostile cells under the default limits' kind of stop (timeout, kernel death,
100 MB of output) with tight limits. Asserts nothing.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from grading_harness import solved_release  # noqa: E402

from autograder.sandbox import Limits, execute_notebook  # noqa: E402


def seconds(action):
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    names = args.assignments or sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())
    print(f"{'assignment':<16}{'plain s':>10}{'sandbox s':>12}{'overhead s':>12}{'launched s':>12}")
    for name in names:
        notebook = solved_release(name)
        plain = [seconds(lambda: NotebookClient(notebook, timeout=120, kernel_name="python3",
                                                resources={"metadata": {"path": str(REPO)}}).execute())
                 for _ in range(args.rounds)]
        boxed = [seconds(lambda: execute_notebook(notebook)) for _ in range(args.rounds)]
        execute_notebook(notebook, warm_launcher=True)  # the launcher's own start, not timed
        launched = [seconds(lambda: execute_notebook(notebook, warm_launcher=True))
                    for _ in range(args.rounds)]
        p, b, w = statistics.median(plain), statistics.median(boxed), statistics.median(launched)
        print(f"{name:<16}{p:>10.2f}{b:>12.2f}{b - p:>12.2f}{w:>12.2f}")

    tight = Limits(cell_timeout_s=5, memory_mb=1024, max_processes=48)
    bombs = {
        "infinite loop (cell timeout 5 s)": "while True:\n    pass",
        "os._exit (kernel restart)": "import os\nos._exit(0)",
        "fork bomb (timeout 5 s)": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        "100 MB of output": "for _ in range(1000):\n    print('x' * 100_000)",
    }
    print(f"\n{'hostile cell, then print(1)':<40}{'sandbox s':>12}")
    for label, source in bombs.items():
        notebook = new_notebook(cells=[new_code_cell("import numpy as np"), new_code_cell(source),
                                       new_code_cell("print(1)")])
        print(f"{label:<40}{seconds(lambda: execute_notebook(notebook, None, tight)):>12.2f}")


if __name__ == "__main__":
    main()
