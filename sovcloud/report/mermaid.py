"""The topology as a Mermaid flowchart (GitHub renders it in markdown): the two sites, each stack's
networks and routers inside its site, the interconnect, and the outside of the address plan as a
node that no edge reaches, unless something declared does reach it, drawn in red.

Node ids derive from URNs (stable across runs); every label is escaped with Mermaid's `#NN;`
entity codes, so names with quotes or brackets cannot break the diagram.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable

from sovcloud.report.topology import Escape, Net, Router, Topology
from sovcloud.results import CheckResult

_ESCAPED = set('#"<>&[](){}|`')
OUTSIDE_ID = "outside_plan"
INTERCONNECT_ID = "interconnect"


def escape_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label: special characters as `#<code>;` entities."""
    return "".join(f"#{ord(ch)};" if ch in _ESCAPED else ch for ch in text.replace("\n", " "))


def lines_label(*parts: str) -> str:
    """A quoted label of several lines (escaped, joined by Mermaid's line break)."""
    return '"' + "<br/>".join(escape_label(p) for p in parts if p) + '"'


def node_id(prefix: str, key: str) -> str:
    """A stable, valid node id: a readable slug plus a short hash of the full key."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", key.rsplit("::", 1)[-1]).strip("_")[:32]
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    return f"{prefix}_{slug}_{digest}" if slug else f"{prefix}_{digest}"


def _marked(urns: Iterable[str], blocking: set[str], advisory: set[str]) -> str:
    urns = set(urns)
    if urns & blocking:
        return ":::violation"
    if urns & advisory:
        return ":::advisory"
    return ""


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def open(self, ident: str, label: str) -> None:
        self.line(f"subgraph {ident}[{label}]")
        self.depth += 1

    def close(self) -> None:
        self.depth -= 1
        self.line("end")


def render_mermaid(result: CheckResult, topology: Topology) -> str:
    """The flowchart text (without the ```mermaid fence)."""
    blocking = {f.urn for f in result.all_findings() if f.urn and f.blocking}
    blocking |= {e.source for e in topology.escapes if e.source}
    advisory = {f.urn for f in result.all_findings() if f.urn and not f.blocking}
    ids: dict[str, str] = {}
    out = _Writer()
    out.line("flowchart LR")
    out.depth = 1
    out.line("classDef transit fill:#fff8dc,stroke:#b8860b")
    out.line("classDef outside fill:#ffffff,stroke:#999999,stroke-dasharray:4 4,color:#666666")
    out.line("classDef escape fill:#ffe5e5,stroke:#cc0000,stroke-width:2px")
    out.line("classDef violation fill:#ffd6d6,stroke:#cc0000,stroke-width:2px")
    out.line("classDef advisory fill:#fff3cd,stroke:#b8860b")

    by_site_stack: dict[tuple[str, str], tuple[list[Net], list[Router]]] = defaultdict(lambda: ([], []))
    transit: list[Net] = []
    for net in topology.networks.values():
        if net.transit:
            transit.append(net)
        else:
            by_site_stack[(net.site, net.stack)][0].append(net)
    for router in topology.routers.values():
        by_site_stack[(router.site, router.stack)][1].append(router)
    sourceless: dict[tuple[str, str], list[Escape]] = defaultdict(list)
    for escape in topology.escapes:
        if escape.source is None or escape.source not in {*topology.networks, *topology.routers}:
            sourceless[(escape.site, escape.stack)].append(escape)

    sites = [s for s in topology.sites if s != "-"]
    if any(site == "-" for site, _ in (*by_site_stack, *sourceless)):
        sites.append("-")
    for site in sites:
        info = topology.plan.sites.get(site)
        title: tuple[str, ...]
        if site == "-":
            title = ("Not placed in any catalogue site",)
        elif info:
            title = (f"Site {info.label}", " · ".join(str(r) for r in info.ranges))
        else:
            title = (f"Site {site}",)
        site_id = node_id("site", site)
        out.open(site_id, lines_label(*title))
        out.line("direction TB")
        drawn = False
        for stack, kind in topology.stacks.items():
            nets, routers = by_site_stack.get((site, stack), ([], []))
            escapes = sourceless.get((site, stack), [])
            if not (nets or routers or escapes):
                continue
            drawn = True
            out.open(node_id("stack", f"{site}/{stack}"), lines_label(f"stack {stack} ({kind})"))
            for net in sorted(nets, key=lambda n: (n.label, n.record.urn)):
                ids[net.record.urn] = node_id("net", net.record.urn)
                mark = _marked([net.record.urn], blocking, advisory)
                out.line(f"{ids[net.record.urn]}[{lines_label(f'network {net.label}', *sorted(net.cidrs))}]{mark}")
            for router in sorted(routers, key=lambda r: (r.label, r.record.urn)):
                ids[router.record.urn] = node_id("router", router.record.urn)
                mark = _marked([router.record.urn], blocking, advisory)
                out.line(f"{ids[router.record.urn]}{{{{{lines_label(f'router {router.label}')}}}}}{mark}")
            for escape in escapes:
                ids[escape.urn] = node_id("escape", escape.urn)
                out.line(f"{ids[escape.urn]}[{lines_label(escape.description)}]:::escape")
            out.close()
        if not drawn:
            out.line(f"{site_id}_empty[{lines_label('no network declared here')}]")
        out.close()
        out.line(f"style {site_id} fill:#f4f7fb,stroke:#3a5a8c")

    plan = topology.plan
    out.open(
        INTERCONNECT_ID, lines_label("Interconnect: dedicated fibre", " · ".join(str(r) for r in plan.interconnect))
    )
    out.line("direction TB")
    for net in sorted(transit, key=lambda n: (n.site, n.label, n.record.urn)):
        ids[net.record.urn] = node_id("transit", net.record.urn)
        mark = _marked([net.record.urn], blocking, advisory) or ":::transit"
        label = lines_label(f"{net.label} (site {net.site}, stack {net.stack})", *sorted(net.cidrs))
        out.line(f"{ids[net.record.urn]}[{label}]{mark}")
    if not transit:
        out.line(f"{INTERCONNECT_ID}_none[{lines_label('no transit network declared')}]")
    out.close()

    reached = bool(topology.escapes)
    outside_label = (
        ("Outside the address plan", "internet, other private ranges", "REACHED by declared resources")
        if reached
        else (
            "Outside the address plan",
            "internet, other private ranges",
            "unreachable: no route, gateway or rule leads here",
        )
    )
    out.line(f"{OUTSIDE_ID}(({lines_label(*outside_label)})):::{'escape' if reached else 'outside'}")

    _edges(out, topology, ids, transit)
    return "\n".join(out.lines) + "\n"


def _route_label(topology: Topology, destinations: list[str]) -> str:
    """What a group of routes reaches, by name where the catalogue or a network names it."""
    networks = {cidr: net.label for net in topology.networks.values() for cidr in net.cidrs}
    names: list[str] = []
    for destination in destinations:
        name = topology.plan.name_of(destination) or networks.get(destination) or destination
        if name not in names:
            names.append(name)
    return "to " + ", ".join(names)


def _edges(out: _Writer, topology: Topology, ids: dict[str, str], transit: list[Net]) -> None:
    sites = sorted({n.site for n in transit})
    first_per_site = [next(n for n in transit if n.site == s) for s in sites]
    for left, right in itertools.pairwise(first_per_site):
        out.line(f"{ids[left.record.urn]} ===|{lines_label('one L2 segment over the fibre')}| {ids[right.record.urn]}")
    for router in sorted(topology.routers.values(), key=lambda r: r.record.urn):
        rid = ids.get(router.record.urn)
        if rid is None:
            continue
        linked = [ids[n] for n in router.networks if n in ids]
        if router.on_transit and not any(
            n in topology.networks and topology.networks[n].transit for n in router.networks
        ):
            linked += [ids[n.record.urn] for n in transit if n.site == router.site][:1]
        for linked_id in linked:
            out.line(f"{rid} --- {linked_id}")
        by_target: dict[str, list[str]] = defaultdict(list)
        unresolved: list[str] = []
        for destination, hop in router.routes:
            target = topology.next_hop_router(hop) if hop else None
            if target is router:
                continue  # a route through itself adds nothing to the picture
            if target is not None and target.record.urn in ids:
                by_target[ids[target.record.urn]].append(destination)
            elif topology.plan.in_plan(destination) is not False:
                unresolved.append(f"{destination} via {hop or '?'}")
        for target_id, destinations in sorted(by_target.items()):
            out.line(f"{rid} -.->|{lines_label(_route_label(topology, destinations))}| {target_id}")
        if unresolved:
            note = node_id("routes", router.record.urn)
            out.line(f"{note}>{lines_label('routes', *unresolved)}]")
            out.line(f"{rid} -.- {note}")
    for escape in topology.escapes:
        source = ids.get(escape.source or "") or ids.get(escape.urn)
        if source is not None:
            out.line(f"{source} ==>|{lines_label(escape.description)}| {OUTSIDE_ID}")
