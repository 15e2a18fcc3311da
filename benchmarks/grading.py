"""Grading benchmark: plain ``nbgrader autograde`` vs ``python -m autograder grade``, same set.

    .venv/bin/python benchmarks/grading.py [--per-assignment N] [--jobs J] [ASSIGNMENT ...]

For each assignment (default: every one in solutions/), N submissions (default 8) cycling
correct, partly wrong, blank and mixed (``tests/submission_mix.py``) are graded twice, each in
a fresh copy of the course (``nbgrader_config.py`` + that assignment's source), so both use the
same pipeline, sandbox included:

1. plain: ``nbgrader generate_assignment`` (set-up, not timed), then ``nbgrader autograde``
   (timed): nbgrader's one-at-a-time loop;
2. command: ``python -m autograder grade ASSIGNMENT submitted-folder --jobs J`` (timed whole:
   collection, autograding, feedback for every student, grades.csv and report.html; it also
   records the assignment in its fresh gradebook, which plain nbgrader got from its set-up).

Prints submissions per minute for both, their ratio, and whether the two gave every student the
same total. Asserts nothing. Target: ratio >= 2 on a 2-core machine with the sandbox on.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from submission_mix import submission_mix, write_submitted  # noqa: E402

BIN = Path(sys.executable).parent


def fresh_course(root: Path, assignment: str) -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "solutions" / assignment, root / "solutions" / assignment)
    return root


def run(args, cwd, log):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.perf_counter()
    with open(log, "a") as handle:
        done = subprocess.run(args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return time.perf_counter() - started, done.returncode


def totals(course: Path, assignment: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "lossopt") as gradebook:
        return {s.student.id: round(s.score, 6) for s in gradebook.find_assignment(assignment).submissions}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--per-assignment", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--keep", action="store_true", help="keep the course folders (path printed)")
    options = parser.parse_args()
    assignments = options.assignments or sorted(
        p.name for p in (REPO / "solutions").iterdir() if any(p.glob("*.ipynb")))
    work = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    print(f"{options.per_assignment} submissions x {len(assignments)} assignments "
          f"({', '.join(assignments)}), --jobs {options.jobs}, {os.cpu_count()} cores; work in {work}")
    plain_seconds = command_seconds = 0.0
    count = 0
    for assignment in assignments:
        submissions = submission_mix(assignment, options.per_assignment)
        count += len(submissions)
        source = write_submitted(work / assignment / "lms", assignment, submissions)

        plain = fresh_course(work / assignment / "plain", assignment)
        log = plain / "benchmark.log"
        run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], plain, log)
        shutil.copytree(source, plain / "submitted")
        seconds, code = run([str(BIN / "nbgrader"), "autograde", assignment], plain, log)
        plain_seconds += seconds
        print(f"  {assignment}: plain nbgrader autograde {seconds:6.1f} s (exit {code})", flush=True)

        ours = fresh_course(work / assignment / "command", assignment)
        seconds2, code2 = run([sys.executable, "-m", "autograder", "grade", assignment, str(source),
                               "--jobs", str(options.jobs)], ours, ours / "benchmark.log")
        command_seconds += seconds2
        same = totals(plain, assignment) == totals(ours, assignment)
        print(f"  {assignment}: autograder grade          {seconds2:6.1f} s (exit {code2}); "
              f"same totals as plain: {'yes' if same else 'NO'}", flush=True)
    plain_rate = 60 * count / plain_seconds
    command_rate = 60 * count / command_seconds
    print(f"\n{count} submissions")
    print(f"plain nbgrader autograde : {plain_rate:7.1f} submissions/min ({plain_seconds:.1f} s)")
    print(f"autograder grade -j {options.jobs}    : {command_rate:7.1f} submissions/min ({command_seconds:.1f} s)")
    print(f"ratio                    : {command_rate / plain_rate:.2f}x (target >= 2x)")
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
