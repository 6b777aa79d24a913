"""A tenant's network on one site: its own network and router, attached to the site's border router.

The tenant router has interfaces only (its subnets and a port on the site's tenant link network,
with the tenant's link address) and no external gateway. Its routes lead to exactly two kinds of
destination, all inside the plan and all via the border router's address in the same link block:
the tenant's own range on its other site (the border routers carry it over the backbone), and the
site's named platform services. The border router gets the way back: a route to the tenant's range
on this site via the tenant router. Nothing else is reachable, and nothing outside the plan is
routed at all.

Neutron resources take an explicit `tenant_id`, so this component goes through the site's own
provider: the link network belongs to the platform project, and only the site's operators may put
the tenant's port on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Site

from components.federation import link_subnet_index
from components.internal_network import InternalNetwork, InternalNetworkArgs
from model.config.tenant import TenantSite


@dataclass(frozen=True)
class TenantNetworkArgs:
    """Both ends of the tenant (this site and its other site) and what the platform stack provides."""

    tenant: str
    site: Site
    partner: Site
    allocation: TenantSite
    partner_allocation: TenantSite
    project_id: pulumi.Input[str]
    link_network_id: pulumi.Input[str]
    link_subnet_ids: pulumi.Output[list[str]]  # IPv4 blocks then IPv6 blocks, from the platform stack
    border_router_id: pulumi.Input[str]  # the site's border router, from the platform stack
    services: tuple[str, ...] = ()


class TenantNetwork(pulumi.ComponentResource):
    """Network, router, link port and the routes of one tenant on one site."""

    network: InternalNetwork
    router: openstack.networking.Router
    transit_port: openstack.networking.Port
    routes: list[openstack.networking.RouterRoute]

    def __init__(self, name: str, args: TenantNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant_network:TenantNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        site, own = args.site, args.allocation
        self.network = InternalNetwork(
            f"{name}",
            InternalNetworkArgs(site=site, ipv4=own.ipv4, ipv6=own.ipv6, project_id=args.project_id),
            child,
        )
        self.router = openstack.networking.Router(
            f"{name}-router",
            name=f"tenant-{args.tenant}",
            description=f"Tenant {args.tenant}: interfaces only, routes to its range on site {args.partner.key}",
            admin_state_up=True,
            tenant_id=args.project_id,
            opts=child,
        )
        interfaces = [
            openstack.networking.RouterInterface(
                f"{name}-if-v{subnet_version}", router_id=self.router.id, subnet_id=subnet.id, opts=child
            )
            for subnet_version, subnet in ((4, self.network.subnet_v4), (6, self.network.subnet_v6))
        ]
        v4_index, v6_index = (link_subnet_index(site, own.transit.ipv4), link_subnet_index(site, own.transit.ipv6))
        self.transit_port = openstack.networking.Port(
            f"{name}-transit",
            name=f"tenant-{args.tenant}-transit",
            description=f"Tenant {args.tenant}'s router on site {site.key}'s tenant link network",
            network_id=args.link_network_id,
            tenant_id=args.project_id,
            fixed_ips=[
                openstack.networking.PortFixedIpArgs(
                    subnet_id=args.link_subnet_ids.apply(lambda ids: ids[v4_index]), ip_address=str(own.transit.ipv4)
                ),
                openstack.networking.PortFixedIpArgs(
                    subnet_id=args.link_subnet_ids.apply(lambda ids: ids[v6_index]), ip_address=str(own.transit.ipv6)
                ),
            ],
            # A router interface: security groups do not apply to it, so it names none (never `default`).
            port_security_enabled=True,
            no_security_groups=True,
            admin_state_up=True,
            opts=child,
        )
        transit_if = openstack.networking.RouterInterface(
            f"{name}-if-transit", router_id=self.router.id, port_id=self.transit_port.id, opts=child
        )
        self.routes = []
        self._routes_to_partner(name, args, transit_if)
        self._routes_to_services(name, args, transit_if)
        self._route_back_from_border(name, args, [transit_if, *interfaces])
        self.register_outputs(
            {
                "network_id": self.network.network.id,
                "subnet_ids": [s.id for s in self.network.subnets],
                "router_id": self.router.id,
                "transit": [str(own.transit.ipv4), str(own.transit.ipv6)],
            }
        )

    def _route(
        self, name: str, router_id: pulumi.Input[str], destination: str, next_hop: str, after: list[pulumi.Resource]
    ) -> None:
        self.routes.append(
            openstack.networking.RouterRoute(
                name,
                router_id=router_id,
                destination_cidr=destination,
                next_hop=next_hop,
                opts=pulumi.ResourceOptions(parent=self, depends_on=after),
            )
        )

    def _border_hop(self, args: TenantNetworkArgs, version: int) -> str:
        """The border router's address in the link block of the tenant's own link address (on-link)."""
        own = args.allocation.transit.ipv4 if version == 4 else args.allocation.transit.ipv6
        return str(args.site.tenant_links.border_address(own))

    def _routes_to_partner(self, name: str, args: TenantNetworkArgs, transit_if: pulumi.Resource) -> None:
        """The tenant's own range on its other site, via this site's border router (then the backbone)."""
        partner = args.partner_allocation
        for version, destination in ((4, partner.ipv4), (6, partner.ipv6)):
            self._route(
                f"{name}-to-{args.partner.key}-v{version}",
                self.router.id,
                str(destination),
                self._border_hop(args, version),
                [transit_if],
            )

    def _routes_to_services(self, name: str, args: TenantNetworkArgs, transit_if: pulumi.Resource) -> None:
        """Each named platform service of this site, via the site's border router."""
        for service_name in args.services:
            service = args.site.services[service_name]
            for version, destination in ((4, service.ipv4), (6, service.ipv6)):
                self._route(
                    f"{name}-to-{service_name}-v{version}",
                    self.router.id,
                    str(destination),
                    self._border_hop(args, version),
                    [transit_if],
                )

    def _route_back_from_border(self, name: str, args: TenantNetworkArgs, after: list[pulumi.Resource]) -> None:
        """The platform's border router learns the tenant's range on this site, via the tenant router."""
        own = args.allocation
        for version, destination, hop in ((4, own.ipv4, own.transit.ipv4), (6, own.ipv6, own.transit.ipv6)):
            self._route(f"{name}-border-back-v{version}", args.border_router_id, str(destination), str(hop), after)
