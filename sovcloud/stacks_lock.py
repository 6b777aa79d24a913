"""One writer at a time in `stacks/`: an exclusive lock around read-allocate-write.

`tenant new` reads what every stack file holds, allocates the first free ranges and writes a new
file. Two runs interleaving those steps would both see the same free ranges; holding an `fcntl`
lock on `stacks/.lock` for the whole sequence makes them take turns. The lock is advisory (a hand
edit does not take it), so the allocation is re-validated under the lock before the file is written.
The kernel releases the lock when the process dies, so a crashed run never leaves the directory locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = ".lock"
DEFAULT_TIMEOUT_SECONDS = 60.0
_POLL_SECONDS = 0.05


class StacksBusy(TimeoutError):
    """Another writer held the lock for longer than we were willing to wait."""


@contextlib.contextmanager
def stacks_lock(stacks_dir: Path, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Iterator[Path]:
    """Hold the exclusive lock of `stacks_dir` (waiting at most `timeout` seconds for it)."""
    path = stacks_dir / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StacksBusy(
                        f"another `sovcloud tenant new` has held {path} for more than {timeout:.0f} s"
                    ) from None
                time.sleep(_POLL_SECONDS)
        try:
            yield path
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
