"""`sovcloud`: check the stacks offline, render reports, stamp out tenants.

sovcloud check [STACK ...] [--format FORMAT[=FILE]]... [--changed-since REF] [--jobs N] [--shard K/N]
sovcloud report (--from-events FILE | --merge FILE...) [--format FORMAT[=FILE]]...
sovcloud tenant new NAME [...]
sovcloud capacity [--stacks-dir DIR]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from federation_catalogue import Catalogue, ConfigError, project_catalogue

from model.bounded_text import UnreadableFile
from sovcloud.analyzer import PolicyPackError, PolicyPackSession, PolicyPackStartError
from sovcloud.check import CheckOptions, Shard, run_check
from sovcloud.commands import capacity, tenant
from sovcloud.complete_event_log import read_complete_event_log
from sovcloud.engine.stack_files import Project
from sovcloud.failures import DEBUG_FLAG, CouldNotRun, ExitCode, check_output_path, fail, run_guarded
from sovcloud.merge import merge_results
from sovcloud.report import FORMATS, render
from sovcloud.report.json_report import load_json
from sovcloud.report.progress import progress_printer
from sovcloud.results import CheckResult, PolicyInfo, builtin_policies

app = typer.Typer(
    help="Offline checks, reports and tenant stamping for the sovereign cloud's Pulumi stacks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


FORMATS_HELP = "text, markdown, sarif, json or junit; FORMAT=FILE writes it there (repeat for several)."


@dataclass(frozen=True)
class Output:
    """One report: its format and where it goes (None: standard output)."""

    format: str
    path: Path | None


def parse_outputs(formats: list[str] | None, output: Path | None) -> list[Output]:
    """`--format markdown=report.md --format sarif=x.sarif`, or `--format X --output F` as before."""
    outputs: list[Output] = []
    for spec in formats or ["text"]:
        name, _, path = spec.partition("=")
        if name not in FORMATS:
            raise typer.BadParameter(f"unknown format {name!r} (valid: {', '.join(FORMATS)})", param_hint="--format")
        outputs.append(Output(name, Path(path) if path else None))
    bare = [o for o in outputs if o.path is None]
    if output is not None:
        if len(bare) != 1:
            raise typer.BadParameter("--output names the file of one --format without =FILE", param_hint="--output")
        outputs = [Output(o.format, output) if o is bare[0] else o for o in outputs]
    elif len(bare) > 1:
        raise typer.BadParameter(
            "only one format can go to standard output; give the others =FILE", param_hint="--format"
        )
    return outputs


def find_project_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding Pulumi.yaml."""
    for candidate in (start, *start.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    raise typer.BadParameter(f"no Pulumi.yaml at or above {start}", param_hint="--project-dir")


def _emit(result: CheckResult, outputs: list[Output], root: Path, command: str) -> None:
    for output in outputs:
        color = output.path is None and output.format == "text" and sys.stdout.isatty()
        text = render(result, output.format, project_root=root, color=color)
        if output.path is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            continue
        try:
            output.path.write_text(text, encoding="utf-8")
        except OSError as error:
            fail(command, f"{output.path}: cannot be written ({error.strerror or type(error).__name__})")
        typer.echo(f"wrote {output.path}", err=True)


def _writable(command: str, outputs: list[Output], given: Path | None) -> None:
    """Refuse an output that cannot be written before any work starts (not after a long check)."""
    try:
        for output in outputs:
            check_output_path(output.path, "--output" if output.path == given else f"--format {output.format}=")
    except CouldNotRun as error:
        fail(command, str(error))


def _verdict(result: CheckResult) -> NoReturn:
    raise typer.Exit(ExitCode.PASSED if result.passed else ExitCode.BLOCKED)


def _shard(text: str | None) -> Shard | None:
    try:
        return Shard.parse(text) if text else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--shard") from None


@app.command()
def check(
    stacks: Annotated[
        list[str] | None, typer.Argument(help="Stack names or stack files; default: every stack.")
    ] = None,
    formats: Annotated[list[str] | None, typer.Option("--format", "-f", help=FORMATS_HELP)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    project_dir: Annotated[Path, typer.Option(help="The Pulumi project (nearest Pulumi.yaml).")] = Path("."),
    policy_pack: Annotated[Path | None, typer.Option(help="Policy pack directory; default policies/.")] = None,
    policy_pack_config: Annotated[
        Path | None, typer.Option(help="JSON config for the pack, as `pulumi preview --policy-pack-config`.")
    ] = None,
    no_policies: Annotated[bool, typer.Option("--no-policies", help="Run the programs only.")] = False,
    policy_timeout: Annotated[
        float, typer.Option(min=1, help="Seconds one policy-pack call may take before the pack counts as hung.")
    ] = 60.0,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REF",
            help="Check only the stacks whose inputs changed since this git ref, and the stacks that read them.",
        ),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes; default: one per core.")
    ] = None,
    shard: Annotated[
        str | None, typer.Option("--shard", metavar="K/N", help="Check part K of N stable parts of the stacks.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Run every stack, even when a result for its inputs is cached.")
    ] = False,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Where results are cached; default .sovcloud/cache in the project.")
    ] = None,
) -> None:
    """Run every stack's program offline (no cloud, no credentials) and the policy pack on it.

    Exits 0 when it passed, 1 when any mandatory violation, invalid config or project finding is
    found, 2 when the check could not run (bad usage, unreadable input, policy pack failure).
    """
    outputs = parse_outputs(formats, output)
    root = find_project_root(project_dir.resolve())
    _writable("check", outputs, output)
    options = CheckOptions(
        project_root=root,
        stacks=stacks or None,
        policy_pack=policy_pack,
        policy_pack_config=policy_pack_config,
        policies_enabled=not no_policies,
        policy_timeout=policy_timeout,
        progress=progress_printer(),
        jobs=jobs,
        shard=_shard(shard),
        changed_since=changed_since,
        cache_dir=cache_dir,
        use_cache=not no_cache,
    )
    try:
        result = run_check(options)
    except (FileNotFoundError, ValueError, UnreadableFile) as error:
        fail("check", str(error))
    except PolicyPackStartError as error:
        fail("check", f"the policy pack could not start: {error}")
    except PolicyPackError as error:
        fail("check", str(error))
    _emit(result, outputs, root, "check")
    _verdict(result)


@app.command()
def report(
    from_events: Annotated[
        Path | None, typer.Option("--from-events", help="Engine event log (one JSON event per line).")
    ] = None,
    merge: Annotated[
        list[Path] | None,
        typer.Option("--merge", help="JSON results of the shards of one check (repeat, or list them after it)."),
    ] = None,
    files: Annotated[list[Path] | None, typer.Argument(help="More JSON results to merge.", show_default=False)] = None,
    formats: Annotated[list[str] | None, typer.Option("--format", "-f", help=FORMATS_HELP)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    project_dir: Annotated[Path, typer.Option(help="The Pulumi project (nearest Pulumi.yaml).")] = Path("."),
) -> None:
    """Render the event log of a real `pulumi preview --policy-pack policies`, or the merged JSON results
    of a sharded check, in the same formats.

    Exits 0 when it passed, 1 when it has blocking findings, 2 when the input could not be read (an
    event log that is not one complete preview: empty, damaged, cut before its summary, no stack).
    """
    outputs = parse_outputs(formats, output)
    root = find_project_root(project_dir.resolve())
    _writable("report", outputs, output)
    parts = [*(merge or []), *(files or [])]
    if (from_events is None) == (not parts):
        raise typer.BadParameter("give either --from-events FILE or --merge FILE...", param_hint="--merge")
    try:
        if from_events is not None:
            result = read_complete_event_log(from_events, policies=_pack_policies(root), project_root=root)
        else:
            result = merge_results([load_json(path.read_text(encoding="utf-8")) for path in parts], _catalogue(root))
    except CouldNotRun as error:
        fail("report", str(error))
    except (OSError, ValueError) as error:
        fail("report", str(error))
    _emit(result, outputs, root, "report")
    _verdict(result)


def _catalogue(root: Path) -> Catalogue | None:
    """The project's catalogue, for the checks across stacks a merge makes again (None: keep the shards')."""
    try:
        return project_catalogue(root)
    except (ConfigError, OSError, ValueError):
        return None


def _pack_policies(root: Path) -> list[PolicyInfo]:
    """The pack's own description of its policies: an event log names policies, not their remediation."""
    if not (root / "policies").is_dir():
        return []
    try:
        with PolicyPackSession(root / "policies", project=Project.load(root).name) as session:
            return [*session.policies, builtin_policies.CONFIG, builtin_policies.PROGRAM]
    except (PolicyPackError, PolicyPackStartError, OSError, UnreadableFile):
        return []


@app.callback()
def root(
    debug: Annotated[bool, typer.Option(DEBUG_FLAG, help="Show the traceback when the command fails.")] = False,
) -> None:
    """Exit codes: 0 passed, 1 blocking findings, 2 could not run (one line on stderr says why)."""


app.add_typer(tenant.app, name="tenant")
app.command(name="capacity")(capacity.capacity)


def run(argv: list[str]) -> int:
    """The command line's exit code: 0 passed, 1 blocking findings, 2 could not run."""
    return run_guarded(lambda args: app(args=args, prog_name="sovcloud", standalone_mode=False), argv)


def main() -> None:
    raise SystemExit(run(sys.argv[1:]))
