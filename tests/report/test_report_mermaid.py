"""The Mermaid writer: labels escaped and remembered as meant, stable ids, well-formed source, and the
count of text and edges that keeps a diagram under Mermaid's default limits."""

from __future__ import annotations

import re

from sovcloud.report.mermaid import (
    EDGE_BUDGET,
    MAX_EDGES,
    MAX_TEXT_SIZE,
    TEXT_BUDGET,
    Flowchart,
    Line,
    Shape,
    escape_label,
    node_id,
    text_size,
)

NODE = re.compile(r'^(?P<id>[A-Za-z]\w*)(?:\["|\{\{"|\(\("|>"|\("|\(\[")(?P<label>[^"]*)"')
EDGE = re.compile(r'^(?P<a>[A-Za-z]\w*) (?:---|-->|-\.->|==>|===)(?:\|"(?P<label>[^"]*)"\|)? (?P<b>[A-Za-z]\w*)$')
SUBGRAPH = re.compile(r'^subgraph (?P<id>[A-Za-z]\w*)\["(?P<label>[^"]*)"\]$')


def parse(source: str) -> tuple[set[str], list[tuple[str, str]], set[str]]:
    """Declared node ids, edges and subgraph ids; fails on any line it does not understand."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    assert lines[0].startswith("flowchart ")
    nodes: set[str] = set()
    subgraphs: set[str] = set()
    edges: list[tuple[str, str]] = []
    depth = 0
    for line in lines[1:]:
        if line.startswith(("classDef ", "style ", "linkStyle ", "direction ")):
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
        else:
            raise AssertionError(f"unexpected diagram line: {line}")
    assert depth == 0, "unbalanced subgraphs"
    assert not nodes & subgraphs
    assert all(a in nodes and b in nodes for a, b in edges), "an edge to an undeclared node"
    return nodes, edges, subgraphs


def test_special_characters_become_entity_codes_and_whitespace_collapses() -> None:
    assert escape_label('a "b" [c] (d) {e} |f| <g> #h &i') == (
        "a #34;b#34; #91;c#93; #40;d#41; #123;e#125; #124;f#124; #60;g#62; #35;h #38;i"
    )
    assert escape_label("x:y;z `q` 50%") == "x#58;y#59;z #96;q#96; 50#37;"
    assert escape_label("$$m$$") == "<span>#36;</span><span>#36;</span>m<span>#36;</span><span>#36;</span>"
    assert escape_label("  two\n lines\tü · 🚀 ") == "two lines ü · 🚀"


def test_a_flowchart_remembers_every_label_as_a_reader_sees_it() -> None:
    chart = Flowchart("t")
    with chart.subgraph("site_a", "Site <a>", "10.0.0.0/8 · fd00::/8"):
        chart.node("n1", 'network "x"', "10.0.0.0/24", shape=Shape.BOX)
        chart.node("r1", "router [y]", shape=Shape.HEXAGON, css="failing")
    chart.edge("r1", "n1")
    chart.edge("r1", "n1", "to  dns | ntp", line=Line.DOTTED, style="stroke:#cc0000")
    diagram = chart.diagram()
    assert diagram.nodes == {"n1": 'network "x"\n10.0.0.0/24', "r1": "router [y]"}
    assert diagram.clusters == {"site_a": "Site <a>\n10.0.0.0/8 · fd00::/8"}
    assert diagram.edge_labels == ("to dns | ntp",)
    assert diagram.edges == 2
    assert 'r1{{"router #91;y#93;"}}:::failing' in diagram.source
    assert diagram.source.rstrip().endswith("linkStyle 1 stroke:#cc0000")
    nodes, edges, subgraphs = parse(diagram.source)
    assert nodes == {"n1", "r1"} and subgraphs == {"site_a"} and edges == [("r1", "n1"), ("r1", "n1")]


def test_node_ids_are_stable_and_distinct() -> None:
    first = node_id("net", "urn:pulumi:s::p::openstack:networking/network:Network::a-b")
    assert first == node_id("net", "urn:pulumi:s::p::openstack:networking/network:Network::a-b")
    assert first != node_id("net", "urn:pulumi:t::p::openstack:networking/network:Network::a-b")
    assert re.fullmatch(r"net_a_b_[0-9a-f]{6}", first)


def test_budgets_keep_a_margin_under_mermaids_defaults() -> None:
    assert TEXT_BUDGET < MAX_TEXT_SIZE and EDGE_BUDGET < MAX_EDGES
    chart = Flowchart("edges")
    chart.node("a", "a")
    for _ in range(EDGE_BUDGET):
        chart.edge("a", "a")
    assert chart.diagram().fits()
    chart.edge("a", "a")
    assert not chart.diagram().fits()


def test_text_size_counts_as_javascript_does() -> None:
    assert text_size("ab") == 2
    assert text_size("ü") == 1
    assert text_size("🚀") == 2  # one character, two UTF-16 code units
    chart = Flowchart("big")
    for index in range(TEXT_BUDGET // 20):
        chart.node(f"n{index}", "x" * 10)
    assert chart.diagram().size > TEXT_BUDGET and not chart.diagram().fits()
