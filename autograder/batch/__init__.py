"""Grading many submissions at once: the run in named steps (``run``), the pool of worker
processes (``pool``), what one worker does for one submission (``worker``), and what a worker
keeps warm between submissions (``warm``). Each worker runs the same :mod:`autograder.pipeline`
as ``nbgrader autograde``."""
