"""``python -m autograder``: the instructor's command line (see ``autograder.cli``)."""
from autograder.cli import main

# The guard matters: grading workers start from a forkserver, which re-imports the main module.
if __name__ == "__main__":
    raise SystemExit(main())
