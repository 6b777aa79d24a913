"""The network picture of a run, read from the declared resources: sites, stacks, networks, routers,
the interconnect, and the escapes the policy pack found.

Links come from property dependencies (`networkId`, `routerId`, `subnetId`, `portId`), as the
engine records them; when a record carries none (an event log), siblings under the same parent
component stand in. Whether anything leaves the federation is the pack's verdict, not the
picture's: an escape is a finding of a policy tagged `egress`, placed on the network or router the
offending resource belongs to.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from federation_catalogue import Catalogue

from sovcloud.results import CheckResult, Finding, ResourceRecord, StackResult

NETWORK = "openstack:networking/network:Network"
SUBNET = "openstack:networking/subnet:Subnet"
ROUTER = "openstack:networking/router:Router"
ROUTER_INTERFACE = "openstack:networking/routerInterface:RouterInterface"
ROUTER_ROUTE = "openstack:networking/routerRoute:RouterRoute"
PORT = "openstack:networking/port:Port"
FLOATING_IP_ASSOCIATE = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"

EGRESS_TAG = "egress"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's sentinel for a value unknown in preview
NO_SITE = "-"
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class SiteInfo:
    key: str
    label: str  # e.g. "lu · LU · eu-lu-1 · hosting partner"
    ranges: tuple[IpNetwork, ...] = ()
    tenant_pool: tuple[IpNetwork, ...] = ()


@dataclass(frozen=True)
class AddressPlan:
    """What the picture needs from the federation catalogue."""

    federation: tuple[IpNetwork, ...]
    interconnect: tuple[IpNetwork, ...]
    sites: Mapping[str, SiteInfo] = field(default_factory=dict)
    named: Mapping[str, str] = field(default_factory=dict)  # CIDR -> what it is ("dns lu")

    def name_of(self, cidr: str) -> str | None:
        try:
            return self.named.get(str(ipaddress.ip_network(cidr.strip(), strict=False)))
        except ValueError:
            return None

    def is_transit(self, cidr: str) -> bool:
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            return False
        return any(network.version == p.version and network.subnet_of(p) for p in self.interconnect)  # type: ignore[arg-type]


def plan_from_catalogue(catalogue: Catalogue) -> AddressPlan:
    """What the picture needs of the federation catalogue (the one loader's `Catalogue`)."""
    address = catalogue.address_plan
    sites: dict[str, SiteInfo] = {}
    named: dict[str, str] = {}
    for key, site in catalogue.sites.items():
        label = f"{key} · {site.country} · {site.region} · {site.partner} partner"
        pool = site.pools.tenants
        sites[key] = SiteInfo(key=key, label=label, ranges=(site.ipv4, site.ipv6), tenant_pool=(pool.ipv4, pool.ipv6))
        named[str(site.ipv4)] = named[str(site.ipv6)] = f"site {key}"
        for service, addresses in site.services.items():
            named[str(addresses.ipv4)] = named[str(addresses.ipv6)] = f"{service} {key}"
    return AddressPlan(
        federation=(address.federation.ipv4, address.federation.ipv6),
        interconnect=(address.interconnect.ipv4, address.interconnect.ipv6),
        sites=sites,
        named=named,
    )


@dataclass
class Net:
    record: ResourceRecord
    stack: str
    site: str
    cidrs: list[str] = field(default_factory=list)
    transit: bool = False

    @property
    def label(self) -> str:
        return str(self.record.inputs.get("name") or self.record.name)


@dataclass
class Router:
    record: ResourceRecord
    stack: str
    site: str
    networks: list[str] = field(default_factory=list)  # network URNs it has an interface on
    routes: list[tuple[str, str]] = field(default_factory=list)  # (destination, next hop)
    addresses: list[str] = field(default_factory=list)  # its own addresses on ports
    on_transit: bool = False  # has a port on the interconnect's transit network (maybe another stack's)

    @property
    def label(self) -> str:
        return str(self.record.inputs.get("name") or self.record.name)


@dataclass(frozen=True)
class Escape:
    """A finding of an `egress` policy, placed where the picture can draw it."""

    finding: Finding
    stack: str
    site: str
    source: str | None  # the network or router URN the offending resource belongs to, when known
    resource: str  # how the offending resource is named ("" for a finding about no resource)


@dataclass
class StackInfo:
    name: str
    kind: str
    file: str
    sites: list[str] = field(default_factory=list)  # sites it declares resources on
    resources: int = 0


@dataclass
class Topology:
    plan: AddressPlan
    sites: list[str]
    stacks: dict[str, StackInfo]
    networks: dict[str, Net] = field(default_factory=dict)
    routers: dict[str, Router] = field(default_factory=dict)
    escapes: list[Escape] = field(default_factory=list)
    egress_policies: tuple[str, ...] = ()
    _by_address: dict[str, Router] | None = field(default=None, repr=False)  # built on first lookup

    def next_hop_router(self, address: str) -> Router | None:
        if self._by_address is None:
            self._by_address = {}
            for router in self.routers.values():
                for own in router.addresses:
                    self._by_address.setdefault(own, router)
        return self._by_address.get(address)

    def escapes_of(self, stack: str) -> list[Escape]:
        return [e for e in self.escapes if e.stack == stack]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dependency(record: ResourceRecord, key: str, by_urn: Mapping[str, ResourceRecord], rtype: str) -> str | None:
    """The URN a property points at, from the recorded property dependencies."""
    for urn in record.property_dependencies.get(key, ()):
        if urn in by_urn and by_urn[urn].type == rtype:
            return urn
    return None


def _sibling(record: ResourceRecord, records: Sequence[ResourceRecord], rtype: str) -> str | None:
    """The one resource of a type under the same parent: the link when no dependency was recorded."""
    found = [r.urn for r in records if r.type == rtype and r.parent == record.parent and r.parent]
    return found[0] if len(found) == 1 else None


def _link(
    record: ResourceRecord, key: str, rtype: str, by_urn: Mapping[str, ResourceRecord], stack: Sequence[ResourceRecord]
) -> str | None:
    """What `key` points at: its recorded dependency; failing that, when the value is unknown (an event log
    of a preview records no dependencies), the one sibling of that type. A literal ID or a dependency on
    something else (a stack reference) is another stack's resource: not guessed."""
    found = _dependency(record, key, by_urn, rtype)
    if found or record.property_dependencies.get(key):
        return found
    value = record.inputs.get(key)
    if value not in (None, "", UNKNOWN):
        return None
    return _sibling(record, stack, rtype)


def _port_addresses(port: ResourceRecord) -> list[str]:
    fixed = port.inputs.get("fixedIps")
    if not isinstance(fixed, list):
        return []
    return [a for item in fixed if isinstance(item, dict) and (a := _text(item.get("ipAddress")))]


def egress_policies(result: CheckResult) -> tuple[str, ...]:
    """The policies whose findings are escapes: those the pack tags `egress`."""
    return tuple(sorted({p.name for p in result.policies if EGRESS_TAG in p.tags}))


def build_topology(result: CheckResult, plan: AddressPlan) -> Topology:
    sites = sorted({*plan.sites, *(r.site for s in result.stacks for r in s.resources if r.site)})
    stacks = {s.stack: _stack_info(s) for s in result.stacks}
    topology = Topology(plan=plan, sites=sites, stacks=stacks, egress_policies=egress_policies(result))
    for stack in result.stacks:
        _add_stack(topology, stack)
    egress = set(topology.egress_policies)
    for stack in result.stacks:
        located = [f for f in result.project_findings if f.file == stack.file]
        found = [f for f in (*stack.findings, *located) if f.policy in egress]
        by_urn = {r.urn: r for r in stack.resources} if found else {}
        topology.escapes += [_escape(topology, stack, finding, by_urn) for finding in found]
    return topology


def _stack_info(stack: StackResult) -> StackInfo:
    by_site = stack.resources_by_site()
    return StackInfo(
        name=stack.stack,
        kind=stack.kind,
        file=stack.file,
        sites=sorted(s for s in by_site if s != NO_SITE),
        resources=sum(len(v) for v in by_site.values()),
    )


def _add_stack(topology: Topology, stack: StackResult) -> None:
    records = stack.resources
    by_urn = {r.urn: r for r in records}
    plan = topology.plan
    for record in records:
        if record.type == NETWORK:
            topology.networks[record.urn] = Net(record, stack.stack, record.site or NO_SITE)
        elif record.type == ROUTER:
            topology.routers[record.urn] = Router(record, stack.stack, record.site or NO_SITE)
    for record in records:
        if record.type == SUBNET:
            network = _link(record, "networkId", NETWORK, by_urn, records)
            cidr = _text(record.inputs.get("cidr"))
            if network and cidr and network in topology.networks:
                net = topology.networks[network]
                net.cidrs.append(cidr)
                net.transit = net.transit or plan.is_transit(cidr)
        elif record.type == ROUTER_INTERFACE:
            router_urn = _link(record, "routerId", ROUTER, by_urn, records)
            network = None
            subnet = _dependency(record, "subnetId", by_urn, SUBNET)
            port = _dependency(record, "portId", by_urn, PORT)
            if subnet:
                network = _link(by_urn[subnet], "networkId", NETWORK, by_urn, records)
            elif port:
                network = _link(by_urn[port], "networkId", NETWORK, by_urn, records)
            if router_urn and router_urn in topology.routers:
                router = topology.routers[router_urn]
                if network and network not in router.networks:
                    router.networks.append(network)
                if port:
                    addresses = _port_addresses(by_urn[port])
                    router.addresses.extend(addresses)
                    router.on_transit = router.on_transit or any(plan.is_transit(a) for a in addresses)
        elif record.type == ROUTER_ROUTE:
            router_urn = _link(record, "routerId", ROUTER, by_urn, records)
            destination = _text(record.inputs.get("destinationCidr"))
            if destination and router_urn and router_urn in topology.routers:
                hop = _text(record.inputs.get("nextHop")) or ""
                topology.routers[router_urn].routes.append((destination, hop))


def _owner(
    record: ResourceRecord, by_urn: Mapping[str, ResourceRecord], records: Sequence[ResourceRecord]
) -> str | None:
    """The network or router a resource belongs to, when the records tell."""
    if record.type in (NETWORK, ROUTER):
        return record.urn
    if record.type in (ROUTER_ROUTE, ROUTER_INTERFACE):
        return _link(record, "routerId", ROUTER, by_urn, records)
    if record.type in (SUBNET, PORT):
        return _link(record, "networkId", NETWORK, by_urn, records)
    if record.type == FLOATING_IP_ASSOCIATE:
        port = _dependency(record, "portId", by_urn, PORT)
        return _link(by_urn[port], "networkId", NETWORK, by_urn, records) if port else None
    return None


def _escape(topology: Topology, stack: StackResult, finding: Finding, by_urn: Mapping[str, ResourceRecord]) -> Escape:
    record = by_urn.get(finding.urn or "")
    if record is None:
        name = finding.resource_name or finding.key or ""
        return Escape(finding, stack.stack, NO_SITE, None, name)
    owner = _owner(record, by_urn, stack.resources)
    drawn = owner if owner in topology.networks or owner in topology.routers else None
    return Escape(finding, stack.stack, record.site or NO_SITE, drawn, record.name)
