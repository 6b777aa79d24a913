"""An internal dual-stack network: never shared, never external, DNS only from the site's resolvers.

Used for the platform's networks and for every tenant network; the policy pack denies anything
this component would never declare (external networks, public resolvers, port security off).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Site


@dataclass(frozen=True)
class InternalNetworkArgs:
    """Where the network lives and which ranges its subnets take."""

    site: Site
    ipv4: ipaddress.IPv4Network
    ipv6: ipaddress.IPv6Network
    project_id: pulumi.Input[str] | None = None  # owning project (tenant networks); None = the provider's
    dns: bool = True  # hand out the site's resolvers over DHCP
    mtu: int | None = None


class InternalNetwork(pulumi.ComponentResource):
    """A network with one IPv4 and one IPv6 subnet."""

    network: openstack.networking.Network
    subnet_v4: openstack.networking.Subnet
    subnet_v6: openstack.networking.Subnet

    def __init__(self, name: str, args: InternalNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:internal_network:InternalNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        dns = args.site.services.get("dns") if args.dns else None
        self.network = openstack.networking.Network(
            f"{name}-net",
            name=name,
            shared=False,
            external=False,
            port_security_enabled=True,
            admin_state_up=True,
            mtu=args.mtu,
            tenant_id=args.project_id,
            opts=child,
        )
        self.subnet_v4 = openstack.networking.Subnet(
            f"{name}-v4",
            name=f"{name}-v4",
            network_id=self.network.id,
            ip_version=4,
            cidr=str(args.ipv4),
            enable_dhcp=True,
            dns_nameservers=[str(dns.ipv4.network_address)] if dns else [],
            tenant_id=args.project_id,
            opts=child,
        )
        self.subnet_v6 = openstack.networking.Subnet(
            f"{name}-v6",
            name=f"{name}-v6",
            network_id=self.network.id,
            ip_version=6,
            cidr=str(args.ipv6),
            ipv6_address_mode="dhcpv6-stateful",
            ipv6_ra_mode="dhcpv6-stateful",
            enable_dhcp=True,
            dns_nameservers=[str(dns.ipv6.network_address)] if dns else [],
            tenant_id=args.project_id,
            opts=child,
        )
        self.register_outputs({"network_id": self.network.id, "subnet_ids": [self.subnet_v4.id, self.subnet_v6.id]})

    @property
    def subnets(self) -> list[openstack.networking.Subnet]:
        return [self.subnet_v4, self.subnet_v6]
