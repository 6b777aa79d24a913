"""Reports of a check, one module per format; each is a pure function of a CheckResult.

render(result, "text" | "markdown" | "sarif" | "json" | "junit", project_root=ROOT) -> str
"""

from __future__ import annotations

from collections.abc import Collection
from importlib import metadata
from pathlib import Path

from federation_catalogue import project_catalogue

from sovcloud.redaction import redacted
from sovcloud.report.evidence import build_evidence
from sovcloud.report.json_report import render_json
from sovcloud.report.junit import render_junit
from sovcloud.report.markdown import render_markdown
from sovcloud.report.sarif import render_sarif
from sovcloud.report.text import render_text
from sovcloud.report.topology import AddressPlan, build_topology, plan_from_catalogue
from sovcloud.results import CheckResult

FORMATS = ("text", "markdown", "sarif", "json", "junit")


def address_plan(project_root: Path) -> AddressPlan:
    """The project's federation catalogue, as the topology needs it."""
    return plan_from_catalogue(project_catalogue(project_root))


def tool_version() -> str:
    try:
        return metadata.version("sovcloud")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def render(
    result: CheckResult,
    fmt: str,
    *,
    project_root: Path,
    color: bool = False,
    detail: Collection[str] | None = None,
) -> str:
    """The report in one format; `color` only affects text (ANSI codes, for a terminal); `detail` names
    stacks the markdown draws on their own besides the failing ones (e.g. those a change touched)."""
    result = redacted(result)  # reports go to code scanning and job summaries: never a secret
    if fmt == "text":
        return render_text(result, color=color)
    if fmt == "junit":
        return render_junit(result)
    evidence = build_evidence(result)
    if fmt == "markdown":
        topology = build_topology(result, address_plan(project_root))
        return render_markdown(result, topology=topology, evidence=evidence, detail=detail)
    if fmt == "sarif":
        return render_sarif(result, project_root=project_root, evidence=evidence, tool_version=tool_version())
    if fmt == "json":
        return render_json(result, evidence)
    raise ValueError(f"unknown report format {fmt!r} (valid: {', '.join(FORMATS)})")


__all__ = ["FORMATS", "render"]
