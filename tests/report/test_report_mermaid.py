"""The topology diagram: well-formed Mermaid (balanced subgraphs, every edge's nodes declared,
labels escaped, stable ids), and a picture that tells whether anything leaves the address plan."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sovcloud.report import address_plan
from sovcloud.report.mermaid import OUTSIDE_ID, escape_label, node_id, render_mermaid
from sovcloud.report.topology import Topology, build_topology
from sovcloud.results import CheckResult, StackResult

NODE = re.compile(r"^(?P<id>[A-Za-z][\w]*)(?:\[|\{\{|\(\(|>|\()")
EDGE = re.compile(r"^(?P<a>[A-Za-z]\w*) (?:---|-\.->|==>|===|-\.-)(?:\|(?P<label>\"[^\"]*\")\|)? (?P<b>[A-Za-z]\w*)$")
SUBGRAPH = re.compile(r"^subgraph (?P<id>[A-Za-z]\w*)\[(?P<label>\"[^\"]*\")\]$")


def topology_of(result: CheckResult) -> Topology:
    return build_topology(result, address_plan(Path(__file__).resolve().parents[2]))


def parse(diagram: str) -> tuple[set[str], list[tuple[str, str]], set[str]]:
    """Declared node ids, edges, subgraph ids; fails on any line it does not understand."""
    lines = [line.strip() for line in diagram.splitlines() if line.strip()]
    assert lines[0] == "flowchart LR"
    nodes: set[str] = set()
    subgraphs: set[str] = set()
    edges: list[tuple[str, str]] = []
    depth = 0
    for line in lines[1:]:
        if line.startswith(("classDef ", "style ", "direction ")):
            continue
        if match := SUBGRAPH.match(line):
            subgraphs.add(match["id"])
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
        elif match := EDGE.match(line):
            edges.append((match["a"], match["b"]))
        elif match := NODE.match(line):
            nodes.add(match["id"])
            labels = re.findall(r'"([^"]*)"', line)
            assert labels, line
        else:
            pytest.fail(f"unexpected diagram line: {line}")
    assert depth == 0, "unbalanced subgraphs"
    return nodes, edges, subgraphs


def test_diagram_is_well_formed(result: CheckResult) -> None:
    diagram = render_mermaid(result, topology_of(result))
    nodes, edges, subgraphs = parse(diagram)
    assert not nodes & subgraphs
    for a, b in edges:
        assert a in nodes and b in nodes, (a, b)
    for label in re.findall(r'"([^"]*)"', diagram):
        assert not set(label.replace("<br/>", "")) & set("[](){}|<>"), label


def test_quotes_and_brackets_in_names_are_escaped(result: CheckResult) -> None:
    diagram = render_mermaid(result, topology_of(result))
    assert "router tenant #34;acme#34; #91;lu#93;" in diagram
    assert (
        escape_label('a "b" [c] (d) {e} |f| <g> #h')
        == "a #34;b#34; #91;c#93; #40;d#41; #123;e#125; #124;f#124; #60;g#62; #35;h"
    )


def test_node_ids_are_stable_and_distinct() -> None:
    first = node_id("net", "urn:pulumi:s::p::openstack:networking/network:Network::a-b")
    assert first == node_id("net", "urn:pulumi:s::p::openstack:networking/network:Network::a-b")
    assert first != node_id("net", "urn:pulumi:t::p::openstack:networking/network:Network::a-b")
    assert re.fullmatch(r"net_a_b_[0-9a-f]{6}", first)


def test_sites_stacks_and_interconnect_are_drawn(result: CheckResult) -> None:
    diagram = render_mermaid(result, topology_of(result))
    assert "Site lu · LU · eu-lu-1 · hosting partner" in diagram
    assert "Site be · BE · eu-be-1 · operations partner" in diagram
    assert "stack platform #40;platform#41;" in diagram
    assert "stack tenant-acme #40;tenant#41;" in diagram
    assert "Interconnect: dedicated fibre" in diagram
    assert re.search(r"transit_\w+ ===\|\"one L2 segment over the fibre\"\| transit_\w+", diagram)
    # each border router routes to the partner site through the other's border router
    assert re.search(r'router_federation_lu_border_\w+ -\.->\|"to site be"\| router_federation_be_border_\w+', diagram)


def test_outside_has_no_edge_when_nothing_leaves_the_plan(result: CheckResult) -> None:
    clean = CheckResult(stacks=[result.stacks[0]], policies=result.policies)
    diagram = render_mermaid(clean, topology_of(clean))
    _, edges, _ = parse(diagram)
    assert all(OUTSIDE_ID not in edge for edge in edges)
    assert "unreachable: no route, gateway or rule leads here" in diagram


def test_a_route_out_of_the_plan_is_drawn_to_the_outside(result: CheckResult) -> None:
    topology = topology_of(result)
    assert [e.description for e in topology.escapes] == ["route to 0.0.0.0/0 leaves the address plan"]
    diagram = render_mermaid(result, topology)
    _, edges, _ = parse(diagram)
    sources = [a for a, b in edges if b == OUTSIDE_ID]
    assert len(sources) == 1 and sources[0].startswith("router_acme_lu_router_")
    assert re.search(rf"^\s*{sources[0]}\{{\{{.*\}}\}}:::violation$", diagram, re.MULTILINE)


def test_the_bundled_platform_stack_draws_a_well_formed_diagram(platform_run: Any) -> None:
    """The real program's records (the platform stack, run offline) draw a valid picture too."""
    stack = StackResult(stack="platform", file="stacks/Pulumi.platform.yaml", kind="platform")
    stack.resources = list(platform_run.records)
    real = CheckResult(stacks=[stack])
    topology = topology_of(real)
    assert not topology.escapes
    assert len([n for n in topology.networks.values() if n.transit]) == 2
    assert all(len(router.networks) >= 2 for router in topology.routers.values())
    nodes, edges, _ = parse(render_mermaid(real, topology))
    assert all(a in nodes and b in nodes for a, b in edges)
