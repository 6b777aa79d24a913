"""The markdown report at fleet scale: failing and changed stacks in full, every other stack in one
line, what a change does to each changed stack, and the whole within a pull-request comment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sovcloud.report import render
from sovcloud.report.markdown import COMMENT_LIMIT
from sovcloud.results import CheckResult, ResourceChange, StackChange, StackResult
from tests.report.conftest import tenant_stack

TENANTS = 1000


def fleet(result: CheckResult, *, unchecked: bool) -> CheckResult:
    """The fixture's platform and failing tenant, one changed tenant, and a thousand passing ones."""
    template = tenant_stack()
    # The fixture tenant's default route leaves the plan: the passing ones keep only their other resources.
    passing = replace(
        template, findings=[], resources=[r for r in template.resources if "0.0.0.0/0" not in str(r.inputs)]
    )
    changed_resource = passing.resources[-1]
    changed = replace(
        passing,
        stack="tenant-changed",
        file="stacks/Pulumi.tenant-changed.yaml",
        change=StackChange(
            inputs=("stacks/Pulumi.tenant-changed.yaml",),
            changed=(ResourceChange(changed_resource.urn, changed_resource.type, changed_resource.name, ("cidr",)),),
        ),
    )
    others = [f"tenant-{i:04d}" for i in range(TENANTS)]
    stacks: list[StackResult] = [result.stacks[0], result.stacks[1], changed]
    if not unchecked:
        stacks += [replace(passing, stack=name, file=f"stacks/Pulumi.{name}.yaml") for name in others]
    return replace(
        result,
        stacks=stacks,
        base_ref="origin/main",
        unchecked=others if unchecked else [],
        project_findings=[],
    )


def test_a_thousand_unchanged_tenants_fit_a_comment_and_the_change_is_shown(result: CheckResult) -> None:
    report = render(fleet(result, unchecked=True), "markdown", project_root=Path("."))
    assert len(report) < COMMENT_LIMIT
    assert "### ❌ Stack `tenant-acme`" in report  # failing: in full
    assert "### ✅ Stack `tenant-changed`" in report  # changed: in full
    assert "What this change does" in report and "`cidr`" in report
    assert "tenant-0999" in report and "### ✅ Stack `tenant-0999`" not in report


def test_a_thousand_passing_tenants_fit_a_comment_one_line_each_or_named(result: CheckResult) -> None:
    report = render(fleet(result, unchecked=False), "markdown", project_root=Path("."))
    assert len(report) < COMMENT_LIMIT
    assert all(f"tenant-{i:04d}" in report for i in (0, 500, 999))
    assert "### ✅ Stack `tenant-0500`" not in report
    assert "1001 other stacks" in report  # the evidence table counts them in one column
