"""`sovcloud`: check the stacks offline, render reports, stamp out tenants.

sovcloud check [STACK ...] [--format text|markdown|sarif|json] [--output FILE]
sovcloud report --from-events FILE [--format ...] [--output FILE]
sovcloud tenant new NAME [...]
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from model.bounded_text import UnreadableFile
from sovcloud.analyzer import PolicyPackError, PolicyPackSession, PolicyPackStartError
from sovcloud.check import CheckOptions, run_check
from sovcloud.commands import tenant
from sovcloud.complete_event_log import read_complete_event_log
from sovcloud.engine.stack_files import Project
from sovcloud.failures import DEBUG_FLAG, CouldNotRun, ExitCode, check_output_path, fail, run_guarded
from sovcloud.report import render
from sovcloud.report.progress import progress_printer
from sovcloud.results import CheckResult, PolicyInfo, builtin_policies

app = typer.Typer(
    help="Offline checks, reports and tenant stamping for the sovereign cloud's Pulumi stacks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    sarif = "sarif"
    json = "json"


def find_project_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding Pulumi.yaml."""
    for candidate in (start, *start.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    raise typer.BadParameter(f"no Pulumi.yaml at or above {start}", param_hint="--project-dir")


def _emit(result: CheckResult, fmt: Format, output: Path | None, root: Path, command: str) -> None:
    color = output is None and fmt is Format.text and sys.stdout.isatty()
    text = render(result, fmt.value, project_root=root, color=color)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(command, f"--output {output}: cannot be written ({error.strerror or type(error).__name__})")
    typer.echo(f"wrote {output}", err=True)


def _verdict(result: CheckResult) -> NoReturn:
    raise typer.Exit(ExitCode.PASSED if result.passed else ExitCode.BLOCKED)


@app.command()
def check(
    stacks: Annotated[
        list[str] | None, typer.Argument(help="Stack names or stack files; default: every stack.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
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
) -> None:
    """Run every stack's program offline (no cloud, no credentials) and the policy pack on it.

    Exits 0 when it passed, 1 when any mandatory violation, invalid config or project finding is
    found, 2 when the check could not run (bad usage, unreadable input, policy pack failure).
    """
    root = find_project_root(project_dir.resolve())
    try:
        check_output_path(output)
    except CouldNotRun as error:
        fail("check", str(error))
    options = CheckOptions(
        project_root=root,
        stacks=stacks or None,
        policy_pack=policy_pack,
        policy_pack_config=policy_pack_config,
        policies_enabled=not no_policies,
        policy_timeout=policy_timeout,
        progress=progress_printer(),
    )
    try:
        result = run_check(options)
    except (FileNotFoundError, ValueError, UnreadableFile) as error:
        fail("check", str(error))
    except PolicyPackStartError as error:
        fail("check", f"the policy pack could not start: {error}")
    except PolicyPackError as error:
        fail("check", str(error))
    _emit(result, fmt, output, root, "check")
    _verdict(result)


@app.command()
def report(
    from_events: Annotated[Path, typer.Option("--from-events", help="Engine event log (one JSON event per line).")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    project_dir: Annotated[Path, typer.Option(help="The Pulumi project (nearest Pulumi.yaml).")] = Path("."),
) -> None:
    """Render the event log of a real `pulumi preview --policy-pack policies` in the same formats.

    Exits 0 when the preview passed, 1 when it has blocking findings, 2 when the log could not be
    read as one complete preview (empty, damaged, cut before its summary, no stack).
    """
    root = find_project_root(project_dir.resolve())
    try:
        check_output_path(output)
        result = read_complete_event_log(from_events, policies=_pack_policies(root), project_root=root)
    except CouldNotRun as error:
        fail("report", str(error))
    _emit(result, fmt, output, root, "report")
    _verdict(result)


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


def run(argv: list[str]) -> int:
    """The command line's exit code: 0 passed, 1 blocking findings, 2 could not run."""
    return run_guarded(lambda args: app(args=args, prog_name="sovcloud", standalone_mode=False), argv)


def main() -> None:
    raise SystemExit(run(sys.argv[1:]))
