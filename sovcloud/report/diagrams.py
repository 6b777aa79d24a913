"""The reviewer's picture: one diagram of the federation, and one small diagram per stack worth a look.

A single diagram of every network of every stack stops being readable (and renderable, at Mermaid's
default limits) long before a hundred tenants. So the federation diagram draws the sites, their
platform routers and networks, the interconnect, and the other stacks as one node each (grouped
once a site holds many); every failing or requested stack gets its own diagram of its networks,
routers and routes. Anything an `egress` policy found is drawn in red, leading out of the
federation. Each diagram is checked against Mermaid's limits before it is emitted; one that would
not fit is replaced by a smaller drawing that says what it leaves out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

from sovcloud.report.mermaid import Diagram, Flowchart, Line, Shape, node_id
from sovcloud.report.topology import NO_SITE, Escape, Net, Router, Topology
from sovcloud.results import CheckResult

SMALL_FLEET = 6  # up to this many stacks, every stack gets its own diagram
MAX_STACK_DIAGRAMS = 20  # more would bury the report; the rest are listed, not drawn
STACKS_PER_SITE = 8  # stacks drawn one by one inside a site before they are grouped by kind
ESCAPES_DRAWN = 30  # escape edges in one diagram before the rest are counted in one node
LABEL_CHARS = 90  # a finding's message on an edge is cut here

OUTSIDE_ID = "outside"
INTERCONNECT_ID = "interconnect"
CLASSES = {
    "escape": "fill:#ffe5e5,stroke:#cc0000,stroke-width:2px,color:#660000",
    "failing": "fill:#ffd6d6,stroke:#cc0000,stroke-width:2px",
    "transit": "fill:#fff8dc,stroke:#b8860b",
    "outside": "fill:#ffffff,stroke:#999999,stroke-dasharray:4 4,color:#666666",
    "elsewhere": "fill:#ffffff,stroke:#3a5a8c,stroke-dasharray:3 3",
    "group": "fill:#eef3f8,stroke:#3a5a8c",
}
SITE_STYLE = "fill:#f4f7fb,stroke:#3a5a8c"
ESCAPE_LINK = "stroke:#cc0000,stroke-width:2px"


def select_stacks(result: CheckResult, topology: Topology, requested: Collection[str] | None = None) -> list[str]:
    """The stacks that get a diagram of their own: failing ones (a blocking or an egress finding), the
    requested ones (e.g. changed in a pull request), and every stack of a small fleet; in run order.
    A stack that declares no network, router or escape has nothing to draw."""
    wanted = set(requested or ())
    escaping = {e.stack for e in topology.escapes}
    located = {f.file for f in result.project_findings if f.blocking}
    small = len(result.stacks) <= SMALL_FLEET
    drawable = {n.stack for n in topology.networks.values()} | {r.stack for r in topology.routers.values()} | escaping
    return [
        s.stack
        for s in result.stacks
        if s.stack in drawable
        and (small or s.stack in wanted or s.stack in escaping or not s.passed or s.file in located)
    ]


def topology_diagrams(
    result: CheckResult, topology: Topology, requested: Collection[str] | None = None
) -> list[Diagram]:
    """The federation diagram, then one diagram per selected stack (at most MAX_STACK_DIAGRAMS)."""
    failing = {s.stack for s in result.stacks if not s.passed} | {e.stack for e in topology.escapes}
    diagrams = [federation_diagram(topology, failing)]
    for stack in select_stacks(result, topology, requested)[:MAX_STACK_DIAGRAMS]:
        diagrams.append(stack_diagram(topology, stack))
    return diagrams


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _escape_text(escapes: Sequence[Escape], detailed: bool = True) -> str:
    """What an arrow to the outside says: the finding itself, or which policies found how many."""
    if len(escapes) == 1 and detailed:
        finding = escapes[0].finding
        return _short(f"{finding.policy}: {finding.message}")
    policies = sorted({e.finding.policy for e in escapes})
    count = "1 egress finding" if len(escapes) == 1 else f"{len(escapes)} egress findings"
    return _short(f"{count}: {', '.join(policies)}")


def _chart(title: str) -> Flowchart:
    chart = Flowchart(title)
    for name, style in CLASSES.items():
        chart.class_def(name, style)
    return chart


def _site_title(topology: Topology, site: str) -> tuple[str, ...]:
    if site == NO_SITE:
        return ("Not placed in any catalogue site",)
    info = topology.plan.sites.get(site)
    if info is None:
        return (f"Site {site}",)
    return (f"Site {info.label}", " · ".join(str(r) for r in info.ranges))


def _outside(chart: Flowchart, reached: bool) -> str:
    if reached:
        return chart.node(
            OUTSIDE_ID, "Outside the federation", "reached: see the egress findings", shape=Shape.CIRCLE, css="escape"
        )
    return chart.node(
        OUTSIDE_ID,
        "Outside the federation",
        "no egress finding: nothing declared leads here",
        shape=Shape.CIRCLE,
        css="outside",
    )


def _draw_escapes(chart: Flowchart, groups: dict[str, list[Escape]], detailed: bool = True) -> None:
    """One red arrow per drawn source to the outside; past ESCAPES_DRAWN, one node counts the rest."""
    items = sorted(groups.items())
    for source, escapes in items[:ESCAPES_DRAWN]:
        chart.edge(source, OUTSIDE_ID, _escape_text(escapes, detailed), line=Line.THICK_ARROW, style=ESCAPE_LINK)
    rest = [e for _, escapes in items[ESCAPES_DRAWN:] for e in escapes]
    if rest:
        more = chart.node("more_escapes", f"{len(rest)} more egress findings", "listed above the picture", css="escape")
        chart.edge(more, OUTSIDE_ID, line=Line.THICK_ARROW, style=ESCAPE_LINK)


# --- the federation --------------------------------------------------------------------------------


def _backbone(topology: Topology) -> set[str]:
    """Stacks that declare the interconnect's transit networks: the platform every other stack attaches to."""
    return {n.stack for n in topology.networks.values() if n.transit}


def _routes_via(topology: Topology, stack: str, site: str, targets: set[str]) -> bool:
    """Whether a stack's routers on a site route through one of the `targets` routers."""
    for router in topology.routers.values():
        if router.stack != stack or router.site != site:
            continue
        for _, hop in router.routes:
            target = topology.next_hop_router(hop) if hop else None
            if target is not None and target.record.urn in targets:
                return True
        if any(n in topology.networks and topology.networks[n].stack != stack for n in router.networks):
            return True
    return False


def _stack_lines(topology: Topology, stack: str, site: str) -> list[str]:
    info = topology.stacks[stack]
    cidrs = [
        c for n in topology.networks.values() if n.stack == stack and n.site == site for c in n.cidrs if ":" not in c
    ]
    lines = [f"{stack} ({info.kind})"]
    if not info.resources:
        lines.append("declared nothing")
    if cidrs:
        lines.append(" · ".join(sorted(cidrs)[:2]) + (f" +{len(cidrs) - 2}" if len(cidrs) > 2 else ""))
    return lines


def federation_diagram(topology: Topology, failing: Collection[str], per_site: int = STACKS_PER_SITE) -> Diagram:
    """The whole federation at a glance; with fewer stacks drawn one by one if that does not fit."""
    for limit in dict.fromkeys((per_site, 0)):
        diagram = _federation(topology, failing, limit, drawn_failing=MAX_STACK_DIAGRAMS)
        if diagram.fits():
            return diagram
    diagram = _federation(topology, failing, 0, drawn_failing=0)
    return diagram if diagram.fits() else _summary("The federation", topology, topology.stacks)


def _federation(topology: Topology, failing: Collection[str], per_site: int, drawn_failing: int) -> Diagram:
    chart = _chart("The federation")
    backbone = _backbone(topology)
    border = {r.record.urn for r in topology.routers.values() if r.stack in backbone}
    transit = sorted((n for n in topology.networks.values() if n.transit), key=lambda n: (n.site, n.label))
    ids: dict[str, str] = {}
    escape_sources: dict[str, list[Escape]] = defaultdict(list)
    stack_nodes: dict[str, dict[str, str]] = {}  # stack -> site -> the node standing for it there
    failing_drawn = 0
    sites = [s for s in topology.sites if s != NO_SITE]
    if any(NO_SITE in info.sites or not info.sites for info in topology.stacks.values()):
        sites.append(NO_SITE)
    for site in sites:
        with chart.subgraph(node_id("site", site), *_site_title(topology, site), style=SITE_STYLE):
            routers = [r for r in topology.routers.values() if r.stack in backbone and r.site == site]
            for router in sorted(routers, key=lambda r: r.label):
                ids[router.record.urn] = chart.node(
                    node_id("router", router.record.urn),
                    f"router {router.label}",
                    f"stack {router.stack}",
                    shape=Shape.HEXAGON,
                    css="failing" if router.stack in failing else "",
                )
            nets = [n for n in topology.networks.values() if n.stack in backbone and n.site == site and not n.transit]
            for stack in sorted({n.stack for n in nets}):
                own = sorted((n for n in nets if n.stack == stack), key=lambda n: n.label)
                lines = [f"{_count(len(own), 'network')} of stack {stack}"] + [
                    f"{n.label} {' '.join(c for c in n.cidrs if ':' not in c)}" for n in own
                ]
                group = chart.node(node_id("nets", f"{site}/{stack}"), *lines, css="group")
                for net in own:
                    ids[net.record.urn] = group
                for router in routers:
                    if router.stack == stack and any(n.record.urn in router.networks for n in own):
                        chart.edge(ids[router.record.urn], group)
            others = [
                name
                for name, info in topology.stacks.items()
                if name not in backbone and (site in info.sites or (site == NO_SITE and not info.sites))
            ]
            drawn = others if len(others) <= per_site else []
            for name in others:
                if name not in drawn and name in failing and failing_drawn < drawn_failing:
                    drawn.append(name)
                    failing_drawn += 1
            for name in drawn:
                ident = chart.node(
                    node_id("stack", f"{site}/{name}"),
                    *_stack_lines(topology, name, site),
                    shape=Shape.ROUNDED,
                    css="failing" if name in failing else "",
                )
                stack_nodes.setdefault(name, {})[site] = ident
                if _routes_via(topology, name, site, border):
                    for router in routers:
                        chart.edge(ident, ids[router.record.urn])
            grouped: dict[str, list[str]] = defaultdict(list)
            for name in others:
                if name not in drawn:
                    grouped[topology.stacks[name].kind].append(name)
            for kind, names in sorted(grouped.items()):
                bad = [n for n in names if n in failing]
                lines = [_count(len(names), f"{kind} stack"), f"{len(bad)} failing" if bad else "all passed"]
                info = topology.plan.sites.get(site)
                if info and info.tenant_pool and kind == "tenant":
                    lines.append("in " + " · ".join(str(p) for p in info.tenant_pool))
                ident = chart.node(
                    node_id("group", f"{site}/{kind}"), *lines, shape=Shape.ROUNDED, css="failing" if bad else "group"
                )
                for name in names:
                    stack_nodes.setdefault(name, {})[site] = ident
                if any(_routes_via(topology, n, site, border) for n in names):
                    for router in routers:
                        chart.edge(ident, ids[router.record.urn])
    with chart.subgraph(
        INTERCONNECT_ID, "Interconnect: dedicated fibre", " · ".join(str(r) for r in topology.plan.interconnect)
    ):
        for net in transit:
            ids[net.record.urn] = chart.node(
                node_id("transit", net.record.urn), f"{net.label} (site {net.site})", *sorted(net.cidrs), css="transit"
            )
        if len(transit) > 2:
            hub = chart.node("fibre", "one L2 segment over the fibre", shape=Shape.STADIUM, css="transit")
            for net in transit:
                chart.edge(ids[net.record.urn], hub, line=Line.THICK)
        elif len(transit) == 2:
            chart.edge(
                ids[transit[0].record.urn], ids[transit[1].record.urn], "one L2 segment over the fibre", line=Line.THICK
            )
        else:
            chart.node("no_transit", "no transit network declared")
    for router in topology.routers.values():
        if router.record.urn not in ids:
            continue
        for net in transit:
            if net.record.urn in router.networks or (router.on_transit and net.site == router.site):
                chart.edge(ids[router.record.urn], ids[net.record.urn])
                break
    for escape in topology.escapes:
        nodes = stack_nodes.get(escape.stack, {})
        if nodes:  # on the node of its site; an escape of no site on the stack's first node
            escape_sources[nodes.get(escape.site) or next(iter(nodes.values()))].append(escape)
        elif escape.stack in backbone:
            source = ids.get(escape.source or "") or next(
                (
                    ids[r.record.urn]
                    for r in topology.routers.values()
                    if r.stack == escape.stack and r.record.urn in ids
                ),
                None,
            )
            if source is not None:
                escape_sources[source].append(escape)
    _outside(chart, bool(topology.escapes))
    _draw_escapes(chart, escape_sources, detailed=False)
    return chart.diagram()


# --- one stack -------------------------------------------------------------------------------------


def _route_label(topology: Topology, destinations: Iterable[str]) -> str:
    """What a group of routes reaches, by name where the catalogue or a network names it."""
    networks = {cidr: net.label for net in topology.networks.values() for cidr in net.cidrs}
    names: list[str] = []
    for destination in destinations:
        name = topology.plan.name_of(destination) or networks.get(destination) or destination
        if name not in names:
            names.append(name)
    return _short("to " + ", ".join(names))


def stack_diagram(topology: Topology, stack: str) -> Diagram:
    """One stack's networks, routers and routes on each site; smaller drawings if that does not fit."""
    title = f"Stack {stack}"
    diagram = _stack(topology, stack, title)
    if diagram.fits():
        return diagram
    return _summary(title, topology, [stack])


def _stack(topology: Topology, stack: str, title: str) -> Diagram:
    chart = _chart(title)
    nets = [n for n in topology.networks.values() if n.stack == stack]
    routers = [r for r in topology.routers.values() if r.stack == stack]
    escapes = topology.escapes_of(stack)
    ids: dict[str, str] = {}
    sourceless: dict[str, list[Escape]] = defaultdict(list)
    sites = sorted(
        {*(n.site for n in nets), *(r.site for r in routers), *(e.site for e in escapes)},
        key=lambda s: (s == NO_SITE, s),
    )
    for site in sites:
        with chart.subgraph(node_id("site", f"{stack}/{site}"), *_site_title(topology, site)[:1], style=SITE_STYLE):
            for net in sorted((n for n in nets if n.site == site), key=lambda n: n.label):
                ids[net.record.urn] = chart.node(
                    node_id("net", net.record.urn),
                    f"network {net.label}",
                    *sorted(net.cidrs),
                    css="transit" if net.transit else "",
                )
            for router in sorted((r for r in routers if r.site == site), key=lambda r: r.label):
                ids[router.record.urn] = chart.node(
                    node_id("router", router.record.urn), f"router {router.label}", shape=Shape.HEXAGON
                )
            for escape in escapes:
                if escape.site == site and escape.source not in ids:
                    ident = node_id(
                        "escape", escape.finding.urn or f"{stack}/{escape.resource}/{escape.finding.policy}"
                    )
                    chart.node(ident, escape.resource or f"stack {stack}", css="escape")
                    sourceless[ident].append(escape)
    for router in sorted(routers, key=lambda r: r.label):
        rid = ids[router.record.urn]
        for network in router.networks:
            chart.edge(rid, _elsewhere(chart, topology, ids, network))
        by_target: dict[str, list[str]] = defaultdict(list)
        unresolved: list[str] = []
        for destination, hop in router.routes:
            target = topology.next_hop_router(hop) if hop else None
            if target is router:
                continue  # a route through itself adds nothing to the picture
            if target is not None:
                by_target[_elsewhere(chart, topology, ids, target.record.urn)].append(destination)
            else:
                unresolved.append(f"{destination} via {hop or '?'}")
        for target_id, destinations in sorted(by_target.items()):
            chart.edge(rid, target_id, _route_label(topology, destinations), line=Line.DOTTED)
        if unresolved:
            more = [f"+{len(unresolved) - 6} more"] if len(unresolved) > 6 else []
            note = chart.node(node_id("routes", router.record.urn), "routes", *unresolved[:6], *more, shape=Shape.FLAG)
            chart.edge(rid, note, line=Line.DOTTED)
    groups: dict[str, list[Escape]] = defaultdict(list, sourceless)
    for escape in escapes:
        if escape.source in ids:
            groups[ids[escape.source]].append(escape)
    if groups:
        _outside(chart, True)
        _draw_escapes(chart, groups)
    return chart.diagram()


def _elsewhere(chart: Flowchart, topology: Topology, ids: dict[str, str], urn: str) -> str:
    """A network or router of the diagram, or a dashed node standing for one of another stack."""
    if urn in ids:
        return ids[urn]
    element: Net | Router | None = topology.networks.get(urn) or topology.routers.get(urn)
    if element is None:
        return chart.node(node_id("unknown", urn), urn.rsplit("::", 1)[-1], css="elsewhere")
    what = "network" if isinstance(element, Net) else "router"
    ids[urn] = chart.node(
        node_id("other", urn),
        f"{what} {element.label}",
        f"stack {element.stack} · site {element.site}",
        shape=Shape.STADIUM,
        css="elsewhere",
    )
    return ids[urn]


# --- when nothing else fits ------------------------------------------------------------------------


def _summary(title: str, topology: Topology, stacks: Iterable[str]) -> Diagram:
    """A drawing small enough for any fleet: counts, and a pointer to the tables of the report."""
    names = list(stacks)
    nets = sum(1 for n in topology.networks.values() if n.stack in names)
    routers = sum(1 for r in topology.routers.values() if r.stack in names)
    escapes = [e for e in topology.escapes if e.stack in names]
    chart = _chart(title)
    what = f"{len(names)} stacks" if len(names) > 1 else f"stack {names[0]}"
    summary = chart.node(
        "summary",
        f"{title}: {what}, {nets} networks, {routers} routers",
        "too large to draw within Mermaid's default limits",
        "see the tables of this report",
        css="escape" if escapes else "group",
    )
    if escapes:
        _outside(chart, True)
        chart.edge(summary, OUTSIDE_ID, _escape_text(escapes, False), line=Line.THICK_ARROW, style=ESCAPE_LINK)
    return chart.diagram()
