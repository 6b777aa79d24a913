"""Run one stack's program offline, the way the language host runs it, and record what it declares.

Pulumi's Python language host starts `pulumi-language-python-exec --pwd PROGRAM_DIR ... ENTRY`, which
changes to the program directory and calls `runpy.run_path(ENTRY)` (pulumi/pulumi
`sdk/python/cmd/pulumi-language-python-exec`, `sdk/python/cmd/pulumi-language-python/main.go`
`constructArguments`): so the working directory is the program directory, `run_path` puts it first
on `sys.path`, and no other directory of the project is there (the shim's own directory is). The
run here does the same in-process, and takes project directories that the check's own process has
on `sys.path` (a test runner's rootdir, the current directory) off it while the program runs.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from sovcloud.engine.preview_mocks import PreviewMocks
from sovcloud.engine.recording import RecordingMonitor, Registration
from sovcloud.engine.stack_files import Project, StackFile


@dataclass
class StackRun:
    """The outcome of running one stack's program."""

    stack: str
    registrations: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None
    seconds: float = 0.0


def run_stack(
    project: Project,
    stack_file: StackFile,
    *,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    preview: bool = True,
) -> StackRun:
    """Run the project's program for `stack_file` under the mock runtime; never raises for program errors."""
    started = time.perf_counter()
    mocks = PreviewMocks(stack_outputs)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project.name, stack=stack_file.stack, preview=preview, monitor=monitor)
    # set_mocks makes a root stack for unit tests; the language host lets run_in_stack make it.
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(dict(stack_file.config), list(stack_file.secret_keys))
    runtime_settings.SETTINGS.rpc_manager.clear()
    runtime_settings.SETTINGS.outputs.clear()
    previous_cwd = Path.cwd()
    error: BaseException | None = None
    os.chdir(project.program_dir)
    try:
        with language_host_sys_path(project.root):
            # Absolute, where the shim passes "." from inside the directory: this process has run other
            # programs, and the import system caches a finder for "." at the directory it first meant.
            entry = str(project.program_dir / project.entry_point)
            _sync_await(run_in_stack(lambda: _run_main(entry)))
    except Exception as exc:
        error = exc
    finally:
        os.chdir(previous_cwd)
        pulumi.runtime.set_all_config({})
    return StackRun(
        stack=stack_file.stack,
        registrations=list(monitor.registrations),
        outputs=dict(monitor.stack_outputs),
        error=error,
        seconds=time.perf_counter() - started,
    )


def _run_main(entry: str) -> None:
    runpy.run_path(entry, run_name="__main__")


def _is_project_path(entry: str, root: Path) -> bool:
    """A directory of the project's own tree (not one of its virtualenvs' site-packages)."""
    path = Path(entry or ".").resolve()
    if "site-packages" in path.parts or "dist-packages" in path.parts:
        return False
    return path == root or root in path.parents


@contextlib.contextmanager
def language_host_sys_path(root: Path) -> Iterator[list[str]]:
    """`sys.path` as the program sees it under the language host: no project directory on it (the
    program directory comes first through `runpy.run_path`); restored afterwards."""
    saved = list(sys.path)
    resolved = root.resolve()
    sys.path[:] = [entry for entry in saved if not _is_project_path(entry, resolved)]
    try:
        yield sys.path
    finally:
        sys.path[:] = saved
