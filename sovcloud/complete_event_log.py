"""Read an engine event log for a verdict: only a complete preview may pass.

The event-log reader itself is lenient (a partial log still renders). A verdict is not: a log that
is empty, damaged (a line that is not an engine event could have been a policy violation), cut
before the engine's closing `summaryEvent`, naming no stack, or holding no event this version reads
describes a preview that crashed or a file that is not a preview. Each is refused with the reason,
so CI exits 2 ("could not read") instead of passing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from model.bounded_text import UnreadableFile
from sovcloud.events import EventLog, parse_event_log
from sovcloud.failures import CouldNotRun
from sovcloud.results import CheckResult, PolicyInfo

MAX_EVENT_LOG_BYTES = 4 * 1024**3
"""A preview of thousands of resources logs tens of megabytes; gigabytes are not a preview."""
MAX_EVENT_BYTES = 256 * 1024**2
"""One event (a resource's inputs and outputs) per line; a larger line is not an engine event."""


def event_lines(path: Path) -> Iterator[str]:
    """The log's lines, read without blocking on a pipe and within the limits; strict UTF-8."""
    try:
        before = os.stat(path)
    except OSError as error:
        raise UnreadableFile(str(path), f"cannot be read ({error.strerror or type(error).__name__})") from None
    if not stat.S_ISREG(before.st_mode):
        raise UnreadableFile(str(path), "is not a regular file (a pipe, a device or a directory)")
    if before.st_size > MAX_EVENT_LOG_BYTES:
        raise UnreadableFile(str(path), f"is {before.st_size} bytes, over the limit of {MAX_EVENT_LOG_BYTES}")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise UnreadableFile(str(path), "is not a regular file")
        for number, raw in enumerate(iter(lambda: stream.readline(MAX_EVENT_BYTES + 1), b""), start=1):
            if len(raw) > MAX_EVENT_BYTES:
                raise UnreadableFile(str(path), f"line {number} is over {MAX_EVENT_BYTES} bytes: not an engine event")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise UnreadableFile(str(path), f"line {number} is not UTF-8 text: the log is damaged") from None


def completeness_problem(log: EventLog) -> str | None:
    """Why the parsed log is not one complete preview, or None when it is."""
    known = {kind: count for kind, count in log.known_events.items() if kind != "cancelEvent"}
    if log.events == 0 and log.skipped_lines == 0:
        return "holds no engine events (is it the file `pulumi preview --event-log` wrote?)"
    if log.skipped_lines:
        return (
            f"line {log.first_skipped_line} is not an engine event ({log.skipped_lines} such line(s)): "
            "the log is damaged, and what cannot be read may have been a violation"
        )
    if not known:
        kinds = ", ".join(sorted(log.unknown_events)) or "none"
        return f"holds no event type this version reads (found: {kinds})"
    if not known.get("summaryEvent"):
        return "has no summaryEvent: the preview did not finish (it crashed, was cancelled, or the log was cut)"
    if log.unfinished_runs:
        return f"a run in the log has no summaryEvent ({log.unfinished_runs} such run(s)): it did not finish"
    if not log.result.stacks or any(not s.stack or s.stack == "unknown" for s in log.result.stacks):
        return "names no stack: no resource, policy or diagnostic event of a run carries a stack's URN"
    return None


def read_complete_event_log(
    path: Path, *, policies: Sequence[PolicyInfo] = (), project_root: Path | None = None
) -> CheckResult:
    """The result of a complete preview's event log; CouldNotRun (naming the file and why) otherwise."""
    try:
        log = parse_event_log(event_lines(path), policies=policies, project_root=project_root)
    except UnreadableFile as error:
        raise CouldNotRun(str(error)) from None
    problem = completeness_problem(log)
    if problem:
        raise CouldNotRun(f"{path}: {problem}")
    return log.result
