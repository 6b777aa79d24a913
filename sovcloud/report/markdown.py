"""The pull-request report (a PR comment or the job summary): the verdict first, then per stack a
table of results by concern and every finding with its remediation, the topology diagram, and the
sovereignty evidence. It has to read well on its own, to someone who never ran the check.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sovcloud.report.diagrams import select_stacks, topology_diagrams
from sovcloud.report.evidence import Evidence, Status, build_evidence
from sovcloud.report.topology import Topology
from sovcloud.report.view import (
    CONCERN_TITLES,
    ResultView,
    advisory_count,
    blocking_count,
    counts_by_type,
    short_type,
    site_order,
    sorted_findings,
)
from sovcloud.results import CheckResult, Finding, Level, StackResult

LEVEL_ICONS = {Level.MANDATORY: "❌", Level.ADVISORY: "⚠️", Level.REMEDIATE: "🔧", Level.DISABLED: "⚪"}
ESCAPES_LISTED = 20
STATUS_ICONS = {
    Status.MET: "✅ met",
    Status.VIOLATED: "❌ violated",
    Status.NOT_EVIDENCED: "⚪ not evidenced",
    Status.NOT_CHECKABLE: "🚫 not checkable",
}


def cell(text: str) -> str:
    """Text safe in a GitHub table cell: no pipes, no raw HTML, line breaks as <br>."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return "<br>".join(part.strip() for part in escaped.splitlines()) or " "


def code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]], align: str = "") -> list[str]:
    header = list(header)
    marks = [("---:" if a == "r" else "---") for a in (align or "l" * len(header)).ljust(len(header), "l")]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _sites_summary(stack: StackResult) -> str:
    by_site = stack.resources_by_site()
    if not by_site:
        return "nothing"
    return " · ".join(f"{'no site' if s == '-' else s} {len(by_site[s])}" for s in site_order(by_site))


def _verdict(result: CheckResult, view: ResultView) -> list[str]:
    findings = result.all_findings()
    blocking, advisory = blocking_count(findings), advisory_count(findings)
    failed = [s.stack for s in result.stacks if not view.stack_passed(s)]
    if result.passed:
        headline = "## ✅ Sovereign cloud check passed"
        summary = f"No blocking finding in {len(result.stacks)} stacks"
    else:
        headline = "## ❌ Sovereign cloud check failed"
        where = (
            f" in {len(failed)} of {len(result.stacks)} stacks ({', '.join(code(s) for s in failed)})" if failed else ""
        )
        project = blocking_count(view.project_only())
        summary = f"**{blocking} blocking finding{'s' if blocking != 1 else ''}**{where}"
        if project:
            summary += f", {project} in the project's own checks"
    summary += f"; {advisory} advisory." if advisory else "."
    pack = (
        f"Policy pack {code(result.pack_name)} {result.pack_version}, {len(result.policies)} policies."
        if result.pack_name
        else f"{len(result.policies)} policies (no policy pack ran)."
    )
    lines = [headline, "", f"{summary} {pack}", ""]
    lines += [f"> {cell(note)}" for note in result.notes]
    if result.notes:
        lines.append("")
    rows = [
        [
            code(s.stack),
            s.kind,
            _sites_summary(s),
            str(blocking_count(view.findings_of(s))),
            str(advisory_count(view.findings_of(s))),
            "✅ pass" if view.stack_passed(s) else "❌ fail",
        ]
        for s in result.stacks
    ]
    lines += _table(["Stack", "Kind", "Declares (per site)", "Blocking", "Advisory", "Verdict"], rows, "lllrrl")
    return [*lines, ""]


def _finding_rows(findings: list[Finding], view: ResultView) -> list[list[str]]:
    rows = []
    for finding in sorted_findings(findings):
        policy = view.policy(finding.policy)
        resource = finding.resource_name or ""
        if finding.resource_type:
            resource = f"{code(resource)}<br>{cell(short_type(finding.resource_type))}" if resource else ""
        elif resource:
            resource = code(resource)
        if finding.key:
            resource = (resource + "<br>" if resource else "") + f"key {code(finding.key)}"
        if finding.file:
            resource = (resource + "<br>" if resource else "") + f"in {code(finding.file)}"
        rows.append(
            [
                f"{LEVEL_ICONS.get(finding.level, '')} {finding.level.value}",
                code(finding.policy),
                resource or "—",
                cell(finding.message),
                cell(policy.remediation_steps) if policy.remediation_steps else "—",
            ]
        )
    return rows


def _stack_section(stack: StackResult, view: ResultView) -> list[str]:
    icon = "✅" if view.stack_passed(stack) else "❌"
    findings = view.findings_of(stack)
    by_site = stack.resources_by_site()
    total = sum(len(v) for v in by_site.values())
    lines = [f"### {icon} Stack {code(stack.stack)}", ""]
    lines.append(f"{code(stack.file)} · kind {stack.kind} · {total} resources ({_sites_summary(stack)})")
    lines.append("")
    if not stack.resources:
        lines += ["The program did not run to completion, so no policy analyzed this stack.", ""]
    rows = [
        [
            CONCERN_TITLES[row.concern],
            str(row.policies),
            str(row.ran),
            str(row.passed),
            str(row.advisory),
            str(row.blocking),
            ("❌ " if row.blocking else "⚠️ " if row.advisory else "✅ " if row.ran else "⚪ ")
            + (", ".join(code(p) for p in row.failing_policies) or ("all passed" if row.ran else "did not run")),
        ]
        for row in view.concern_rows(stack)
    ]
    lines += _table(["Concern", "Policies", "Ran", "Passed", "Advisory", "Blocking", "Result"], rows, "lrrrrrl")
    lines.append("")
    if findings:
        lines += [
            f"**Findings ({blocking_count(findings)} blocking, {advisory_count(findings)} advisory)**",
            "",
        ]
        lines += _table(["Level", "Policy", "Resource", "Message", "Remediation"], _finding_rows(findings, view))
        lines.append("")
    if by_site:
        sites = site_order(by_site)
        types = sorted({t for records in by_site.values() for t, _ in counts_by_type(records)})
        counts = {site: dict(counts_by_type(by_site[site])) for site in sites}
        rows = [[code(t), *[str(counts[s].get(t, "")) for s in sites]] for t in types]
        lines += ["<details><summary>Declared resources by type and site</summary>", ""]
        lines += _table(
            ["Type", *["no site" if s == "-" else f"site {s}" for s in sites]], rows, "l" + "r" * len(sites)
        )
        lines += ["", "</details>", ""]
    return lines


def _topology_section(result: CheckResult, topology: Topology, detail: Collection[str] | None) -> list[str]:
    lines = ["## Topology", ""]
    plan = " / ".join(str(r) for r in topology.plan.federation)
    policies = len(topology.egress_policies)
    if topology.escapes:
        lines.append(
            f"❌ **{len(topology.escapes)} egress finding(s)**: the pack's policies tagged `egress` found a way out "
            f"of the federation ({plan}); drawn in red below."
        )
        lines.append("")
        shown = topology.escapes[:ESCAPES_LISTED]
        lines += [
            f"- {code(e.stack)}: {code(e.resource) + ' ' if e.resource else ''}{code(e.finding.policy)}: "
            f"{cell(e.finding.message)}"
            for e in shown
        ]
        if len(topology.escapes) > len(shown):
            lines.append(f"- and {len(topology.escapes) - len(shown)} more (see the stacks' findings above)")
    elif policies:
        noun = "policy" if policies == 1 else "policies"
        lines.append(
            f"✅ No egress finding: the pack's {policies} {noun} tagged `egress` found no way out of the "
            f"federation ({plan})."
        )
    else:
        lines.append("⚪ No policy tagged `egress` ran, so nothing tells whether a path leaves the federation.")
    lines.append("")
    diagrams = topology_diagrams(result, topology, detail)
    selected = select_stacks(result, topology, detail)
    if len(selected) > len(diagrams) - 1:
        rest = ", ".join(code(s) for s in selected[len(diagrams) - 1 :])
        lines += [f"Not drawn, to keep the report readable: {rest}.", ""]
    for index, diagram in enumerate(diagrams):
        if index == 0:
            lines += ["### The federation", ""]
        else:
            lines += [f"### {cell(diagram.title.split(' ', 1)[0])} {code(diagram.title.split(' ', 1)[1])}", ""]
        lines += ["```mermaid", diagram.source.rstrip("\n"), "```", ""]
    return lines


def _policy_list(policies: tuple[str, ...], shown: int = 3) -> str:
    if not policies:
        return "—"
    more = f" and {len(policies) - shown} more" if len(policies) > shown else ""
    return ", ".join(code(p) for p in policies[:shown]) + more


def _evidence_section(result: CheckResult, evidence: Evidence) -> list[str]:
    stacks = [s.stack for s in result.stacks]
    project = any(st.stack == "(project)" for e in evidence.requirements for st in e.stacks)
    columns = [*stacks, *(["(project)"] if project else [])]
    lines = ["## Sovereignty evidence", ""]
    lines.append(
        "A requirement is **met** on a stack when every policy evidencing it analyzed the stack and none "
        "blocked. Ownership, staffing and consent cannot be seen in declared resources: those are listed "
        "as not checkable, never as met."
    )
    lines.append("")
    checkable = [e for e in evidence.requirements if e.requirement.checkable]
    rows = []
    for entry in checkable:
        statuses = {s.stack: s for s in entry.stacks}
        row = [
            f"**{cell(entry.requirement.id)}**",
            cell(entry.requirement.title),
            _policy_list(entry.policies),
        ]
        for column in columns:
            status = statuses.get(column)
            if status is None:
                row.append("")
            else:
                detail = (
                    f"<br><sub>{cell(status.detail)}</sub>" if status.detail and status.status is not Status.MET else ""
                )
                row.append(STATUS_ICONS[status.status] + detail)
        rows.append(row)
    lines += _table(["Requirement", "Title", "Evidenced by", *[code(c) for c in columns]], rows)
    lines.append("")
    uncheckable = [e for e in evidence.requirements if not e.requirement.checkable]
    if uncheckable:
        lines += ["**Not checkable on declared resources** (evidence is organisational or contractual):", ""]
        lines += [f"- **{e.requirement.id}**: {e.requirement.title}. {e.requirement.note}" for e in uncheckable]
        lines.append("")
    if evidence.unmapped_tags:
        lines.append(
            f"Policy tags that evidence no requirement yet: {', '.join(code(t) for t in evidence.unmapped_tags)}."
        )
        lines.append("")
    rows = [[code(p), "; ".join(ids) or "—"] for p, ids in evidence.policy_requirements.items()]
    lines += ["<details><summary>Policy → requirements it evidences</summary>", ""]
    lines += _table(["Policy", "Requirements"], rows)
    lines += ["", "</details>", ""]
    return lines


def render_markdown(
    result: CheckResult,
    *,
    topology: Topology,
    evidence: Evidence | None = None,
    detail: Collection[str] | None = None,
) -> str:
    """The report; `detail` names stacks to draw on their own besides the failing ones (e.g. changed ones)."""
    view = ResultView(result)
    evidence = evidence or build_evidence(result)
    lines = _verdict(result, view)
    if view.project_only():
        lines += ["### Project checks", ""]
        lines += _table(
            ["Level", "Policy", "Resource", "Message", "Remediation"], _finding_rows(view.project_only(), view)
        )
        lines.append("")
    for stack in result.stacks:
        lines += _stack_section(stack, view)
    lines += _topology_section(result, topology, detail)
    lines += _evidence_section(result, evidence)
    return "\n".join(lines).rstrip("\n") + "\n"
