"""The federation between the sites: the transit network over the dedicated fibre, and routes
that reach only the partner site's range.

Each site declares the same transit subnet (one layer-2 segment over the fibre) but hands out
only its own pool, so both sites' border routers are on-link. A border router has interfaces
only (transit + the site's platform subnets) and no external gateway; its routes lead to the
partner site's ranges via the partner's border router, and nowhere else.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Catalogue, Site

from components.site_providers import SiteProviders

TRANSIT_VLAN = 3100
# Addresses 1..15 of each site's transit pool belong to the platform; tenants get the rest.
BORDER_HOST = 1


def border_address(site: Site, version: int) -> str:
    """The border router's address on the transit subnet, for a site and IP version."""
    pool = site.transit.ipv4 if version == 4 else site.transit.ipv6
    return str(pool.network_address + BORDER_HOST)


def pool_range(pool: ipaddress.IPv4Network | ipaddress.IPv6Network) -> openstack.networking.SubnetAllocationPoolArgs:
    """A site's share of the transit subnet, as a Neutron allocation pool (skipping the network address)."""
    return openstack.networking.SubnetAllocationPoolArgs(start=str(pool.network_address + 1), end=str(pool[-2]))


@dataclass(frozen=True)
class InterconnectSiteArgs:
    site: Site
    partner: Site
    catalogue: Catalogue
    platform_subnets: tuple[openstack.networking.Subnet, ...]


class InterconnectSite(pulumi.ComponentResource):
    """One site's end of the fibre: transit network, border router, routes to the partner."""

    transit_network: openstack.networking.Network
    transit_subnets: list[openstack.networking.Subnet]
    router: openstack.networking.Router

    def __init__(self, name: str, args: InterconnectSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:federation:InterconnectSite", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        plan = args.catalogue.address_plan
        self.transit_network = openstack.networking.Network(
            f"{name}-transit",
            name="interconnect-transit",
            description=f"Dedicated fibre to site {args.partner.key}",
            shared=False,
            external=False,
            port_security_enabled=True,
            segments=[
                openstack.networking.NetworkSegmentArgs(
                    network_type="vlan", physical_network="interconnect", segmentation_id=TRANSIT_VLAN
                )
            ],
            opts=child,
        )
        self.transit_subnets = [
            openstack.networking.Subnet(
                f"{name}-transit-v{version}",
                name=f"interconnect-transit-v{version}",
                network_id=self.transit_network.id,
                ip_version=version,
                cidr=str(subnet),
                allocation_pools=[pool_range(pool)],
                no_gateway=True,
                enable_dhcp=False,
                opts=child,
            )
            for version, subnet, pool in (
                (4, plan.transit_subnet.ipv4, args.site.transit.ipv4),
                (6, plan.transit_subnet.ipv6, args.site.transit.ipv6),
            )
        ]
        self.router = openstack.networking.Router(
            f"{name}-border",
            name=f"border-{args.site.key}",
            description=f"Routes site {args.site.key} to site {args.partner.key} over the interconnect only",
            admin_state_up=True,
            opts=child,
        )
        transit_port = openstack.networking.Port(
            f"{name}-border-transit",
            name=f"border-{args.site.key}-transit",
            network_id=self.transit_network.id,
            port_security_enabled=True,
            no_security_groups=True,  # a router interface: security groups do not apply to it
            fixed_ips=[
                openstack.networking.PortFixedIpArgs(subnet_id=subnet.id, ip_address=border_address(args.site, version))
                for version, subnet in ((4, self.transit_subnets[0]), (6, self.transit_subnets[1]))
            ],
            opts=child,
        )
        openstack.networking.RouterInterface(
            f"{name}-border-transit-if", router_id=self.router.id, port_id=transit_port.id, opts=child
        )
        for index, subnet in enumerate(args.platform_subnets):
            openstack.networking.RouterInterface(
                f"{name}-border-platform-if-{index}", router_id=self.router.id, subnet_id=subnet.id, opts=child
            )
        for version, destination in ((4, args.partner.ipv4), (6, args.partner.ipv6)):
            openstack.networking.RouterRoute(
                f"{name}-to-{args.partner.key}-v{version}",
                router_id=self.router.id,
                destination_cidr=str(destination),
                next_hop=border_address(args.partner, version),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[transit_port]),
            )
        self.register_outputs(
            {
                "network_id": self.transit_network.id,
                "subnet_ids": [s.id for s in self.transit_subnets],
                "router_id": self.router.id,
            }
        )


@dataclass(frozen=True)
class FederationSiteArgs:
    site: Site
    providers: SiteProviders
    platform_subnets: tuple[openstack.networking.Subnet, ...]


@dataclass(frozen=True)
class FederationArgs:
    catalogue: Catalogue
    sites: tuple[FederationSiteArgs, ...]


class Federation(pulumi.ComponentResource):
    """Both ends of the interconnect; each end goes through its own site's providers."""

    ends: dict[str, InterconnectSite]

    def __init__(self, name: str, args: FederationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:federation:Federation", name, None, opts)
        if len(args.sites) != 2:
            raise ValueError("the federation joins exactly two sites")
        self.ends = {}
        for end in args.sites:
            partner = next(other.site for other in args.sites if other.site.key != end.site.key)
            self.ends[end.site.key] = InterconnectSite(
                f"{name}-{end.site.key}",
                InterconnectSiteArgs(
                    site=end.site, partner=partner, catalogue=args.catalogue, platform_subnets=end.platform_subnets
                ),
                pulumi.ResourceOptions(parent=self, providers=end.providers.all),
            )
        self.register_outputs(
            {
                key: {"networkId": end.transit_network.id, "subnetIds": [s.id for s in end.transit_subnets]}
                for key, end in self.ends.items()
            }
        )
