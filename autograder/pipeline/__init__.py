"""What happens to one submission, in order: ``intake`` (a notebook put in gradable form),
``preprocessors`` (test cells swapped for ``collect`` code before the sandbox runs the notebook,
the results judged by ``judge`` after), ``sanitize`` (what the student displayed made inert),
``feedback`` and ``feedback_page`` (the student's page, math by ``math_markup``).
docs/design.md draws it."""
