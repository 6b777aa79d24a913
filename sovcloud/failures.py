"""Exit codes, and one clear line instead of a traceback when the command could not do its job.

CI reads the exit code: 1 must mean "the change is blocked", never "the tool broke", or a broken
pack or a missing file would look like a policy violation (and a crash like a pass, if ignored).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import NoReturn

import typer


class ExitCode(IntEnum):
    PASSED = 0
    BLOCKED = 1  # blocking findings: mandatory violations, invalid config, project findings
    COULD_NOT_RUN = 2  # bad usage, unreadable input, policy pack failure, internal error


class CouldNotRun(Exception):
    """The command could not produce a trustworthy verdict; the message says why in one line."""


DEBUG_FLAG = "--debug"


def one_line(text: str) -> str:
    """The first non-empty line (multi-line causes, such as a pack's stderr, show under --debug)."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[0] + (" (run with --debug for details)" if len(lines) > 1 else "")


def fail(command: str, reason: str) -> NoReturn:
    """Print `sovcloud <command>: <reason>` on stderr and exit 2."""
    typer.echo(f"sovcloud {command}: {one_line(reason)}", err=True)
    raise typer.Exit(ExitCode.COULD_NOT_RUN)


def check_output_path(path: Path | None, option: str = "--output") -> None:
    """Refuse an output path that cannot be written before any work starts (not after a long check)."""
    if path is None:
        return
    if path.is_dir():
        raise CouldNotRun(f"{option} {path}: is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise CouldNotRun(f"{option} {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CouldNotRun(f"{option} {path}: not writable")


def run_guarded(entry: Callable[[list[str]], object], argv: list[str]) -> int:
    """Run the command line; any exception that escapes becomes one line on stderr and exit 2.

    `--debug` anywhere on the line shows the traceback too.
    """
    debug = DEBUG_FLAG in argv
    args = [arg for arg in argv if arg != DEBUG_FLAG]
    try:
        returned = entry(args)
    except SystemExit as exit_:
        code = exit_.code
        if code is None:
            return ExitCode.PASSED
        return code if isinstance(code, int) else ExitCode.COULD_NOT_RUN
    except KeyboardInterrupt:
        sys.stderr.write("sovcloud: interrupted\n")
        return ExitCode.COULD_NOT_RUN
    except Exception as error:  # the last line of defence: never a bare traceback, never exit 1
        usage = _usage_error(error)
        if usage is not None:
            return usage
        if debug:
            traceback.print_exc()
        reason = one_line(str(error)) or "no message"
        hint = "" if debug else " (run with --debug for the traceback)"
        sys.stderr.write(f"sovcloud: internal error: {type(error).__name__}: {reason}{hint}\n")
        return ExitCode.COULD_NOT_RUN
    return returned if isinstance(returned, int) else ExitCode.PASSED


def _usage_error(error: Exception) -> int | None:
    """A command-line usage error (the CLI framework's own exception type, recognised by its shape
    since it is not public): one line and its exit code (2), instead of a boxed panel."""
    format_message = getattr(error, "format_message", None)
    exit_code = getattr(error, "exit_code", None)
    if not callable(format_message) or not isinstance(exit_code, int):
        return None
    if type(error).__name__ == "NoArgsIsHelpError":  # the help was shown already
        return exit_code
    context = getattr(error, "ctx", None)
    where = f" (see `{context.command_path} --help`)" if context is not None else ""
    sys.stderr.write(f"sovcloud: {one_line(str(format_message()))}{where}\n")
    return exit_code
