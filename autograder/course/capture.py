"""Capture what nbgrader's converters log, to turn it into a one-line reason and a log file."""
from __future__ import annotations

import logging
import time
from pathlib import Path


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def write(self, path: str | Path | None) -> None:
        if not path:
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            for record in self.records:
                handle.write(f"{time.strftime('%H:%M:%S', time.localtime(record.created))}.{int(record.msecs):03d} [{record.levelname}] {record.getMessage()}\n")


def capturing_logger(name: str) -> tuple[logging.Logger, Capture]:
    """A logger that keeps its records (INFO and up) and prints nothing: converters run inside a
    progress bar, and their chatter goes to the per-submission log file instead."""
    capture = Capture()
    log = logging.getLogger(name)
    log.handlers[:] = [capture]
    log.propagate = False
    log.setLevel(logging.INFO)
    return log, capture


def failure_reason(records: list[logging.LogRecord]) -> str:
    """The most specific thing nbgrader logged as an error: the last line of a traceback
    (``NotJSONError: ...``, ``CellExecutionError: ...``) beats nbgrader's generic summaries."""
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    for message in errors:
        if "Traceback (most recent call last)" in message:
            lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
            return lines[-1][:400]
    generic = ("There was an error processing", "Please see the")
    specific = [m for m in errors if not m.startswith(generic)]
    return (specific or errors or ["nbgrader reported no error but produced no grades"])[0][:400]
