"""Grading benchmark: plain ``nbgrader autograde`` vs ``python -m autograder grade``, same set.

    .venv/bin/python benchmarks/grading.py [--per-assignment N] [--jobs J] [--rounds R] [ASSIGNMENT ...]

For each assignment (default: every one in solutions/), N submissions (default 8) cycling
correct, partly wrong, blank and mixed (``tests/submission_mix.py``) are graded twice, each in
a fresh copy of the course (``nbgrader_config.py`` + that assignment's source), so both use the
same pipeline, sandbox included:

1. plain: ``nbgrader autograde`` (timed): nbgrader's one-at-a-time loop;
2. command: ``python -m autograder grade ASSIGNMENT submitted-folder --jobs J`` (timed whole:
   collection, autograding, feedback for every student, grades.csv and report.html).

Both courses get the same untimed set-up first, the instructor's release step
(``nbgrader generate_assignment``, which records the assignment in the gradebook).

With ``--rounds R`` the whole comparison runs R times, alternating which of the two goes first,
so a machine whose load drifts (other jobs starting or ending) does not favour either side; the
load average is printed before and after. Prints submissions per minute for both, their ratio,
and whether the two gave every student the same total (hidden checks draw fresh random cases at
each run, so a submission wrong only on some inputs may differ; each difference is listed).
Also prints, for each side, the machine's busy CPU time during its runs (all processes,
sandboxed kernels included, from /proc/stat), so a ratio can be read as "less work" or "more
cores". Asserts nothing. Target: ratio >= 4 on a 2-core machine with the sandbox on, over at
least 60 submissions in one run.
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


def busy_core_seconds() -> float:
    """CPU time the whole machine has spent busy so far (all cores, every process: the sandboxed
    kernels too, which no rusage of ours sees), from /proc/stat; 0 where there is none."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


CPU = {"plain": 0.0, "command": 0.0, "setup": 0.0}


def run(args, cwd, log, side):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started, busy = time.perf_counter(), busy_core_seconds()
    with open(log, "a") as handle:
        done = subprocess.run(args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
    CPU[side] += busy_core_seconds() - busy
    return time.perf_counter() - started, done.returncode


def totals(course: Path, assignment: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "lossopt") as gradebook:
        return {s.student.id: round(s.score, 6) for s in gradebook.find_assignment(assignment).submissions}


def grade_plain(work: Path, assignment: str, source: Path) -> float:
    course = fresh_course(work / "plain", assignment)
    log = course / "benchmark.log"
    run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], course, log, "setup")
    shutil.copytree(source, course / "submitted")
    seconds, code = run([str(BIN / "nbgrader"), "autograde", assignment], course, log, "plain")
    print(f"    plain nbgrader autograde {seconds:6.1f} s (exit {code})", flush=True)
    return seconds, course


def grade_command(work: Path, assignment: str, source: Path, jobs: int) -> float:
    course = fresh_course(work / "command", assignment)
    run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], course,
        course / "benchmark.log", "setup")
    seconds, code = run([sys.executable, "-m", "autograder", "grade", assignment, str(source),
                         "--jobs", str(jobs)], course, course / "benchmark.log", "command")
    print(f"    autograder grade -j {jobs}    {seconds:6.1f} s (exit {code})", flush=True)
    return seconds, course


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--per-assignment", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the course folders (path printed)")
    options = parser.parse_args()
    assignments = options.assignments or sorted(
        p.name for p in (REPO / "solutions").iterdir() if any(p.glob("*.ipynb")))
    work = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    print(f"{options.per_assignment} submissions x {len(assignments)} assignments "
          f"({', '.join(assignments)}), --jobs {options.jobs}, {options.rounds} round(s), "
          f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}; work in {work}")
    seconds = {"plain": 0.0, "command": 0.0}
    count = 0
    for round_ in range(options.rounds):
        for assignment in assignments:
            submissions = submission_mix(assignment, options.per_assignment)
            count += len(submissions)
            here = work / f"round{round_}" / assignment
            source = write_submitted(here / "lms", assignment, submissions)
            print(f"  round {round_ + 1}, {assignment}:", flush=True)
            order = ["plain", "command"] if round_ % 2 == 0 else ["command", "plain"]
            courses, took = {}, {}
            for side in order:
                if side == "plain":
                    took[side], courses[side] = grade_plain(here, assignment, source)
                else:
                    took[side], courses[side] = grade_command(here, assignment, source, options.jobs)
                seconds[side] += took[side]
            print(f"    ratio here: {took['plain'] / took['command']:.2f}x", flush=True)
            plain_totals, our_totals = totals(courses["plain"], assignment), totals(courses["command"], assignment)
            differ = {s: (plain_totals.get(s), our_totals.get(s)) for s in set(plain_totals) | set(our_totals)
                      if plain_totals.get(s) != our_totals.get(s)}
            print(f"    same totals: {'yes' if not differ else f'NO (student: plain, command) {differ}'}",
                  flush=True)
    plain_rate = 60 * count / seconds["plain"]
    command_rate = 60 * count / seconds["command"]
    print(f"\n{count} submissions graded by each; load average after: {os.getloadavg()[0]:.1f}")
    print(f"plain nbgrader autograde : {plain_rate:7.1f} submissions/min ({seconds['plain']:.1f} s)")
    print(f"autograder grade -j {options.jobs}    : {command_rate:7.1f} submissions/min ({seconds['command']:.1f} s)")
    print(f"ratio                    : {command_rate / plain_rate:.2f}x (target >= 4x)")
    for side, label in (("plain", "plain nbgrader autograde"), ("command", f"autograder grade -j {options.jobs}")):
        if CPU[side]:
            print(f"{label:<25}: {CPU[side]:7.1f} busy core-seconds ({CPU[side] / count:.2f} per "
                  f"submission), {CPU[side] / seconds[side]:.2f} cores busy on average")
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
