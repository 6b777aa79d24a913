"""Running stacks: a stack's program under the mock runtime, then its records through the pack.

Two ways, the same per-stack steps so the results are identical:
- `run_here`: in this process, the next stack's program overlapping the previous one's analysis in
  threads (one or two pack processes). Best for a handful of stacks.
- `WorkerPool`: `jobs` worker processes, each with its own pack process, taking stacks one at a
  time. The mock runtime is process-global, so processes (not threads) are what use every core.
A stack that other stacks read (the platform) runs its program first, here, so its exports are
ready for its readers while the workers start.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any, Protocol

from federation_catalogue import Catalogue, ConfigError, pack_catalogue

from model.bounded_text import UnreadableFile
from sovcloud.analyzer import PolicyPackSession
from sovcloud.engine.records import to_records
from sovcloud.engine.runner import run_stack
from sovcloud.engine.stack_files import Project, StackFile
from sovcloud.results import Finding, PolicyInfo, ResourceRecord, Source, StackResult, builtin_policies

Progress = Callable[[str, str, StackResult | None], None]  # (event: start|done, stack, result)
Exports = dict[str, dict[str, Any]]


class Analyzer(Protocol):
    pack_name: str
    pack_version: str
    policies: list[PolicyInfo]

    def analyze_stack(self, stack: str, resources: list[ResourceRecord]) -> list[Finding]: ...


@dataclass(frozen=True)
class Setup:
    """What every run of a stack needs besides the stack: the project, its pack, where imports resolve."""

    project: Project
    pack_dir: Path | None  # None: programs only
    pack_config: Path | None = None
    sys_path: tuple[str, ...] = ()  # put first on sys.path (a base tree's program and catalogue)
    catalogue_dir: Path | None = None  # the pack whose catalogue resolves sites, when no pack runs
    policy_timeout: float | None = None  # seconds one pack call may take; None: the client's default

    def catalogue(self) -> Catalogue:
        return pack_catalogue(self.catalogue_dir or self.pack_dir or self.project.root / "policies")

    def session(self) -> PolicyPackSession:
        assert self.pack_dir is not None
        if self.policy_timeout is None:
            return PolicyPackSession(self.pack_dir, project=self.project.name, config_file=self.pack_config)
        return PolicyPackSession(
            self.pack_dir, project=self.project.name, config_file=self.pack_config, timeout=self.policy_timeout
        )


@dataclass(frozen=True)
class PackDescription:
    name: str
    version: str
    policies: list[PolicyInfo]

    @classmethod
    def of(cls, analyzer: Analyzer) -> PackDescription:
        return cls(analyzer.pack_name, analyzer.pack_version, list(analyzer.policies))


def error_findings(error: BaseException, stack_file: str) -> list[Finding]:
    """A program that raised: config errors name file and key, anything else is one finding."""
    if isinstance(error, UnreadableFile):
        return [Finding.of(builtin_policies.CONFIG, f"the stack file {error.reason}", Source.CONFIG, file=stack_file)]
    if isinstance(error, ConfigError):
        return [
            Finding.of(builtin_policies.CONFIG, message, Source.CONFIG, file=error.file, key=key)
            for key, message in error.problems
        ]
    return [Finding.of(builtin_policies.PROGRAM, f"{type(error).__name__}: {error}", Source.PROGRAM, file=stack_file)]


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def run_program(setup: Setup, stack_file: StackFile, catalogue: Catalogue, exports: Mapping[str, Any]) -> StackResult:
    """The stack's program under the mock runtime: its records (or the findings of why there are none)."""
    project = setup.project
    file = relative(stack_file.path, project.root)
    if stack_file.error is not None:  # never run: the engine would not have read it either
        failed = StackResult(stack=stack_file.stack, file=file)
        error = stack_file.error
        if isinstance(error, ConfigError):
            error = ConfigError(file, error.problems)
        failed.findings += error_findings(error, file)
        return failed
    kind = stack_file.config.get(f"{project.name}:kind", "unknown")
    run = run_stack(project, stack_file, stack_outputs=exports)
    result = StackResult(stack=stack_file.stack, file=file, kind=kind, outputs=run.outputs)
    result.duration_seconds = run.seconds
    if run.error is not None:
        result.findings += error_findings(run.error, file)
        return result  # a failed program declares nothing that a real preview would analyze
    records = to_records(
        run.registrations, stack=stack_file.stack, project=project.name, catalogue=catalogue, config=stack_file.config
    )
    result.resources = sorted((_in_stable_order(r) for r in records), key=lambda r: r.urn)
    return result


def _in_stable_order(record: ResourceRecord) -> ResourceRecord:
    """Registration order, and the order of dependencies, vary from run to run (the program is
    asynchronous); as sets they do not, so they are kept sorted."""
    return replace(
        record,
        dependencies=tuple(sorted(record.dependencies)),
        property_dependencies={k: tuple(sorted(v)) for k, v in sorted(record.property_dependencies.items())},
    )


def with_exports(exports: Exports, project: str, stack: str, outputs: dict[str, Any]) -> None:
    """Make a stack's outputs readable by StackReference under both names the engine accepts."""
    exports[stack] = outputs
    exports[f"organization/{project}/{stack}"] = outputs


def analyzed(result: StackResult, analyzer: Analyzer | None) -> StackResult:
    """The result with the pack's findings (located in the stack file when they name no file)."""
    if analyzer is None or not result.resources:
        return result
    found = analyzer.analyze_stack(result.stack, result.resources)
    located = [f if f.file else replace(f, file=result.file) for f in found]
    result.findings += sorted(located, key=lambda f: (f.urn or "", f.policy, f.message))
    return result


# --- in this process ---------------------------------------------------------------------------------


def pack_processes(stack_count: int) -> int:
    """How many pack processes to run here: the pack is the slowest stage, so on a machine with cores
    to spare a large check gets a second one (each costs a start-up, so small checks keep one)."""
    return max(1, min(os.cpu_count() or 1, 2 if stack_count >= 4 else 1))


@contextlib.contextmanager
def _sessions(setup: Setup, count: int) -> Iterator[Sequence[Analyzer]]:
    if setup.pack_dir is None or count == 0:
        yield []
        return
    with contextlib.ExitStack() as stack, ThreadPoolExecutor(max_workers=count) as starter:
        yield [stack.enter_context(s) for s in starter.map(lambda _: setup.session(), range(count))]


def run_here(
    setup: Setup,
    stack_files: Sequence[StackFile],
    exports: Exports,
    *,
    prerun: Mapping[str, StackResult] | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, StackResult], PackDescription | None]:
    """Every stack in order (readers after what they read), analysis overlapping the next program."""
    prerun = prerun or {}
    catalogue = setup.catalogue()
    count = pack_processes(len(stack_files)) if setup.pack_dir else 0
    results: dict[str, StackResult] = {}
    # The packs stop before the threads are joined: after a failure, calls still in flight end at once
    # (their pack is gone) instead of each waiting out its timeout.
    with ThreadPoolExecutor(max_workers=max(count, 1)) as workers, _sessions(setup, count) as analyzers:
        idle: queue.SimpleQueue[Analyzer] = queue.SimpleQueue()
        for analyzer in analyzers:
            idle.put(analyzer)

        def analyze(result: StackResult) -> StackResult:
            analyzer = idle.get()  # one stack at a time per pack process
            try:
                return analyzed(result, analyzer)
            finally:
                idle.put(analyzer)

        pending: list[Future[StackResult]] = []
        for stack_file in stack_files:
            if progress:
                progress("start", stack_file.stack, None)
            result = prerun.get(stack_file.stack) or run_program(setup, stack_file, catalogue, exports)
            with_exports(exports, setup.project.name, stack_file.stack, result.outputs)
            if analyzers and result.resources:
                pending.append(workers.submit(analyze, result))
            else:
                results[result.stack] = result
                if progress:
                    progress("done", result.stack, result)
        try:
            for future in pending:
                result = future.result()
                results[result.stack] = result
                if progress:
                    progress("done", result.stack, result)
        except BaseException:
            workers.shutdown(wait=False, cancel_futures=True)
            raise
        description = PackDescription.of(analyzers[0]) if analyzers else None
    return results, description


# --- in worker processes -------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _start_worker(setup: Setup) -> None:
    """Worker start-up: imports resolve as the setup says; one pack process for this worker's life."""
    for entry in reversed(setup.sys_path):
        sys.path.insert(0, entry)
    _worker["setup"] = setup
    _worker["catalogue"] = setup.catalogue()
    if setup.pack_dir is not None:
        session = setup.session()
        _worker["session"] = session
        # Closed when the worker exits (multiprocessing runs finalizers, not atexit, in its children).
        Finalize(session, session.close, exitpriority=10)


def _work(
    stack_file: StackFile, exports: Exports, prerun: StackResult | None
) -> tuple[StackResult, PackDescription | None]:
    setup: Setup = _worker["setup"]
    session: PolicyPackSession | None = _worker.get("session")
    result = prerun or run_program(setup, stack_file, _worker["catalogue"], exports)
    return analyzed(result, session), PackDescription.of(session) if session else None


class WorkerPool:
    """`jobs` worker processes, each running whole stacks (program and analysis) one at a time."""

    def __init__(self, setup: Setup, jobs: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.executor = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(setup,)
        )
        self.setup = setup

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def run(
        self,
        stack_files: Sequence[StackFile],
        exports: Exports,
        readers: Mapping[str, Sequence[str]],
        *,
        prerun: Mapping[str, StackResult] | None = None,
        progress: Progress | None = None,
    ) -> tuple[dict[str, StackResult], PackDescription | None]:
        """Every stack; a stack is submitted once every stack it reads has its exports."""
        prerun = dict(prerun or {})
        waiting = list(stack_files)
        running: dict[Future[tuple[StackResult, PackDescription | None]], str] = {}
        results: dict[str, StackResult] = {}
        description: PackDescription | None = None
        while waiting or running:
            ready = [f for f in waiting if all(r in exports for r in readers.get(f.stack, ()))]
            for stack_file in ready:
                waiting.remove(stack_file)
                if progress:
                    progress("start", stack_file.stack, None)
                future = self.executor.submit(_work, stack_file, dict(exports), prerun.get(stack_file.stack))
                running[future] = stack_file.stack
            if not running:
                missing = {f.stack: [r for r in readers.get(f.stack, ()) if r not in exports] for f in waiting}
                raise RuntimeError(f"stacks wait for stacks nobody runs: {missing}")
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                result, described = future.result()
                description = description or described
                results[result.stack] = result
                with_exports(exports, self.setup.project.name, result.stack, result.outputs)
                if progress:
                    progress("done", result.stack, result)
        return results, description


def programs_only(setup: Setup, stack_files: Sequence[StackFile], exports: Exports) -> dict[str, StackResult]:
    """Programs without analysis, in order (what a stack's readers need, or a base tree's records)."""
    catalogue = setup.catalogue()
    results: dict[str, StackResult] = {}
    for stack_file in stack_files:
        result = run_program(setup, stack_file, catalogue, exports)
        with_exports(exports, setup.project.name, stack_file.stack, result.outputs)
        results[stack_file.stack] = result
    return results


def _programs_in_worker(stack_files: Sequence[StackFile], exports: Exports) -> dict[str, StackResult]:
    return programs_only(_worker["setup"], stack_files, exports)


def programs_elsewhere(setup: Setup, stack_files: Sequence[StackFile]) -> Future[dict[str, StackResult]]:
    """`programs_only` in a process of its own (a base tree's code must not meet this process's imports)."""
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start_worker, initargs=(setup,))
    future = executor.submit(_programs_in_worker, list(stack_files), {})
    executor.shutdown(wait=False)
    return future
