"""`sovcloud check`: run every stack's program offline, analyze it with the policy pack, gather one result.

The flow (see README, "How a check runs"): project checks on the files -> for each stack, its
program under the mock runtime (platform first, so tenants can read its exports) -> its records
through the pack over gRPC (in a worker thread, overlapping the next stack's program) -> checks
across stacks. One pack process serves every stack.
"""

from __future__ import annotations

import contextlib
import os
import queue
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from federation_catalogue import PACK_CATALOGUE, Catalogue, pack_catalogue
from federation_catalogue.errors import ConfigError

from model.bounded_text import UnreadableFile
from sovcloud.analyzer import PolicyPackSession
from sovcloud.engine.records import to_records
from sovcloud.engine.runner import StackRun, run_stack
from sovcloud.engine.stack_files import Project, StackFile, discover_stacks
from sovcloud.fleet_checks import subnet_overlaps
from sovcloud.project_checks import check_project
from sovcloud.results import CheckResult, Finding, PolicyInfo, ResourceRecord, Source, StackResult, builtin_policies

Progress = Callable[[str, str, StackResult | None], None]  # (event: start|done, stack, result)


class Analyzer(Protocol):
    pack_name: str
    pack_version: str
    policies: list[PolicyInfo]

    def analyze_stack(self, stack: str, resources: list[ResourceRecord]) -> list[Finding]: ...


@dataclass
class CheckOptions:
    project_root: Path
    stacks: list[str] | None = None
    policy_pack: Path | None = None  # None: the project's policies/ directory
    policy_pack_config: Path | None = None
    policies_enabled: bool = True
    progress: Progress | None = None
    policy_timeout: float | None = None  # seconds one pack call may take; None: the client's default
    extra_stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)


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


def pack_processes(stack_count: int) -> int:
    """How many pack processes to run: the pack is the slowest stage, so on a machine with cores to
    spare a large check gets a second one (each costs a start-up, so small checks keep one)."""
    return max(1, min(os.cpu_count() or 1, 2 if stack_count >= 4 else 1))


@contextlib.contextmanager
def _policy_sessions(options: CheckOptions, project: Project, count: int) -> Iterator[Sequence[Analyzer]]:
    """`count` pack processes, started concurrently, each started the way the CLI starts a pack."""
    if not options.policies_enabled:
        yield []
        return
    pack = options.policy_pack or project.root / "policies"

    def start() -> PolicyPackSession:
        if options.policy_timeout is None:
            return PolicyPackSession(pack, project=project.name, config_file=options.policy_pack_config)
        return PolicyPackSession(
            pack, project=project.name, config_file=options.policy_pack_config, timeout=options.policy_timeout
        )

    with contextlib.ExitStack() as stack, ThreadPoolExecutor(max_workers=count) as starter:
        sessions = [stack.enter_context(session) for session in starter.map(lambda _: start(), range(count))]
        yield sessions


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def run_check(options: CheckOptions) -> CheckResult:
    """The whole check; never raises for a broken stack (that is a finding), only for a broken setup."""
    root = options.project_root
    project = Project.load(root)
    pack_dir = options.policy_pack or root / "policies"
    result = CheckResult()
    try:
        catalogue = pack_catalogue(pack_dir)
    except ConfigError as error:
        result.project_findings += error_findings(error, _relative(pack_dir / PACK_CATALOGUE, root))
        return result
    stack_files = discover_stacks(project.stack_config_dir, project.name, options.stacks)
    readable = [f.path for f in stack_files if not isinstance(f.error, UnreadableFile)]  # one failure per file
    result.project_findings += check_project(project.root, readable, catalogue)
    count = pack_processes(len(stack_files))
    # The packs stop before the workers are joined: after a failure, calls still in flight end at once
    # (their pack is gone) instead of each waiting out its timeout.
    with ThreadPoolExecutor(max_workers=count) as workers, _policy_sessions(options, project, count) as analyzers:
        if analyzers:
            result.pack_name, result.pack_version = analyzers[0].pack_name, analyzers[0].pack_version
            result.policies = list(analyzers[0].policies)
        result.policies += builtin_policies.OFFLINE_CHECK
        idle: queue.SimpleQueue[Analyzer] = queue.SimpleQueue()
        for analyzer in analyzers:
            idle.put(analyzer)

        def analyze(stack: str, records: list[ResourceRecord]) -> list[Finding]:
            analyzer = idle.get()  # one stack at a time per pack process
            try:
                return analyzer.analyze_stack(stack, records)
            finally:
                idle.put(analyzer)

        exports: dict[str, dict[str, Any]] = dict(options.extra_stack_outputs)
        pending: list[tuple[StackResult, Future[list[Finding]]]] = []
        for stack_file in stack_files:
            stack_result = _run_one(project, stack_file, catalogue, exports, options)
            result.stacks.append(stack_result)
            if analyzers and stack_result.resources:
                pending.append((stack_result, workers.submit(analyze, stack_file.stack, stack_result.resources)))
            elif options.progress:
                options.progress("done", stack_file.stack, stack_result)
        try:
            for stack_result, future in pending:
                for finding in future.result():
                    stack_result.findings.append(_located(finding, stack_result.file))
                if options.progress:
                    options.progress("done", stack_result.stack, stack_result)
        except BaseException:
            workers.shutdown(wait=False, cancel_futures=True)
            raise
    result.project_findings += subnet_overlaps(result.stacks, catalogue)
    return result


def _located(finding: Finding, file: str) -> Finding:
    if finding.file:
        return finding
    return replace(finding, file=file)


def _run_one(
    project: Project,
    stack_file: StackFile,
    catalogue: Catalogue,
    exports: dict[str, dict[str, Any]],
    options: CheckOptions,
) -> StackResult:
    if options.progress:
        options.progress("start", stack_file.stack, None)
    file = _relative(stack_file.path, project.root)
    if stack_file.error is not None:  # never run: the engine would not have read it either
        failed = StackResult(stack=stack_file.stack, file=file)
        error = stack_file.error
        if isinstance(error, ConfigError):
            error = ConfigError(file, error.problems)
        failed.findings += error_findings(error, file)
        return failed
    kind = stack_file.config.get(f"{project.name}:kind", "unknown")
    run: StackRun = run_stack(project, stack_file, stack_outputs=exports)
    exports[stack_file.stack] = run.outputs
    exports[f"organization/{project.name}/{stack_file.stack}"] = run.outputs
    stack_result = StackResult(stack=stack_file.stack, file=file, kind=kind, outputs=run.outputs)
    stack_result.duration_seconds = run.seconds
    if run.error is not None:
        stack_result.findings += error_findings(run.error, file)
        return stack_result  # a failed program declares nothing that a real preview would analyze
    stack_result.resources = to_records(
        run.registrations, stack=stack_file.stack, project=project.name, catalogue=catalogue, config=stack_file.config
    )
    return stack_result
