"""The terminal report: per stack what it declares on each site and what the policies found.

Plain text by default (files, CI logs); with `color=True` (the CLI passes it when stdout is a
terminal) verdicts and levels are coloured with ANSI codes. Nothing else differs.
"""

from __future__ import annotations

import textwrap

from sovcloud.report.view import (
    ResultView,
    advisory_count,
    blocking_count,
    counts_by_type,
    resource_label,
    site_order,
    sorted_findings,
)
from sovcloud.results import CheckResult, Finding, Level, StackResult

_ANSI = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2"}
MARKS = {Level.MANDATORY: "✗", Level.ADVISORY: "!", Level.REMEDIATE: "~", Level.DISABLED: "-"}
WIDTH = 100


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_ANSI[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def level(self, finding: Finding) -> str:
        label = f"{MARKS.get(finding.level, '?')} {finding.level.value}"
        return self(label, "red", "bold") if finding.blocking else self(label, "yellow")


def _findings(lines: list[str], findings: list[Finding], style: _Style, view: ResultView, indent: str) -> None:
    for finding in sorted_findings(findings):
        lines.append(f"{indent}{style.level(finding)}  {style(finding.policy, 'bold')}  {resource_label(finding)}")
        wrap = WIDTH - len(indent) - 4
        for part in finding.message.splitlines() or [""]:
            lines.extend(_wrap(part, wrap, initial_indent=indent + "    ", subsequent_indent=indent + "    ") or [""])
        remediation = view.policy(finding.policy).remediation_steps if finding.policy in view.policies else ""
        if remediation and finding.blocking:
            lines.extend(
                _wrap(
                    f"fix: {remediation}", wrap, initial_indent=indent + "    ", subsequent_indent=indent + "         "
                )
            )


def _stack(lines: list[str], stack: StackResult, style: _Style, view: ResultView) -> None:
    findings = view.findings_of(stack)
    verdict = style("PASS", "green", "bold") if view.stack_passed(stack) else style("FAIL", "red", "bold")
    by_site = stack.resources_by_site()
    total = sum(len(v) for v in by_site.values())
    timing = f", {stack.duration_seconds:.1f} s" if stack.duration_seconds else ""
    lines.append(f"{style(stack.stack, 'bold')}  {verdict}  ({stack.kind}, {stack.file}, {total} resources{timing})")
    if not by_site:
        lines.append("  declares nothing (its program did not run to completion)" if findings else "  declares nothing")
    for site in site_order(by_site):
        records = by_site[site]
        title = "no site" if site == "-" else f"site {site}"
        counts = ", ".join(f"{t} {n}" for t, n in counts_by_type(records))
        lines.extend(
            _wrap(f"{title:<8} {len(records):>4}: {counts}", WIDTH, initial_indent="  ", subsequent_indent=" " * 17)
        )
    if not findings:
        ran = sum(1 for t in view.tallies(stack) if t.ran)
        lines.append(f"  policies: {ran} ran, no findings" if ran else "  policies: none ran")
    else:
        lines.append(f"  policies: {blocking_count(findings)} blocking, {advisory_count(findings)} advisory")
        _findings(lines, findings, style, view, "    ")
    lines.append("")


def _wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """Wrapped at spaces only: type tokens and resource names keep their dashes."""
    wrapper = textwrap.TextWrapper(
        width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return wrapper.wrap(text)


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


def render_text(result: CheckResult, *, color: bool = False) -> str:
    style = _Style(color)
    view = ResultView(result)
    lines: list[str] = []
    pack = f"policy pack {result.pack_name} {result.pack_version}".rstrip() if result.pack_name else "no policy pack"
    lines.append(
        style(
            f"sovcloud check: {_plural(len(result.stacks), 'stack')}, {pack}, "
            f"{_plural(len(result.policies), 'policy')}",
            "bold",
        )
    )
    for note in result.notes:
        lines.append(style(f"note: {note}", "dim"))
    lines.append("")
    for stack in result.stacks:
        _stack(lines, stack, style, view)
    project = view.project_only()
    if project:
        lines.append(style("project", "bold") + f"  ({_plural(len(project), 'finding')})")
        _findings(lines, project, style, view, "    ")
        lines.append("")
    findings = result.all_findings()
    failed = [s.stack for s in result.stacks if not view.stack_passed(s)]
    blocking, advisory = blocking_count(findings), advisory_count(findings)
    verdict = style("PASSED", "green", "bold") if result.passed else style("FAILED", "red", "bold")
    failing = f" ({', '.join(failed)})" if failed else ""
    lines.append(
        f"{verdict}: {_plural(len(result.stacks), 'stack')}, {len(failed)} failing{failing}; "
        f"{blocking} blocking, {advisory} advisory findings"
    )
    return "\n".join(lines) + "\n"
