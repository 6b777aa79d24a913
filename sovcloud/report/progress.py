"""A progress line per stack while `sovcloud check` runs, on stderr and only on a terminal.

The check calls it with ("start", stack, None) and ("done", stack, result); the next stack's
program may start before the previous one's analysis is done, so each event is its own line.
Redirected output (CI logs, files) gets nothing, so reports stay clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from sovcloud.results import StackResult

Progress = Callable[[str, str, StackResult | None], None]


class ProgressPrinter:
    def __init__(self, stream: TextIO | None = None, *, force: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or _isatty(self.stream)
        self.started: dict[str, float] = {}

    def __call__(self, event: str, stack: str, result: StackResult | None) -> None:
        if not self.enabled:
            return
        if event == "start":
            self.started[stack] = time.monotonic()
            self._write(f"  … {stack}: running the program")
        elif event == "done":
            elapsed = time.monotonic() - self.started.pop(stack, time.monotonic())
            self._write(f"  {_summary(stack, result)} ({elapsed:.1f} s)")

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()


def _summary(stack: str, result: StackResult | None) -> str:
    if result is None:
        return f"✓ {stack}: done"
    blocking = sum(1 for f in result.findings if f.blocking)
    advisory = len(result.findings) - blocking
    mark = "✓" if result.passed else "✗"
    return f"{mark} {stack}: {len(result.resources)} resources, {blocking} blocking, {advisory} advisory"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def progress_printer(stream: TextIO | None = None) -> Progress:
    """The callback for CheckOptions.progress: silent unless the stream (stderr) is a terminal."""
    return ProgressPrinter(stream)
