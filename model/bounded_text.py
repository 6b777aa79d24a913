"""Read a small text file the way an attacker cannot turn into a hang, a memory blow-up or garbage.

Only regular files are opened, and never in a blocking way: a named pipe, a device or a directory
placed where a stack file is expected is refused before any read. The size is bounded, the bytes
must be UTF-8, and characters YAML forbids (control characters other than tab and line breaks)
are refused with their line and column, so a file is either read whole and clean or not at all.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

MAX_FILE_BYTES = 256 * 1024
"""Stack files are a few kilobytes; 256 KiB leaves room for hundreds of networks and keys."""

# What YAML 1.1 (and PyYAML's reader) accepts: tab, line breaks, printable characters.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FILE_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
    stat.S_IFLNK: "a symbolic link",
}


class UnreadableFile(ValueError):
    """A file that could not be read within the limits; the message is one line naming the file."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")


def _kind(mode: int) -> str:
    return _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_bytes(path: Path, *, shown: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, if it is a regular file of at most `max_bytes`; never blocks on a pipe."""
    name = shown or str(path)
    try:
        before = os.stat(path)
    except OSError as error:
        raise UnreadableFile(name, f"cannot be read ({error.strerror or type(error).__name__})") from None
    if not stat.S_ISREG(before.st_mode):
        raise UnreadableFile(name, f"is {_kind(before.st_mode)}, not a regular file")
    if before.st_size > max_bytes:
        raise UnreadableFile(name, f"is {before.st_size} bytes, over the limit of {max_bytes}")
    try:
        # O_NONBLOCK: if the path was swapped for a pipe since the stat, opening it does not wait.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise UnreadableFile(name, f"cannot be read ({error.strerror or type(error).__name__})") from None
    with os.fdopen(descriptor, "rb") as stream:
        opened = os.fstat(stream.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise UnreadableFile(name, f"is {_kind(opened.st_mode)}, not a regular file")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnreadableFile(name, f"is over the limit of {max_bytes} bytes")
    return data


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a leading byte-order mark allowed) with no character YAML forbids."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(name, f"is not UTF-8 text (invalid byte at line {line})") from None
    text = text.removeprefix("\ufeff")
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise UnreadableFile(name, f"holds control character U+{ord(bad.group()):04X} at line {line}, column {column}")
    return text


def read_text(path: Path, *, shown: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A small, clean UTF-8 text file, or UnreadableFile naming it and saying why."""
    return decode_text(read_bytes(path, shown=shown, max_bytes=max_bytes), shown or str(path))
