"""Run one stack's program offline, the way the language host runs it, and record what it declares."""

from __future__ import annotations

import os
import runpy
import time
from collections.abc import Mapping
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
    """Run `project.main` for `stack_file` under the mock runtime; never raises for program errors."""
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
    os.chdir(project.root)  # the language host runs the program from the project directory
    try:
        main = str(project.main)
        _sync_await(run_in_stack(lambda: _run_main(main)))
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


def _run_main(main: str) -> None:
    runpy.run_path(main, run_name="__main__")
