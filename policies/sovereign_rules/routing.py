"""Routing: no router gateway to an external network, no route or subnet leaving the plan.

Cross-site traffic flows through router *interfaces* on the interconnect with routes to the other
sites' ranges; nothing has an external gateway. Subnets, their host routes, pools and DNS
resolvers all stay inside the plan (a public resolver is a path to the internet). A tenant's
routes lead only to its own ranges and the platform's service addresses, never to another
tenant's range or a whole site.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final

from pulumi_policy import Severity

from .core.addresses import Network, outside_plan, parse_network
from .core.catalogue import Catalogue, plan
from .core.framework import MANDATORY, Resource, Rule, StackRule
from .core.references import NO_INTERNET
from .core.types import CLUSTER_TEMPLATE
from .core.values import UNKNOWN, Unknown, flag, get, items, text, value_specs

ROUTER: Final = "openstack:networking/router:Router"
PORT: Final = "openstack:networking/port:Port"
ROUTER_ROUTE: Final = "openstack:networking/routerRoute:RouterRoute"
ROUTER_ROUTES: Final = "openstack:networking/routerRoutesV2:RouterRoutesV2"
SUBNET: Final = "openstack:networking/subnet:Subnet"
SUBNET_ROUTE: Final = "openstack:networking/subnetRoute:SubnetRoute"
SUBNET_POOL: Final = "openstack:networking/subnetPool:SubnetPool"


def _router_gateway(r: Resource) -> Iterator[str]:
    network = r.props.get("externalNetworkId")
    if isinstance(network, Unknown):
        yield (
            "externalNetworkId could not be verified during preview (computed from another resource); "
            "no router may have an external gateway"
        )
    elif text(network) is not None:
        yield f"the router has an external gateway (externalNetworkId {network}); no router may have one"
    for field in ("externalFixedIps", "externalSubnetIds"):
        value = items(r.props.get(field))
        if isinstance(value, Unknown) or value:
            yield f"{field} is set, which gives the router an address on an external network"
    if flag(r.props.get("enableSnat")) is True:
        yield "enableSnat is true: source NAT only exists towards an external gateway"
    if any(key.lower() in {"external_gateway_info", "external_gateways"} for key in value_specs(r.props)):
        yield "valueSpecs sets external_gateway_info: a raw external gateway"


def _route(destination: Any, next_hop: Any, plan: Any, label: str) -> Iterator[str]:
    for value, what in ((destination, f"{label} destination"), (next_hop, f"{label} next hop")):
        message = outside_plan(value, plan, what)
        if message:
            yield message


def _router_route(r: Resource) -> Iterator[str]:
    yield from _route(r.props.get("destinationCidr"), r.props.get("nextHop"), plan(r.catalogue), "route")


def _router_routes(r: Resource) -> Iterator[str]:
    routes = items(r.props.get("routes"))
    if isinstance(routes, Unknown):
        yield "routes could not be verified during preview (unknown value)"
        return
    for index, route in enumerate(routes):
        yield from _route(get(route, "destinationCidr"), get(route, "nextHop"), plan(r.catalogue), f"routes[{index}]")


def _host_routes_from_specs(r: Resource) -> Iterator[str]:
    raw = value_specs(r.props).get("host_routes")
    if raw is None:
        return
    routes: Any = raw
    if isinstance(raw, str):
        try:
            routes = json.loads(raw)
        except ValueError:
            yield "valueSpecs host_routes could not be verified (not JSON)"
            return
    if not isinstance(routes, list):
        yield "valueSpecs host_routes could not be verified (expected a list of {destination, nexthop})"
        return
    for index, route in enumerate(routes):
        yield from _route(
            get(route, "destination"), get(route, "nexthop"), plan(r.catalogue), f"valueSpecs host_routes[{index}]"
        )


def _subnet_route(r: Resource) -> Iterator[str]:
    yield from _route(r.props.get("destinationCidr"), r.props.get("nextHop"), plan(r.catalogue), "host route")


def _subnet_in_plan(r: Resource) -> Iterator[str]:
    cidr = r.props.get("cidr")
    if text(cidr) is None and not isinstance(cidr, Unknown):
        if text(r.props.get("subnetpoolId")) is None and r.props.get("subnetpoolId") is not UNKNOWN:
            yield "the subnet has neither a cidr nor a subnetpoolId, so its range cannot be verified"
    else:
        message = outside_plan(cidr, plan(r.catalogue), "cidr")
        if message:
            yield message
    gateway = r.props.get("gatewayIp")
    if gateway is not None and gateway != "":
        message = outside_plan(gateway, plan(r.catalogue), "gatewayIp")
        if message:
            yield message
    pools = items(r.props.get("allocationPools"))
    if isinstance(pools, Unknown):
        yield "allocationPools could not be verified during preview (unknown value)"
    else:
        for index, pool in enumerate(pools):
            for end in ("start", "end"):
                message = outside_plan(get(pool, end), plan(r.catalogue), f"allocationPools[{index}].{end}")
                if message:
                    yield message


def _subnet_pool_in_plan(r: Resource) -> Iterator[str]:
    prefixes = items(r.props.get("prefixes"))
    if isinstance(prefixes, Unknown):
        yield "prefixes could not be verified during preview (unknown value)"
        return
    for index, prefix in enumerate(prefixes):
        message = outside_plan(prefix, plan(r.catalogue), f"prefixes[{index}]")
        if message:
            yield message


def _subnet_dns(r: Resource) -> Iterator[str]:
    servers = items(r.props.get("dnsNameservers"))
    if isinstance(servers, Unknown):
        yield "dnsNameservers could not be verified during preview (unknown value)"
        return
    for index, server in enumerate(servers):
        message = outside_plan(server, plan(r.catalogue), f"dnsNameservers[{index}]")
        if message:
            yield message


def _template_dns(r: Resource) -> Iterator[str]:
    server = r.props.get("dnsNameserver")
    if server is not None and server != "":
        message = outside_plan(server, plan(r.catalogue), "dnsNameserver")
        if message:
            yield message


def _tenant_facts(catalogue: Catalogue) -> tuple[list[Network], set[Network]]:
    """The tenant pools and the platform service addresses of every site."""
    pools: list[Network] = [net for site in catalogue.sites.values() for net in site.pools.tenants.networks()]
    services = {net for site in catalogue.sites.values() for svc in site.services.values() for net in svc.networks()}
    return pools, services


def _destinations(r: Resource) -> Iterator[tuple[str, Any]]:
    if r.type == ROUTER_ROUTE:
        yield "destinationCidr", r.props.get("destinationCidr")
    elif r.type == ROUTER_ROUTES:
        routes = items(r.props.get("routes"))
        for index, route in enumerate([] if isinstance(routes, Unknown) else routes):
            yield f"routes[{index}].destinationCidr", get(route, "destinationCidr")


def _tenant_routes(
    resources: list[Resource], catalogue: Catalogue, config: Mapping[str, Any]
) -> Iterator[tuple[str, str | None]]:
    """In a tenant's stack (a subnet in a tenant pool, or a router or port of a tenant project), every
    route leads into one of the stack's own tenant subnets or to a platform service address."""
    pools, services = _tenant_facts(catalogue)
    own: list[Network] = []
    for r in resources:
        net = parse_network(r.props.get("cidr")) if r.type == SUBNET else None
        if net is not None and any(net.version == p.version and net.subnet_of(p) for p in pools):  # type: ignore[arg-type]
            own.append(net)
    tenant_owned = any(r.type in (ROUTER, PORT) and text(r.props.get("tenantId")) is not None for r in resources)
    if not own and not tenant_owned:
        return  # not a tenant's stack: the border routers' routes to whole sites are the platform's
    shown = ", ".join(str(n) for n in own) or "none declared"
    for r in resources:
        for field, value in _destinations(r):
            destination = parse_network(value) if isinstance(value, str) else None
            if destination is None:
                yield f"{field} {value!r} could not be verified: a tenant's route must name its destination", r.urn
            elif destination not in services and not any(
                destination.version == o.version and destination.subnet_of(o)  # type: ignore[arg-type]
                for o in own
            ):
                yield (
                    f"{field} {destination} reaches beyond the tenant's own ranges ({shown}) and the platform "
                    "services: another tenant's or a whole site's range",
                    r.urn,
                )


RULES: Final = [
    Rule(
        name="router-has-no-external-gateway",
        description="Routers have no external gateway, external fixed IP or SNAT: the federation has no internet.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation=(
            "Remove external_network_id / external_fixed_ips / enable_snat; connect sites through router "
            "interfaces on the transit network with routes to the partner's range."
        ),
        checks={ROUTER: _router_gateway},
    ),
    Rule(
        name="route-stays-in-plan",
        description="Router routes and subnet host routes only lead to destinations and next hops in the plan.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation="Route only to the partner site's range over a transit next hop; never a default route.",
        checks={
            ROUTER_ROUTE: _router_route,
            ROUTER_ROUTES: _router_routes,
            SUBNET_ROUTE: _subnet_route,
            SUBNET: _host_routes_from_specs,
        },
    ),
    Rule(
        name="subnet-stays-in-plan",
        description="Subnets, their gateways and allocation pools, and subnet pools lie inside the address plan.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation="Allocate subnet ranges from the site's platform or tenant pool in federation.yaml.",
        checks={SUBNET: _subnet_in_plan, SUBNET_POOL: _subnet_pool_in_plan},
    ),
    Rule(
        name="subnet-dns-stays-in-plan",
        description="Subnets hand out only the federation's DNS resolvers, never a public one.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "dns", "network", "openstack"),
        framework=NO_INTERNET,
        remediation="Set dns_nameservers to the site's DNS service addresses (federation.yaml services.dns).",
        checks={SUBNET: _subnet_dns, CLUSTER_TEMPLATE: _template_dns},
    ),
    StackRule(
        name="tenant-routes-reach-only-own-ranges",
        description=(
            "In a tenant's stack every route leads to one of the tenant's own ranges or a platform service "
            "address: no tenant reaches another tenant's range, nor a whole site."
        ),
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("isolation", "network", "openstack"),
        framework=NO_INTERNET,
        remediation=(
            "Route the tenant's own range on its other site via the site's border router, and the platform "
            "services by their addresses (federation.yaml services); nothing wider."
        ),
        check=_tenant_routes,
    ),
]
