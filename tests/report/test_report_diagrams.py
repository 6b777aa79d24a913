"""The reviewer's picture: a federation diagram plus one diagram per failing or requested stack, escapes
marked only from the pack's `egress` findings, and every diagram within Mermaid's default limits
whatever the size of the fleet."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sovcloud.report import address_plan
from sovcloud.report.diagrams import (
    MAX_STACK_DIAGRAMS,
    OUTSIDE_ID,
    SMALL_FLEET,
    federation_diagram,
    select_stacks,
    stack_diagram,
    topology_diagrams,
)
from sovcloud.report.topology import Topology, build_topology
from sovcloud.results import CheckResult, Finding, Level, PolicyInfo, StackResult
from tests.report.conftest import NET, POLICIES, platform_stack, record, tenant_stack
from tests.report.test_report_mermaid import parse

ROOT = Path(__file__).resolve().parents[2]


def topology_of(result: CheckResult) -> Topology:
    return build_topology(result, address_plan(ROOT))


def test_the_federation_draws_sites_platform_interconnect_and_each_stack(result: CheckResult) -> None:
    diagram = federation_diagram(topology_of(result), failing={"tenant-acme"})
    text = "\n".join([*diagram.nodes.values(), *diagram.clusters.values()])
    assert "Site lu · LU · eu-lu-1 · hosting partner\n10.64.0.0/11 · fd5e:c10d:a000:1000::/52" in text
    assert "Interconnect: dedicated fibre" in text
    assert "router border-lu\nstack platform" in text
    assert "tenant-acme (tenant)\n10.80.8.0/24" in text
    assert "one L2 segment over the fibre" in diagram.edge_labels
    parse(diagram.source)
    assert diagram.fits()


def test_escapes_come_from_egress_findings_only(result: CheckResult) -> None:
    topology = topology_of(result)
    [escape] = topology.escapes
    assert (escape.stack, escape.site, escape.resource) == ("tenant-acme", "lu", "acme-lu-default")
    assert escape.source is not None and escape.source.endswith("::acme-lu-router")  # the route's router
    diagram = stack_diagram(topology, "tenant-acme")
    _, edges, _ = parse(diagram.source)
    assert [a for a, b in edges if b == OUTSIDE_ID] == [n for n in diagram.nodes if n.startswith("router_acme")]
    assert any(label.startswith("route-stays-in-plan: route to 0.0.0.0/0") for label in diagram.edge_labels)

    # the same route, but the finding's policy is not tagged egress: nothing is drawn leaving
    untagged = [dataclasses.replace(p, tags=("network",)) if p.name == "route-stays-in-plan" else p
                for p in result.policies]  # fmt: skip
    quiet = topology_of(dataclasses.replace(result, policies=untagged))
    assert quiet.escapes == [] and quiet.egress_policies == ()
    for drawn in (federation_diagram(quiet, failing=()), stack_diagram(quiet, "tenant-acme")):
        assert all(OUTSIDE_ID not in edge for edge in parse(drawn.source)[1])


def test_an_egress_finding_on_a_resource_the_picture_does_not_draw_gets_its_own_node() -> None:
    tenant = tenant_stack()
    comp = tenant.resources[0].parent or ""
    rule = record("tenant-acme", "openstack:networking/secGroupRule:SecGroupRule", "ssh <world>", "lu", comp)
    finding = Finding(policy="sg-egress", level=Level.MANDATORY, message="0.0.0.0/0 #open", urn=rule.urn)
    policy = PolicyInfo(name="sg-egress", description="", enforcement_level=Level.MANDATORY, tags=("egress",))
    stack = dataclasses.replace(tenant, resources=[*tenant.resources, rule], findings=[finding])
    diagram = stack_diagram(topology_of(CheckResult(stacks=[stack], policies=[policy])), "tenant-acme")
    [node] = [n for n, text in diagram.nodes.items() if text == "ssh <world>"]
    assert (node, OUTSIDE_ID) in parse(diagram.source)[1]
    assert "sg-egress: 0.0.0.0/0 #open" in diagram.edge_labels


def test_a_stack_diagram_shows_routes_to_other_stacks_routers(result: CheckResult) -> None:
    diagram = stack_diagram(topology_of(result), "platform")
    assert "to site be" in diagram.edge_labels and "to site lu" in diagram.edge_labels
    assert diagram.title == "Stack platform"


def fleet(tenants: int, failing: int = 0) -> CheckResult:
    """The fixture's platform plus `tenants` copies of its tenant; the first `failing` carry an egress finding."""
    base = tenant_stack()
    stacks: list[StackResult] = [platform_stack()]
    for index in range(tenants):
        name = f"tenant-t{index:03d}"
        resources = [
            dataclasses.replace(r, urn=r.urn.replace("tenant-acme", name),
                                parent=(r.parent or "").replace("tenant-acme", name),
                                property_dependencies={k: tuple(u.replace("tenant-acme", name) for u in v)
                                                       for k, v in r.property_dependencies.items()})
            for r in base.resources
        ]  # fmt: skip
        findings = [
            dataclasses.replace(f, urn=(f.urn or "").replace("tenant-acme", name))
            for f in base.findings
            if index < failing or f.policy != "route-stays-in-plan"
        ]
        stacks.append(StackResult(stack=name, file=f"stacks/Pulumi.{name}.yaml", kind="tenant",
                                  resources=resources, findings=findings))  # fmt: skip
    return CheckResult(stacks=stacks, policies=list(POLICIES))


def test_a_small_fleet_draws_every_stack_a_large_one_only_failing_and_requested() -> None:
    small = fleet(SMALL_FLEET - 1)
    assert select_stacks(small, topology_of(small)) == [s.stack for s in small.stacks]
    large = fleet(50, failing=2)
    topology = topology_of(large)
    assert select_stacks(large, topology) == ["tenant-t000", "tenant-t001"]
    assert select_stacks(large, topology, {"tenant-t042", "platform"}) == [
        "platform", "tenant-t000", "tenant-t001", "tenant-t042",
    ]  # fmt: skip
    titles = [d.title for d in topology_diagrams(large, topology, {"tenant-t042"})]
    assert titles == ["The federation", "Stack tenant-t000", "Stack tenant-t001", "Stack tenant-t042"]


def test_hundreds_of_tenants_still_fit_and_failing_ones_stay_visible() -> None:
    large = fleet(300, failing=40)
    topology = topology_of(large)
    diagrams = topology_diagrams(large, topology)
    assert len(diagrams) == 1 + MAX_STACK_DIAGRAMS
    for diagram in diagrams:
        assert diagram.fits(), (diagram.title, diagram.size, diagram.edges)
        parse(diagram.source)
    federation = diagrams[0]
    assert "300 tenant stacks\n40 failing\nin 10.80.0.0/12 · fd5e:c10d:a000:1800::/53" in federation.nodes.values()
    assert sum(1 for text in federation.nodes.values() if text.startswith("tenant-t0")) == MAX_STACK_DIAGRAMS


def test_a_stack_too_large_to_draw_is_summarised_never_emitted_broken(result: CheckResult) -> None:
    tenant = tenant_stack()
    router = next(r for r in tenant.resources if r.type.endswith("Router"))
    networks = [
        record("tenant-acme", NET, f"extra-{index}", "lu", router.parent or "", name=f"extra network {index}")
        for index in range(1500)
    ]
    big = dataclasses.replace(tenant, resources=[*tenant.resources, *networks])
    diagram = stack_diagram(topology_of(CheckResult(stacks=[big], policies=result.policies)), "tenant-acme")
    assert diagram.fits()
    assert any("too large to draw within Mermaid's default limits" in text for text in diagram.nodes.values())
    assert any(label.startswith("1 egress finding") for label in diagram.edge_labels)


def test_an_escape_of_the_platform_leaves_from_its_router_in_the_federation() -> None:
    platform = platform_stack()
    border = next(r for r in platform.resources if r.name == "federation-lu-border")
    finding = Finding(policy="route-stays-in-plan", level=Level.MANDATORY, message="gateway", urn=border.urn)
    stack = dataclasses.replace(platform, findings=[finding])
    topology = topology_of(CheckResult(stacks=[stack], policies=list(POLICIES)))
    diagram = federation_diagram(topology, failing={"platform"})
    [router] = [n for n, text in diagram.nodes.items() if text.startswith("router border-lu")]
    assert (router, OUTSIDE_ID) in parse(diagram.source)[1]
    assert "1 egress finding: route-stays-in-plan" in diagram.edge_labels
