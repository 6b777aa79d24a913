"""`sovcloud report --from-events` on event logs the real engine wrote: `tools/real-engine-check
--keep-logs tests/report/data/real-engine` previews every bundled stack with the Pulumi CLI and the
project's pack, and one deliberately broken stack (every tenant security group also opens egress to
0.0.0.0/0). Debug-level diagnostics are left out of the kept logs; every other line is the engine's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovcloud.events import load_event_log
from sovcloud.report import render
from sovcloud.results import Level, Source

ROOT = Path(__file__).resolve().parents[2]
REAL = Path(__file__).with_name("data") / "real-engine"
BUNDLED = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
BROKEN = next(REAL.glob("broken-*.events.jsonl"))


def _declared(log: Path) -> int:
    """Resources the engine stepped through, less the root stack it makes itself."""
    count = 0
    for line in log.read_text(encoding="utf-8").splitlines():
        step = json.loads(line).get("resourcePreEvent")
        if step and step["metadata"]["type"] != "pulumi:pulumi:Stack":
            count += 1
    return count


def _violations(log: Path) -> list[tuple[str, str, str]]:
    """(policy, enforcement level, URN) of every policyEvent, as the engine wrote them."""
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        if event := json.loads(line).get("policyEvent"):
            found.append((event["policyName"], event["enforcementLevel"], event.get("resourceUrn") or ""))
    return sorted(found)


@pytest.mark.parametrize("stack", BUNDLED)
def test_every_bundled_stack_reads_as_one_stack_with_all_its_resources_and_violations(stack: str) -> None:
    log = REAL / f"{stack}.events.jsonl"
    result = load_event_log(log)
    [read] = result.stacks
    assert (read.stack, read.file) == (stack, f"stacks/Pulumi.{stack}.yaml")
    assert len(read.resources) == _declared(log) > 0
    assert all(r.urn.startswith(f"urn:pulumi:{stack}::sovcloud::") for r in read.resources)
    assert read.policies_run, "the analyze summaries name the policies that ran"
    findings = [(f.policy, f.level.value, f.urn or "") for f in read.findings if f.source is Source.POLICY]
    assert sorted(findings) == _violations(log)
    assert result.passed == (not any(level == "mandatory" for _, level, _ in findings))
    assert (result.pack_name or "sovereign-cloud", result.pack_version or "1.0.0") == ("sovereign-cloud", "1.0.0")


def test_the_broken_stack_fails_on_its_internet_egress_rules_and_nothing_else() -> None:
    result = load_event_log(BROKEN)
    [read] = result.stacks
    blocking = [f for f in read.findings if f.level is Level.MANDATORY and f.source is Source.POLICY]
    assert "security-group-rule-stays-in-plan" in {f.policy for f in blocking}
    assert all(f.urn and f.urn.endswith("-security-internet") for f in blocking)
    assert {f.resource_type for f in blocking} == {"openstack:networking/secGroupRule:SecGroupRule"}
    assert all("0.0.0.0/0" in f.message for f in blocking)
    assert not read.passed and not result.passed


@pytest.mark.parametrize("fmt", ["text", "markdown", "sarif", "json"])
def test_the_broken_stack_renders_in_every_format_with_its_engine_urns(fmt: str) -> None:
    result = load_event_log(BROKEN)
    report = render(result, fmt, project_root=ROOT)
    urn = next(f.urn for f in result.stacks[0].findings if f.level is Level.MANDATORY)
    assert urn and (urn in report or urn.rsplit("::", 1)[-1] in report)
