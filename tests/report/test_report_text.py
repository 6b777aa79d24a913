"""The terminal report: per stack what it declares per site, every finding, a final verdict."""

from __future__ import annotations

import io
from pathlib import Path

from sovcloud.report import render
from sovcloud.report.progress import ProgressPrinter, progress_printer
from sovcloud.report.text import render_text
from sovcloud.results import CheckResult, StackResult


def test_text_shows_each_stack_per_site_with_counts_by_type(result: CheckResult) -> None:
    text = render_text(result)
    assert "platform  FAIL" not in text  # the platform itself has no finding
    assert "platform  PASS" in text
    assert "site lu       9: openstack:Network 2" in text or "site lu" in text
    lu_line = next(line for line in text.splitlines() if "platform" not in line and line.strip().startswith("site lu"))
    assert "openstack:Subnet" in lu_line
    assert "tenant-acme  FAIL" in text
    assert "tenant-broken  FAIL" in text
    assert "declares nothing (its program did not run to completion)" in text


def test_text_lists_blocking_and_advisory_findings_with_remediation(result: CheckResult) -> None:
    text = render_text(result)
    assert "✗ mandatory  route-stays-in-plan  acme-lu-default" in text
    assert "route to 0.0.0.0/0 leaves the address plan" in text
    assert "fix: Route only to the partner site's range" in text
    assert "! advisory  volume-uses-encrypted-type  acme-be-data" in text
    assert "key sovcloud:tenant.sites.lu.ipv4" in text
    assert "project  (1 finding)" in text
    assert "backend.url is https://api.pulumi.com" in text
    tenant = text[text.index("tenant-acme  FAIL") : text.index("tenant-broken  FAIL")]
    assert "subnets-do-not-overlap-across-stacks" in tenant  # a project finding in the stack's own file


def test_text_ends_with_one_summary_line(result: CheckResult) -> None:
    last = render_text(result).rstrip("\n").splitlines()[-1]
    assert last.startswith("FAILED: 3 stacks, 2 failing (tenant-acme, tenant-broken); 4 blocking, 1 advisory")


def test_text_passes_when_nothing_blocks(result: CheckResult) -> None:
    clean = CheckResult(stacks=[result.stacks[0]], policies=result.policies, pack_name="p", pack_version="1")
    assert render_text(clean).rstrip().splitlines()[-1].startswith("PASSED: 1 stack, 0 failing")


def test_plain_text_has_no_colour_codes_and_colour_only_on_request(result: CheckResult, project: Path) -> None:
    assert "\x1b[" not in render(result, "text", project_root=project)
    assert "\x1b[31;1m" in render(result, "text", project_root=project, color=True)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_writes_one_line_per_event_on_a_terminal_only(result: CheckResult) -> None:
    terminal = FakeTerminal()
    printer = ProgressPrinter(terminal)
    printer("start", "tenant-acme", None)
    printer("done", "tenant-acme", result.stacks[1])
    lines = terminal.getvalue().splitlines()
    assert lines[0] == "  … tenant-acme: running the program"
    assert lines[1].startswith("  ✗ tenant-acme: 6 resources, 1 blocking, 1 advisory")

    redirected = io.StringIO()
    quiet = progress_printer(redirected)
    quiet("start", "platform", None)
    quiet("done", "platform", StackResult(stack="platform", file="x"))
    assert redirected.getvalue() == ""
