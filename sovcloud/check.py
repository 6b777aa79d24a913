"""`sovcloud check`: run stacks' programs offline, analyze them with the policy pack, gather one result.

The flow (README, "How `sovcloud check` runs"): choose the stacks (all, the named ones, those a
change touched, one shard of them) -> reuse every result whose inputs hash as before (the cache)
-> run the rest, readers after the stacks they read, in this process or in `jobs` worker processes
-> project checks on the files and checks across stacks -> for a change, what it does to each
changed stack against the base. The result does not depend on `jobs`, the shard split or the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from federation_catalogue import PACK_CATALOGUE, pack_catalogue
from federation_catalogue.errors import ConfigError

from model.bounded_text import UnreadableFile
from model.config.tenant import DEFAULT_PLATFORM_STACK
from sovcloud.cache import CACHE_DIR, ResultCache
from sovcloud.changes import InputFiles, changed_files, describe_change, extract_base, touched_inputs
from sovcloud.engine.stack_files import Project, StackFile, discover_stacks, load_stack_file
from sovcloud.fleet_checks import stack_file_conflicts, subnet_overlaps
from sovcloud.inputs import (
    CodeInputs,
    dependants_closure,
    dependencies,
    program_dir,
    program_paths,
    reads,
    stack_keys,
)
from sovcloud.project_checks import check_project
from sovcloud.results import CheckResult, StackChange, StackResult, builtin_policies
from sovcloud.workers import (
    Exports,
    PackDescription,
    Progress,
    Setup,
    WorkerPool,
    error_findings,
    programs_elsewhere,
    programs_only,
    relative,
    run_here,
    run_program,
    with_exports,
)

POOL_THRESHOLD = 3  # fewer stacks to run than this: worker processes cost more than they save


@dataclass(frozen=True)
class Shard:
    """Part `index` (1-based) of `count`: a stack's part depends only on its name, so it never moves."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(f"--shard {text!r}: expected K/N, for example 2/4") from None
        if not 1 <= index <= count:
            raise ValueError(f"--shard {text!r}: K must be between 1 and N")
        return cls(index, count)

    def holds(self, stack: str) -> bool:
        return int(hashlib.sha256(stack.encode()).hexdigest(), 16) % self.count == self.index - 1


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
    jobs: int | None = None  # worker processes; None: one per core
    shard: Shard | None = None
    changed_since: str | None = None  # a git ref
    cache_dir: Path | None = None  # None: .sovcloud/cache under the project
    use_cache: bool = True


@dataclass
class _Plan:
    """Which stacks this run reports, and why."""

    selected: list[StackFile]
    changed_inputs: dict[str, list[str]] = field(default_factory=dict)  # stack -> changed inputs
    unchecked: list[str] = field(default_factory=list)


def _plan(options: CheckOptions, project: Project, pack_dir: Path, files: list[StackFile]) -> _Plan:
    plan = _Plan(selected=list(files))
    if options.changed_since is not None:
        changed = changed_files(project.root, options.changed_since)
        inputs = InputFiles.of(
            [*program_paths(project), project.root / "Pulumi.yaml"], [program_dir(project)], pack_dir
        )
        shared = inputs.shared(changed)
        if options.policy_pack_config and options.policy_pack_config.resolve() in changed:
            shared.append(options.policy_pack_config.resolve())
        touched = touched_inputs({f.stack: f.path for f in files}, changed, shared, project.root)
        depends = dependencies(files, project.name)
        affected = dependants_closure(touched, depends)
        for stack in sorted(affected - set(touched)):
            read = [d for d in depends[stack] if d in affected]
            touched[stack] = [f"the exports of {d} ({', '.join(touched.get(d, []))})" for d in read]
        plan.changed_inputs = {s: touched[s] for s in affected}
        plan.selected = [f for f in files if f.stack in affected]
        plan.unchecked = [f.stack for f in files if f.stack not in affected]
    if options.shard is not None:
        plan.unchecked = [s for s in plan.unchecked if options.shard.holds(s)]
        plan.selected = [f for f in plan.selected if options.shard.holds(f.stack)]
    return plan


def with_platforms_read(stack_files: list[StackFile], project: Project) -> list[StackFile]:
    """The stacks to run, plus the platform stack each named tenant reads and that was not named: a
    tenant checked on its own previews the platform it builds on, first, as `pulumi preview` needs
    that stack's outputs."""
    named = {f.stack for f in stack_files}
    missing: list[str] = []
    for stack_file in stack_files:
        if stack_file.config.get(f"{project.name}:kind") != "tenant":
            continue
        try:
            body = json.loads(stack_file.config.get(f"{project.name}:tenant", "{}"))
        except ValueError:
            continue  # the tenant's own validation reports it
        reference = body.get("platformStack", DEFAULT_PLATFORM_STACK) if isinstance(body, dict) else None
        platform = str(reference).rsplit("/", 1)[-1] if isinstance(reference, str) else None
        if platform and platform not in named and platform not in missing:
            missing.append(platform)
    if not missing:
        return stack_files
    extra = discover_stacks(project.stack_config_dir, project.name, missing)
    return sorted([*extra, *stack_files], key=lambda f: (f.stack != "platform", f.stack))


def run_check(options: CheckOptions) -> CheckResult:
    """The whole check; never raises for a broken stack (that is a finding), only for a broken setup."""
    root = options.project_root
    project = Project.load(root)
    pack_dir = options.policy_pack or root / "policies"
    result = CheckResult()
    try:
        catalogue = pack_catalogue(pack_dir)
    except ConfigError as error:
        result.project_findings += error_findings(error, relative(pack_dir / PACK_CATALOGUE, root))
        return result
    files = with_platforms_read(discover_stacks(project.stack_config_dir, project.name, options.stacks), project)
    setup = Setup(
        project,
        pack_dir if options.policies_enabled else None,
        options.policy_pack_config,
        policy_timeout=options.policy_timeout,
    )
    code = CodeInputs.of(project, pack_dir, options.policy_pack_config, options.policies_enabled)
    keys = stack_keys(files, project.name, code)
    plan = _plan(options, project, pack_dir, files)
    cache = ResultCache(options.cache_dir or root / CACHE_DIR) if options.use_cache else None
    base = _base_records(options, project, pack_dir, plan) if options.changed_since is not None else None

    reused = {f.stack: hit for f in plan.selected if cache and (hit := cache.stack(keys[f.stack]))}
    results, description = _run(setup, files, plan, reused, keys, cache, options)
    result.stacks = [reused.get(f.stack) or results[f.stack] for f in plan.selected]
    if description is None and options.policies_enabled:
        description = _describe_pack(setup, code, cache)
    if description is not None:
        result.pack_name, result.pack_version, result.policies = (
            description.name,
            description.version,
            description.policies,
        )
        if cache is not None:
            cache.put_pack(code.pack_key(), description.name, description.version, description.policies)
    result.policies = [*result.policies, *builtin_policies.OFFLINE_CHECK]
    readable = [f.path for f in plan.selected if not isinstance(f.error, UnreadableFile)]  # one failure per file
    result.project_findings += check_project(project.root, readable, catalogue)
    result.project_findings += subnet_overlaps(result.stacks, catalogue)
    result.project_findings += stack_file_conflicts(project.stack_config_dir, root, catalogue)
    if reused:
        result.notes.append(f"{len(reused)} of {len(plan.selected)} stack results reused: their inputs are unchanged")
    if options.changed_since is not None:
        result.base_ref = options.changed_since
        result.unchecked = plan.unchecked
        _describe_changes(result, plan, base)
    return result


def _run(
    setup: Setup,
    files: list[StackFile],
    plan: _Plan,
    reused: dict[str, StackResult],
    keys: dict[str, str],
    cache: ResultCache | None,
    options: CheckOptions,
) -> tuple[dict[str, StackResult], PackDescription | None]:
    """Run every selected stack the cache did not answer, and the programs of the stacks they read."""
    to_run = [f for f in plan.selected if f.stack not in reused]
    # A stack file that could not be read never runs: its result is its error, made here (the error
    # does not travel to a worker process).
    unreadable = {f.stack: run_program(setup, f, setup.catalogue(), {}) for f in to_run if f.error is not None}
    to_run = [f for f in to_run if f.error is None]
    if not to_run:
        return unreadable, None
    depends = dependencies(files, setup.project.name)
    by_name = {f.stack: f for f in files}
    exports: Exports = dict(options.extra_stack_outputs)
    for stack, hit in reused.items():
        with_exports(exports, setup.project.name, stack, hit.outputs)
    running = {f.stack for f in to_run}
    # Stacks read by a stack to run, that are neither run nor reused here: their outputs, from the cache
    # when it holds them, else their program (the platform a shard or a change needs but does not check).
    needed = sorted({d for f in to_run for d in depends[f.stack] if d not in running and d not in reused})
    preview: list[StackFile] = []
    for stack in needed:
        known = cache.stack(keys[stack]) if cache else None
        if known is not None:
            with_exports(exports, setup.project.name, stack, known.outputs)
        else:
            preview.append(by_name[stack])
    programs_only(setup, preview, exports)
    # The stacks others read run their program here first, so their readers can start at once.
    read = {d for f in to_run for d in depends[f.stack]}
    prerun = programs_only(setup, [f for f in to_run if f.stack in read], exports)
    jobs = options.jobs or os.cpu_count() or 1
    if jobs > 1 and len(to_run) >= POOL_THRESHOLD:
        with WorkerPool(setup, min(jobs, len(to_run))) as pool:
            readers = {f.stack: [d for d in depends[f.stack] if d in running] for f in to_run}
            results, description = pool.run(to_run, exports, readers, prerun=prerun, progress=options.progress)
    else:
        results, description = run_here(setup, to_run, exports, prerun=prerun, progress=options.progress)
    if cache is not None:
        for stack, stack_result in results.items():
            cache.put_stack(keys[stack], stack_result)
    return {**results, **unreadable}, description


def _describe_pack(setup: Setup, code: CodeInputs, cache: ResultCache | None) -> PackDescription | None:
    """The pack's policies when no stack had to run: from the cache, else from the pack itself."""
    if setup.pack_dir is None:
        return None
    known = cache.pack(code.pack_key()) if cache else None
    if known is not None:
        return PackDescription(*known)
    with setup.session() as session:
        return PackDescription.of(session)


# --- what a change does ----------------------------------------------------------------------------------


@dataclass
class _Base:
    """The base tree's records of the changed stacks, computed while the check runs."""

    directory: tempfile.TemporaryDirectory[str]
    records: Future[dict[str, StackResult]] | None
    missing: set[str]
    error: str = ""


def _base_records(options: CheckOptions, project: Project, pack_dir: Path, plan: _Plan) -> _Base:
    """Start running, in a process of its own, the base's programs of the changed stacks (and what they read)."""
    assert options.changed_since is not None
    directory = tempfile.TemporaryDirectory(prefix="sovcloud-base-")
    base = _Base(directory, None, set())
    if not plan.selected:
        return base
    try:
        base_root = extract_base(project.root, options.changed_since, Path(directory.name))
        base_project = Project.load(base_root)
    except (ValueError, OSError, KeyError) as error:
        base.error = f"the base could not be read: {error}"
        return base
    base_pack = _in_base(pack_dir, project.root, base_root)
    present = {
        p.name.removeprefix("Pulumi.").removesuffix(".yaml"): p
        for p in base_project.stack_config_dir.glob("Pulumi.*.yaml")
    }
    wanted: dict[str, StackFile] = {}
    for stack_file in plan.selected:
        if stack_file.stack not in present:
            base.missing.add(stack_file.stack)
            continue
        base_file = load_stack_file(present[stack_file.stack], base_project.name)
        if base_file.error is not None:
            continue  # unreadable at the base: its change is described without a resource difference
        wanted[base_file.stack] = base_file
        for read in reads(base_file, base_project.name, present):
            read_file = load_stack_file(present[read], base_project.name)
            if read_file.error is None:
                wanted.setdefault(read, read_file)
    order = sorted(wanted.values(), key=lambda f: (f.stack != "platform", f.stack))
    setup = Setup(
        base_project,
        None,
        sys_path=(str(program_dir(base_project)), str(base_pack)),
        catalogue_dir=base_pack,
    )
    base.records = programs_elsewhere(setup, order)
    return base


def _in_base(path: Path, root: Path, base_root: Path) -> Path:
    """The same path inside the base tree when it lies inside the project, else unchanged."""
    try:
        return base_root / path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def _describe_changes(result: CheckResult, plan: _Plan, base: _Base | None) -> None:
    if base is None:
        return
    try:
        records = base.records.result() if base.records is not None else {}
        error = base.error
    except Exception as failure:  # the base's own code may be broken; the check itself still stands
        records, error = {}, f"the base could not be run: {type(failure).__name__}: {failure}"
    finally:
        base.directory.cleanup()
    for stack in result.stacks:
        inputs = plan.changed_inputs.get(stack.stack, [])
        if stack.stack in base.missing:
            stack.change = StackChange(inputs=tuple(inputs), new_stack=True)
        elif stack.stack in records and not records[stack.stack].findings:
            stack.change = describe_change(inputs, stack.resources, records[stack.stack].resources)
        else:
            reason = error or "the stack's program failed at the base"
            stack.change = describe_change(inputs, stack.resources, None, base_error=reason)


__all__ = ["CheckOptions", "Shard", "run_check"]
