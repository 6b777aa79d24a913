"""The pull-request report (a PR comment or the job summary): the verdict first, then per stack a
table of results by concern and every finding with its remediation, the topology diagram, and the
sovereignty evidence. It has to read well on its own, to someone who never ran the check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from sovcloud.report.diagrams import select_stacks, topology_diagrams
from sovcloud.report.evidence import Evidence, StackStatus, Status, build_evidence
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
from sovcloud.results import CheckResult, Finding, Level, StackChange, StackResult

STACKS_NAMED = 10  # stacks named in a sentence before "and more"
CHANGES_LISTED = 40  # resource changes listed per stack; the JSON holds them all
COMMENT_LIMIT = 65_536  # characters a pull-request comment may hold
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
    if result.base_ref is not None:
        changed = view.changed()
        lines += [
            f"Changed since {code(result.base_ref)}: {len(changed)} stack{'s' if len(changed) != 1 else ''} "
            f"checked ({', '.join(code(s) for s in changed[:STACKS_NAMED]) or 'none'}"
            f"{' and more' if len(changed) > STACKS_NAMED else ''}); {len(result.unchecked)} unchanged, not checked.",
            "",
        ]
    detailed = view.detailed()
    rows = [
        [
            code(s.stack),
            s.kind,
            _sites_summary(s),
            str(blocking_count(view.findings_of(s))),
            str(advisory_count(view.findings_of(s))),
            ("✅ pass" if view.stack_passed(s) else "❌ fail") + (" · changed" if s.change is not None else ""),
        ]
        for s in detailed
    ]
    if rows:
        lines += _table(["Stack", "Kind", "Declares (per site)", "Blocking", "Advisory", "Verdict"], rows, "lllrrl")
    others = len(result.stacks) - len(detailed)
    if others:
        lines += ["", f"The other {others} stacks checked passed; each is one line under “Other stacks”."]
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


def _stack_section(stack: StackResult, view: ResultView, base_ref: str | None = None) -> list[str]:
    icon = "✅" if view.stack_passed(stack) else "❌"
    findings = view.findings_of(stack)
    by_site = stack.resources_by_site()
    total = sum(len(v) for v in by_site.values())
    lines = [f"### {icon} Stack {code(stack.stack)}", ""]
    lines.append(f"{code(stack.file)} · kind {stack.kind} · {total} resources ({_sites_summary(stack)})")
    lines.append("")
    if stack.change is not None:
        lines += _change_section(stack.change, base_ref)
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


def _change_section(change: StackChange, base_ref: str | None) -> list[str]:
    """What the change does to the stack: its changed inputs, and resources added, removed, changed."""
    against = f" against {code(base_ref)}" if base_ref else ""
    lines = [f"**What this change does**{against}", ""]
    if change.inputs:
        lines += [
            f"Changed inputs: {', '.join(code(i) for i in change.inputs[:STACKS_NAMED])}"
            + (f" and {len(change.inputs) - STACKS_NAMED} more" if len(change.inputs) > STACKS_NAMED else ""),
            "",
        ]
    if change.new_stack:
        return [*lines, "A new stack: every resource it declares is added.", ""]
    if change.base_error:
        return [*lines, f"No resource difference: {cell(change.base_error)}.", ""]
    entries = [
        *(("🟢 added", r) for r in change.added),
        *(("🔴 removed", r) for r in change.removed),
        *(("✏️ changed", r) for r in change.changed),
    ]
    if not entries:
        return [*lines, "No declared resource is added, removed or changed.", ""]
    lines.append(f"{len(change.added)} added, {len(change.removed)} removed, {len(change.changed)} changed:")
    lines.append("")
    rows = [
        [what, code(r.name), code(short_type(r.type)), ", ".join(code(k) for k in r.inputs) or "—"]
        for what, r in entries[:CHANGES_LISTED]
    ]
    lines += _table(["Change", "Resource", "Type", "Inputs that differ"], rows)
    if len(entries) > CHANGES_LISTED:
        lines += ["", f"… and {len(entries) - CHANGES_LISTED} more (all of them are in the JSON report)."]
    return [*lines, ""]


def _other_stacks(result: CheckResult, view: ResultView, compact: bool) -> list[str]:
    """Every stack not shown in full, one line each (names only when a line each would not fit)."""
    shown = {s.stack for s in view.detailed()}
    passed = [s for s in result.stacks if s.stack not in shown]
    if not passed and not result.unchecked:
        return []
    lines = ["## Other stacks", ""]
    since = f" since {code(result.base_ref)}" if result.base_ref else ""
    if compact:
        if passed:
            lines += [f"✅ {len(passed)} passed: " + ", ".join(s.stack for s in passed), ""]
        if result.unchecked:
            lines += [f"⚪ {len(result.unchecked)} unchanged{since}, not checked: " + ", ".join(result.unchecked), ""]
        return lines
    lines += [f"- ✅ {code(s.stack)} {sum(len(v) for v in s.resources_by_site().values())} resources" for s in passed]
    lines += [f"- ⚪ {code(name)} unchanged" for name in result.unchecked]
    return [*lines, ""]


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


def _others_cell(statuses: Iterable[StackStatus]) -> str:
    counts = Counter(s.status for s in statuses)
    return (
        " · ".join(f"{STATUS_ICONS[status].split(' ', 1)[0]} {counts[status]}" for status in Status if counts[status])
        or " "
    )


def _evidence_section(result: CheckResult, evidence: Evidence, view: ResultView) -> list[str]:
    stacks = [s.stack for s in view.detailed()]
    others = {s.stack for s in result.stacks} - set(stacks)
    others_column = f"{len(others)} other stacks" if others else ""
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
        if others_column:
            row.append(_others_cell(s for s in entry.stacks if s.stack in others))
        rows.append(row)
    header = ["Requirement", "Title", "Evidenced by", *[code(c) for c in columns]]
    lines += _table([*header, *([others_column] if others_column else [])], rows)
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
    for stack in view.detailed():
        lines += _stack_section(stack, view, result.base_ref)
    detail = view.changed() if detail is None else detail  # changed stacks are drawn too
    tail = [*_topology_section(result, topology, detail), *_evidence_section(result, evidence, view)]
    report = _joined([*lines, *_other_stacks(result, view, compact=False), *tail])
    if len(report) > COMMENT_LIMIT:  # a line per stack does not fit a pull-request comment: names only
        report = _joined([*lines, *_other_stacks(result, view, compact=True), *tail])
    return report


def _joined(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"
