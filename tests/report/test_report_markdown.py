"""The pull-request report: verdict, per stack the table by concern and every finding with its
remediation, the topology diagram and the evidence section."""

from __future__ import annotations

import re
from pathlib import Path

from sovcloud.report import render
from sovcloud.results import CheckResult


def _section(markdown: str, heading: str) -> str:
    start = markdown.index(heading)
    following = re.search(r"^#{2,3} ", markdown[start + len(heading) :], re.MULTILINE)
    return markdown[start : start + len(heading) + (following.start() if following else len(markdown))]


def test_verdict_comes_first_and_names_failing_stacks(result: CheckResult, project: Path) -> None:
    markdown = render(result, "markdown", project_root=project)
    first = markdown.splitlines()[0]
    assert first == "## ❌ Sovereign cloud check failed"
    assert (
        "**4 blocking findings** in 2 of 3 stacks (`tenant-acme`, `tenant-broken`), 1 in the project's own checks"
        in markdown
    )
    assert "### Project checks" in markdown
    assert "| `platform` | platform | be 9 · lu 9 | 0 | 0 | ✅ pass |" in markdown


def test_each_stack_has_a_table_by_concern(result: CheckResult, project: Path) -> None:
    markdown = render(result, "markdown", project_root=project)
    tenant = _section(markdown, "### ❌ Stack `tenant-acme`")
    assert "| Concern | Policies | Ran | Passed | Advisory | Blocking | Result |" in tenant
    egress = next(line for line in tenant.splitlines() if line.startswith("| Egress"))
    assert egress.split("|")[6].strip() == "1"  # one blocking finding
    assert "`route-stays-in-plan`" in egress
    assert any(line.startswith("| Data protection") and "⚠️" in line for line in tenant.splitlines())
    assert any(line.startswith("| Other guardrails") for line in tenant.splitlines())  # unknown tag: other
    broken = _section(markdown, "### ❌ Stack `tenant-broken`")
    assert "no policy analyzed this stack" in broken


def test_every_violation_has_resource_message_and_remediation(result: CheckResult, project: Path) -> None:
    markdown = render(result, "markdown", project_root=project)
    rows = [
        line for line in markdown.splitlines() if line.startswith("| ❌ mandatory") or line.startswith("| ⚠️ advisory")
    ]
    assert len(rows) == len(result.all_findings())
    route = next(r for r in rows if "route-stays-in-plan" in r)
    assert "`acme-lu-default`" in route
    assert "leaves the address plan \\| (10.64.0.0/10)" in route  # a pipe in a message cannot break the table
    assert "Route only to the partner site's range" in route
    volume = next(r for r in rows if "volume-uses-encrypted-type" in r)
    assert "&lt;encrypted&gt;" in volume  # no raw HTML from messages
    assert "encrypted` volume type \\| or" in volume
    for row in rows:
        assert row.count(" | ") == 4, row  # five cells, whatever the text


def test_markdown_carries_the_topology_and_the_evidence(result: CheckResult, project: Path) -> None:
    markdown = render(result, "markdown", project_root=project)
    # a small fleet: the federation, and each stack that has a network to draw (not the broken one)
    assert markdown.count("```mermaid") == 3
    assert "### The federation" in markdown and "### Stack `tenant-acme`" in markdown
    assert "### Stack `tenant-broken`" not in markdown
    assert "❌ **1 egress finding(s)**" in markdown
    assert "- `tenant-acme`: `acme-lu-default` `route-stays-in-plan`: route to 0.0.0.0/0" in markdown
    evidence = _section(markdown, "## Sovereignty evidence")
    assert "| **SecNumCloud 19.2.b** |" in evidence
    assert "**Not checkable on declared resources**" in evidence
    assert "SecNumCloud 9.7.d" in evidence
    assert "`brand-new-tag`" in evidence  # a tag no requirement maps is shown, not hidden


def test_a_clean_run_says_no_path_leaves_the_plan(result: CheckResult, project: Path) -> None:
    clean = CheckResult(stacks=[result.stacks[0]], policies=result.policies)
    markdown = render(clean, "markdown", project_root=project)
    assert markdown.startswith("## ✅ Sovereign cloud check passed")
    assert "✅ No egress finding: the pack's 1 policy tagged `egress` found no way out" in markdown
