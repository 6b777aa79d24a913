"""The federation between the sites: a backbone over the dedicated fibre joining every site's border
router, and per site a tenant link network where that site's tenant routers meet its border router.

Any number of sites: each site's border router has one address on the backbone (one layer-2
segment sized for 250 sites, declared by every site with the same CIDR) and routes to each *other*
site's ranges via that site's border address, and nowhere else. Tenants never touch the backbone:
their routers attach to their own site's link network, so the backbone's size does not bound the
number of tenants, and adding a site adds, on each existing site, only the two routes to it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Catalogue, Site
from federation_catalogue.catalogue import BORDER_LINK_HOST, PLATFORM_LINK_HOSTS

from components.site_providers import SiteProviders

BACKBONE_VLAN = 3100
LINKS_VLAN = 3101


def link_subnet_index(site: Site, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> int:
    """Position of the subnet holding `address` in the platform's `subnetIds` export of a site
    (the IPv4 blocks in catalogue order, then the IPv6 blocks)."""
    links = site.tenant_links
    blocks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = [*links.ipv4, *links.ipv6]
    block = links.block_of(address)
    if block is None:
        raise ValueError(f"{address} is in no tenant link block of site {site.key}")
    return blocks.index(block)


def _host_pool(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network, first: int, last: int
) -> openstack.networking.SubnetAllocationPoolArgs:
    return openstack.networking.SubnetAllocationPoolArgs(
        start=str(network.network_address + first), end=str(network.network_address + last)
    )


@dataclass(frozen=True)
class InterconnectSiteArgs:
    site: Site
    catalogue: Catalogue
    platform_subnets: tuple[openstack.networking.Subnet, ...]


class InterconnectSite(pulumi.ComponentResource):
    """One site's part: backbone port, tenant link network, border router, routes to the other sites."""

    backbone_network: openstack.networking.Network
    backbone_subnets: list[openstack.networking.Subnet]
    link_network: openstack.networking.Network
    link_subnets: list[openstack.networking.Subnet]  # IPv4 blocks, then IPv6 blocks, in catalogue order
    router: openstack.networking.Router
    routes: dict[str, list[openstack.networking.RouterRoute]]

    def __init__(self, name: str, args: InterconnectSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:federation:InterconnectSite", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        site, plan = args.site, args.catalogue.address_plan
        self.backbone_network = self._network(
            f"{name}-backbone",
            "interconnect-backbone",
            "The backbone between the federation's border routers, over the fibre",
            "interconnect",
            BACKBONE_VLAN,
        )
        # The site's own border address is the only one its Neutron may hand out on the shared segment.
        self.backbone_subnets = [
            openstack.networking.Subnet(
                f"{name}-backbone-v{version}",
                name=f"interconnect-backbone-v{version}",
                network_id=self.backbone_network.id,
                ip_version=version,
                cidr=str(segment),
                allocation_pools=[openstack.networking.SubnetAllocationPoolArgs(start=str(address), end=str(address))],
                no_gateway=True,
                enable_dhcp=False,
                opts=child,
            )
            for version, segment, address in (
                (4, plan.backbone.ipv4, site.border.ipv4),
                (6, plan.backbone.ipv6, site.border.ipv6),
            )
        ]
        self.link_network = self._network(
            f"{name}-links",
            "tenant-links",
            f"Site {site.key}'s tenant routers and its border router; never on the fibre",
            "site-links",
            LINKS_VLAN,
        )
        # (block, its index among the site's blocks of its IP version): names that a new block never shifts
        numbered: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int]] = [
            *((block, index) for index, block in enumerate(site.tenant_links.ipv4)),
            *((block, index) for index, block in enumerate(site.tenant_links.ipv6)),
        ]
        self.link_subnets = [
            openstack.networking.Subnet(
                f"{name}-links-v{block.version}-{index}",
                name=f"tenant-links-v{block.version}-{index}",
                network_id=self.link_network.id,
                ip_version=block.version,
                cidr=str(block),
                allocation_pools=[_host_pool(block, PLATFORM_LINK_HOSTS + 1, block.num_addresses - 2)],
                no_gateway=True,
                enable_dhcp=False,
                opts=child,
            )
            for block, index in numbered
        ]
        self.router = openstack.networking.Router(
            f"{name}-border",
            name=f"border-{site.key}",
            description=f"Routes site {site.key} to the other sites' ranges over the backbone only",
            admin_state_up=True,
            opts=child,
        )
        border = (site.border.ipv4, site.border.ipv6)
        backbone_port = self._port(
            f"{name}-border-backbone",
            f"border-{site.key}-backbone",
            self.backbone_network,
            list(zip(self.backbone_subnets, border, strict=True)),
        )
        openstack.networking.RouterInterface(
            f"{name}-border-backbone-if", router_id=self.router.id, port_id=backbone_port.id, opts=child
        )
        link_port = self._port(
            f"{name}-border-links",
            f"border-{site.key}-links",
            self.link_network,
            [
                (subnet, block.network_address + BORDER_LINK_HOST)
                for subnet, (block, _) in zip(self.link_subnets, numbered, strict=True)
            ],
        )
        openstack.networking.RouterInterface(
            f"{name}-border-links-if", router_id=self.router.id, port_id=link_port.id, opts=child
        )
        for index, subnet in enumerate(args.platform_subnets):
            openstack.networking.RouterInterface(
                f"{name}-border-platform-if-{index}", router_id=self.router.id, subnet_id=subnet.id, opts=child
            )
        self.routes = {}
        for other in args.catalogue.other_sites(site.key):
            self.routes[other.key] = [
                openstack.networking.RouterRoute(
                    f"{name}-to-{other.key}-v{version}",
                    router_id=self.router.id,
                    destination_cidr=str(destination),
                    next_hop=str(hop),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[backbone_port]),
                )
                for version, destination, hop in (
                    (4, other.ipv4, other.border.ipv4),
                    (6, other.ipv6, other.border.ipv6),
                )
            ]
        self.register_outputs(
            {
                "backbone_network_id": self.backbone_network.id,
                "link_network_id": self.link_network.id,
                "link_subnet_ids": [s.id for s in self.link_subnets],
                "router_id": self.router.id,
            }
        )

    def _network(
        self, name: str, display: str, description: str, physical: str, vlan: int
    ) -> openstack.networking.Network:
        return openstack.networking.Network(
            name,
            name=display,
            description=description,
            shared=False,
            external=False,
            port_security_enabled=True,
            segments=[
                openstack.networking.NetworkSegmentArgs(
                    network_type="vlan", physical_network=physical, segmentation_id=vlan
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _port(
        self,
        name: str,
        display: str,
        network: openstack.networking.Network,
        addresses: list[tuple[openstack.networking.Subnet, ipaddress.IPv4Address | ipaddress.IPv6Address]],
    ) -> openstack.networking.Port:
        return openstack.networking.Port(
            name,
            name=display,
            network_id=network.id,
            port_security_enabled=True,
            no_security_groups=True,  # a router interface: security groups do not apply to it
            fixed_ips=[
                openstack.networking.PortFixedIpArgs(subnet_id=subnet.id, ip_address=str(address))
                for subnet, address in addresses
            ],
            opts=pulumi.ResourceOptions(parent=self),
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
    """Every site's part of the interconnect; each goes through its own site's providers."""

    ends: dict[str, InterconnectSite]

    def __init__(self, name: str, args: FederationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:federation:Federation", name, None, opts)
        if len(args.sites) < 2:
            raise ValueError("a federation joins at least two sites")
        self.ends = {
            end.site.key: InterconnectSite(
                f"{name}-{end.site.key}",
                InterconnectSiteArgs(site=end.site, catalogue=args.catalogue, platform_subnets=end.platform_subnets),
                pulumi.ResourceOptions(parent=self, providers=end.providers.all),
            )
            for end in args.sites
        }
        self.register_outputs(
            {
                key: {"networkId": end.link_network.id, "subnetIds": [s.id for s in end.link_subnets]}
                for key, end in self.ends.items()
            }
        )
