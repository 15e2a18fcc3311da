"""The course as nbgrader keeps it: its folder and configuration (``folder``), the gradebook and
the re-run ledger (``gradebook``), collecting an LMS download (``lms``) and keeping what its file
names said of each submission (``lms_records``), releasing an assignment and proving nothing leaks
(``release``), the grade table and ``grades.csv`` (``export``), ``canvas.csv`` and ``moodle.csv``
(``lms_export``), ``report.html`` (``report``), and the quiet running of nbgrader's converters (``capture``).
Nothing here grades: that is :mod:`autograder.pipeline`, run many at a time by
:mod:`autograder.batch`."""
