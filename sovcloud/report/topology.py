"""The network picture of a run, read from the declared resources: sites, stacks, networks, routers,
the interconnect, and every declared way out of the address plan (there should be none).

Links come from property dependencies (`networkId`, `routerId`, `subnetId`, `portId`), as the
engine records them; when a record carries none (an event log), siblings under the same parent
component stand in. A way out is anything that would reach outside the federation's range: a route
to an outside destination, a router gateway, an external network, a subnet or security-group rule
outside the plan, a floating IP.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sovcloud.results import CheckResult, ResourceRecord, StackResult

NETWORK = "openstack:networking/network:Network"
SUBNET = "openstack:networking/subnet:Subnet"
ROUTER = "openstack:networking/router:Router"
ROUTER_INTERFACE = "openstack:networking/routerInterface:RouterInterface"
ROUTER_ROUTE = "openstack:networking/routerRoute:RouterRoute"
PORT = "openstack:networking/port:Port"
SECGROUP_RULE = "openstack:networking/secGroupRule:SecGroupRule"
FLOATING_IP = "openstack:networking/floatingIp:FloatingIp"
FLOATING_IP_ASSOCIATE = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's sentinel for a value unknown in preview
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PLAN = (ipaddress.ip_network("10.64.0.0/10"), ipaddress.ip_network("fd5e:c10d:a000::/48"))
DEFAULT_TRANSIT = (ipaddress.ip_network("10.127.0.0/16"), ipaddress.ip_network("fd5e:c10d:a000:f000::/52"))


@dataclass(frozen=True)
class SiteInfo:
    key: str
    label: str  # e.g. "lu · LU · eu-lu-1 · hosting partner"
    ranges: tuple[IpNetwork, ...] = ()


@dataclass(frozen=True)
class AddressPlan:
    """What the picture needs from the federation catalogue (defaults: the shipped catalogue's values)."""

    federation: tuple[IpNetwork, ...] = DEFAULT_PLAN
    interconnect: tuple[IpNetwork, ...] = DEFAULT_TRANSIT
    sites: Mapping[str, SiteInfo] = field(default_factory=dict)
    named: Mapping[str, str] = field(default_factory=dict)  # CIDR -> what it is ("dns of site lu")

    def name_of(self, cidr: str) -> str | None:
        try:
            return self.named.get(str(ipaddress.ip_network(cidr.strip(), strict=False)))
        except ValueError:
            return None

    def in_plan(self, cidr: str) -> bool | None:
        """True inside the federation range, False outside, None when not a CIDR (unknown in preview)."""
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            return None
        return any(network.version == p.version and network.subnet_of(p) for p in self.federation)  # type: ignore[arg-type]

    def is_transit(self, cidr: str) -> bool:
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            return False
        return any(network.version == p.version and network.subnet_of(p) for p in self.interconnect)  # type: ignore[arg-type]


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
    """A declared way out of the address plan."""

    urn: str
    stack: str
    site: str
    source: str | None  # router or network URN it leaves from, when known
    description: str


@dataclass
class Topology:
    plan: AddressPlan
    sites: list[str]
    stacks: dict[str, str]  # stack -> kind
    networks: dict[str, Net] = field(default_factory=dict)
    routers: dict[str, Router] = field(default_factory=dict)
    escapes: list[Escape] = field(default_factory=list)
    routes_checked: int = 0
    unresolved: int = 0  # values unknown in preview that could not be judged

    def next_hop_router(self, address: str) -> Router | None:
        return next((r for r in self.routers.values() if address in r.addresses), None)


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


def build_topology(result: CheckResult, plan: AddressPlan | None = None) -> Topology:
    plan = plan or AddressPlan()
    sites = sorted({*plan.sites, *(r.site for s in result.stacks for r in s.resources if r.site)})
    topology = Topology(plan=plan, sites=sites, stacks={s.stack: s.kind for s in result.stacks})
    for stack in result.stacks:
        _add_stack(topology, stack)
    return topology


def _add_stack(topology: Topology, stack: StackResult) -> None:
    records = stack.resources
    by_urn = {r.urn: r for r in records}
    plan = topology.plan
    for record in records:
        site = record.site or "-"
        if record.type == NETWORK:
            net = Net(record, stack.stack, site)
            topology.networks[record.urn] = net
            if record.inputs.get("external") is True:
                topology.escapes.append(
                    Escape(record.urn, stack.stack, site, record.urn, f"network {net.label} is external")
                )
        elif record.type == ROUTER:
            router = Router(record, stack.stack, site)
            topology.routers[record.urn] = router
            gateway = record.inputs.get("externalNetworkId") or record.inputs.get("externalGateway")
            if gateway:
                topology.escapes.append(
                    Escape(record.urn, stack.stack, site, record.urn, f"router {router.label} has an external gateway")
                )
    for record in records:
        site = record.site or "-"
        if record.type == SUBNET:
            network = _link(record, "networkId", NETWORK, by_urn, records)
            cidr = _text(record.inputs.get("cidr"))
            if network and cidr and network in topology.networks:
                net = topology.networks[network]
                net.cidrs.append(cidr)
                net.transit = net.transit or plan.is_transit(cidr)
            if cidr is not None and plan.in_plan(cidr) is False:
                topology.escapes.append(
                    Escape(record.urn, stack.stack, site, network, f"subnet {cidr} is outside the address plan")
                )
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
            _add_route(topology, stack, record, by_urn, records)
        elif record.type == SECGROUP_RULE:
            prefix = _text(record.inputs.get("remoteIpPrefix"))
            if prefix is not None and plan.in_plan(prefix) is False:
                direction = record.inputs.get("direction", "ingress")
                topology.escapes.append(
                    Escape(record.urn, stack.stack, site, None, f"security group rule allows {direction} {prefix}")
                )
        elif record.type in (FLOATING_IP, FLOATING_IP_ASSOCIATE):
            topology.escapes.append(Escape(record.urn, stack.stack, site, None, f"floating IP {record.name}"))


def _add_route(
    topology: Topology,
    stack: StackResult,
    record: ResourceRecord,
    by_urn: Mapping[str, ResourceRecord],
    records: Sequence[ResourceRecord],
) -> None:
    router_urn = _link(record, "routerId", ROUTER, by_urn, records)
    destination = _text(record.inputs.get("destinationCidr"))
    hop = _text(record.inputs.get("nextHop")) or ""
    if destination is None:
        topology.unresolved += 1
        return
    topology.routes_checked += 1
    if router_urn and router_urn in topology.routers:
        topology.routers[router_urn].routes.append((destination, hop))
    if topology.plan.in_plan(destination) is False:
        topology.escapes.append(
            Escape(
                record.urn,
                stack.stack,
                record.site or "-",
                router_urn,
                f"route to {destination} leaves the address plan",
            )
        )


def plan_from_catalogue(catalogue: Any) -> AddressPlan:
    """An AddressPlan from `federation_catalogue.Catalogue` (duck-typed: the report does not need pydantic)."""
    address = catalogue.address_plan
    sites: dict[str, SiteInfo] = {}
    named: dict[str, str] = {}
    for key, site in catalogue.sites.items():
        label = f"{key} · {site.country} · {site.region} · {site.partner} partner"
        sites[key] = SiteInfo(key=key, label=label, ranges=(site.ipv4, site.ipv6))
        named[str(site.ipv4)] = named[str(site.ipv6)] = f"site {key}"
        for service, addresses in site.services.items():
            named[str(addresses.ipv4)] = named[str(addresses.ipv6)] = f"{service} {key}"
    return AddressPlan(
        federation=(address.federation.ipv4, address.federation.ipv6),
        interconnect=(address.interconnect.ipv4, address.interconnect.ipv6),
        sites=sites,
        named=named,
    )


def stacks_with_resources(stacks: Iterable[StackResult]) -> list[StackResult]:
    return [s for s in stacks if s.resources]
