"""Share of plausible mistakes that the released notebooks' visible tests catch in a plain kernel.

    .venv/bin/python benchmarks/visible_catch_rate.py [--tree DIR] [ASSIGNMENT ...]

The mistakes are this checkout's ``tests/wrong_submissions/<assignment>/*.py``. Each is put into
the release of ``DIR`` (default: this checkout; e.g. an older commit unpacked with ``git archive
COMMIT | tar -x -C DIR``) with the solution everywhere else, and the notebook is run top to bottom
in an ordinary kernel importing ``lossopt`` from ``DIR`` (``tests/visible_verdicts.py``). A
mistake is *caught* when at least one visible test cell fails. Prints, per assignment and in all,
caught / total and the mistakes that pass every visible test. Asserts nothing.
"""
import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from visible_verdicts import assignments, mistakes, run_variant  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=REPO,
                        help="checkout whose exercises/, solutions/ and lossopt/ are measured")
    parser.add_argument("assignment", nargs="*")
    options = parser.parse_args()
    tree = options.tree.resolve()
    caught_all = total_all = 0
    for assignment in options.assignment or assignments(REPO):
        missed = []
        found = mistakes(assignment)
        for variant in found:
            if not run_variant(assignment, variant.code, tree):
                missed.append(variant.name)
        caught = len(found) - len(missed)
        caught_all, total_all = caught_all + caught, total_all + len(found)
        print(f"{assignment:<14} caught {caught:>3} / {len(found):<3}"
              f"{'  missed: ' + ', '.join(missed) if missed else ''}", flush=True)
    share = caught_all / total_all if total_all else float("nan")
    print(f"{'all':<14} caught {caught_all:>3} / {total_all:<3} = {share:.1%}  (tree: {tree})")


if __name__ == "__main__":
    main()
