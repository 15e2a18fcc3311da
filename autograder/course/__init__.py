"""The course as nbgrader keeps it: its folder and configuration (``folder``), the gradebook and
the re-run ledger (``gradebook``), collecting an LMS download (``lms``), the grade table and
``grades.csv`` (``export``), ``report.html`` (``report``), and the quiet running of nbgrader's
converters (``capture``). Nothing here grades: that is :mod:`autograder.pipeline`."""
