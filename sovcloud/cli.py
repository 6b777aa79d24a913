"""`sovcloud`: check the stacks offline, render reports, stamp out tenants.

sovcloud check [STACK ...] [--format text|markdown|sarif|json] [--output FILE]
sovcloud report --from-events FILE [--format ...] [--output FILE]
sovcloud tenant new NAME [...]
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sovcloud.analyzer import PolicyPackError, PolicyPackSession, PolicyPackStartError
from sovcloud.check import CheckOptions, run_check
from sovcloud.commands import tenant
from sovcloud.engine.stack_files import Project
from sovcloud.events import load_event_log
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


def _emit(result: CheckResult, fmt: Format, output: Path | None, root: Path) -> None:
    color = output is None and fmt is Format.text and sys.stdout.isatty()
    text = render(result, fmt.value, project_root=root, color=color)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


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
) -> None:
    """Run every stack's program offline (no cloud, no credentials) and the policy pack on it.

    Exits 1 when any mandatory violation, invalid config or project finding is found.
    """
    root = find_project_root(project_dir.resolve())
    options = CheckOptions(
        project_root=root,
        stacks=stacks or None,
        policy_pack=policy_pack,
        policy_pack_config=policy_pack_config,
        policies_enabled=not no_policies,
        progress=progress_printer(),
    )
    try:
        result = run_check(options)
    except (FileNotFoundError, ValueError) as error:
        typer.echo(f"sovcloud check: {error}", err=True)
        raise typer.Exit(2) from None
    _emit(result, fmt, output, root)
    raise typer.Exit(0 if result.passed else 1)


@app.command()
def report(
    from_events: Annotated[Path, typer.Option("--from-events", help="Engine event log (one JSON event per line).")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    project_dir: Annotated[Path, typer.Option(help="The Pulumi project (nearest Pulumi.yaml).")] = Path("."),
) -> None:
    """Render the event log of a real `pulumi preview --policy-pack policies` in the same formats."""
    root = find_project_root(project_dir.resolve())
    result = load_event_log(from_events, policies=_pack_policies(root), project_root=root)
    _emit(result, fmt, output, root)
    raise typer.Exit(0 if result.passed else 1)


def _pack_policies(root: Path) -> list[PolicyInfo]:
    """The pack's own description of its policies: an event log names policies, not their remediation."""
    if not (root / "policies").is_dir():
        return []
    try:
        with PolicyPackSession(root / "policies", project=Project.load(root).name) as session:
            return [*session.policies, builtin_policies.CONFIG, builtin_policies.PROGRAM]
    except (PolicyPackError, PolicyPackStartError, OSError):
        return []


app.add_typer(tenant.app, name="tenant")


def main() -> None:
    app()
