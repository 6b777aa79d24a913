"""`sovcloud report --from-events`: the engine event log of a real preview, read into the same
result the offline check produces (samples written from Pulumi's documented event shapes)."""

from __future__ import annotations

import json
from pathlib import Path

from sovcloud.events import load_event_log, parse_event_log, strip_markup
from sovcloud.report import render
from sovcloud.results import Level, PolicyInfo, Source

DATA = Path(__file__).with_name("data")
TENANT_LOG = DATA / "preview-tenant-acme.events.jsonl"
BROKEN_LOG = DATA / "preview-config-error.events.jsonl"
ROUTE = (
    "urn:pulumi:tenant-acme::sovcloud::sovcloud:tenant:TenantSite$openstack:networking/routerRoute:RouterRoute"
    "::acme-lu-default"
)


def test_colour_markup_is_stripped() -> None:
    assert strip_markup("<{%fg 1%}>error: <{%reset%}>boom<{%reset%}>\n") == "error: boom"


def test_violations_become_findings_with_level_severity_and_resource() -> None:
    result = load_event_log(TENANT_LOG)
    [stack] = result.stacks
    assert (stack.stack, stack.file, stack.kind) == ("tenant-acme", "stacks/Pulumi.tenant-acme.yaml", "tenant")
    route = next(f for f in stack.findings if f.policy == "route-stays-in-plan")
    assert route.level is Level.MANDATORY and route.severity == "critical" and route.source is Source.POLICY
    assert route.urn == ROUTE and route.resource_name == "acme-lu-default"
    assert route.message == "route to 0.0.0.0/0 leaves the address plan (10.64.0.0/10, fd5e:c10d:a000::/48)"
    volume = next(f for f in stack.findings if f.policy == "volume-uses-encrypted-type")
    assert volume.level is Level.ADVISORY and volume.message == "volume type 'standard' is not encrypted"
    assert (result.pack_name, result.pack_version) == ("sovereign-cloud", "1.0.0")
    assert not stack.passed and not result.passed


def test_resources_come_from_the_steps_with_sites_and_links() -> None:
    stack = load_event_log(TENANT_LOG).stacks[0]
    by_name = {r.name: r for r in stack.resources}
    assert "sovcloud-tenant-acme" not in by_name  # the stack resource itself is not a declared resource
    assert "acme-lu-fip" not in by_name  # deleted by this change
    assert by_name["acme-lu-net"].site == "lu" and by_name["acme-be-data"].site == "be"
    assert by_name["lu-openstack"].inputs["region"] == "eu-lu-1"
    interface = by_name["acme-lu-if-v4"]
    assert interface.property_dependencies["routerId"] == (by_name["acme-lu-router"].urn,)
    assert interface.property_dependencies["subnetId"] == (by_name["acme-lu-v4"].urn,)
    assert stack.duration_seconds == 7.0


def test_analyze_summaries_say_which_policies_ran() -> None:
    stack = load_event_log(TENANT_LOG).stacks[0]
    assert stack.policies_run == (
        "no-external-network",
        "resource-placed-in-eu-site",
        "route-stays-in-plan",
        "subnets-are-dual-stack",
        "volume-uses-encrypted-type",
    )


def test_malformed_lines_and_unknown_events_are_counted_not_fatal() -> None:
    with TENANT_LOG.open(encoding="utf-8") as stream:
        log = parse_event_log(stream)
    assert log.skipped_lines == 2  # a stray text line and a truncated event
    assert log.unknown_events == {"futureEngineEvent": 1}
    assert any("2 line(s) of the event log" in note for note in log.result.notes)
    garbage = parse_event_log(["[1, 2]", "null", "{}", '{"sequence": 1}', "\x00\x01", ""])
    assert garbage.skipped_lines == 5 and garbage.result.stacks == []


def test_a_failed_program_reports_its_config_errors_by_file_and_key() -> None:
    result = load_event_log(BROKEN_LOG)
    [stack] = result.stacks
    assert stack.stack == "tenant-broken" and stack.resources == []
    [finding] = stack.findings
    assert finding.policy == "stack-config-is-valid" and finding.source is Source.CONFIG
    assert (finding.file, finding.key) == ("stacks/Pulumi.tenant-broken.yaml", "sovcloud:tenant.sites.lu.ipv4")
    assert finding.message == "192.168.0.0/24 is outside the site's tenant pool 10.80.0.0/12"


def test_other_engine_errors_are_blocking_findings() -> None:
    lines = [
        json.dumps({"sequence": 1, "preludeEvent": {"config": {}}}),
        json.dumps(
            {
                "sequence": 2,
                "diagnosticEvent": {
                    "urn": "urn:pulumi:s1::sovcloud::pulumi:pulumi:Stack::sovcloud-s1",
                    "message": "<{%fg 1%}>boom<{%reset%}>",
                    "color": "raw",
                    "severity": "error",
                },
            }
        ),
        json.dumps({"sequence": 3, "diagnosticEvent": {"message": "just info", "color": "raw", "severity": "info"}}),
    ]
    [stack] = parse_event_log(lines).result.stacks
    assert stack.stack == "s1"
    assert [(f.policy, f.message, f.blocking) for f in stack.findings] == [("pulumi-engine-error", "boom", True)]


def test_two_runs_in_one_log_are_two_stacks() -> None:
    lines = [*TENANT_LOG.read_text(encoding="utf-8").splitlines(), *BROKEN_LOG.read_text(encoding="utf-8").splitlines()]
    result = parse_event_log(lines).result
    assert [s.stack for s in result.stacks] == ["tenant-acme", "tenant-broken"]


def test_the_packs_policy_descriptions_enrich_the_report() -> None:
    described = PolicyInfo(
        name="route-stays-in-plan",
        description="Routes lead only to destinations inside the federation's address plan.",
        enforcement_level=Level.MANDATORY,
        tags=("egress",),
        remediation_steps="Route only inside the plan.",
    )
    result = load_event_log(TENANT_LOG, policies=[described])
    assert result.policies[0] is described
    markdown = render(result, "markdown", project_root=Path(__file__).resolve().parents[2])
    assert "Route only inside the plan." in markdown
    assert "route to 0.0.0.0/0 leaves the address plan" in markdown
    assert "reached#58; see the egress findings" in markdown  # the event log's finding is drawn to the outside
