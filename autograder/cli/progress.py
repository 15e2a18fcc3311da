"""A plain-text progress bar that reads well on a terminal and in a CI or cron log alike.

On a terminal it redraws one line (``\\r``); anywhere else it prints one line per finished
submission, so a log file shows every student's outcome in order, with no control characters.
"""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int = 0, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start(total)

    def start(self, total: int) -> None:
        """Count ``total`` submissions from now."""
        self.total = total
        self.done = 0
        self.started = time.monotonic()

    def _bar(self) -> str:
        filled = int(self.width * self.done / self.total) if self.total else self.width
        return "[" + "#" * filled + "." * (self.width - filled) + "]"

    def _rate(self) -> str:
        elapsed = time.monotonic() - self.started
        if not self.done or elapsed <= 0:
            return ""
        per_minute = 60 * self.done / elapsed
        remaining = (self.total - self.done) * elapsed / self.done
        return f" {per_minute:.1f}/min, {remaining:.0f}s left"

    def advance(self, message: str) -> None:
        self.done += 1
        count = f"{self.done:>{len(str(self.total))}}/{self.total}"
        percent = 100 * self.done // self.total if self.total else 100
        if self.interactive:
            line = f"\r{self._bar()} {count} {percent:3d}%{self._rate()}  {message}"
            self.stream.write(line[:160].ljust(100))
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"{self._bar()} {count} {percent:3d}%  {message}\n")
        self.stream.flush()
