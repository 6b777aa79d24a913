"""A tenant's security groups on one site: nothing allowed but the tenant itself and named platform services.

Neutron gives every new group allow-all egress rules; `delete_default_rules=True` removes them, and
the rules here add back only what the plan allows:
- `internal`: ingress from and egress to the tenant's own ranges on both sites (all protocols);
- `platform-services`: egress to each named platform service of this site, by address and port.
Instances and ports attach both groups explicitly; the project's `default` group is never used.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Site

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TenantSecurityArgs:
    """The tenant's ranges on every site, and the platform services of this site it may reach."""

    tenant: str
    site: Site
    project_id: pulumi.Input[str]
    tenant_ranges: tuple[Network, ...]
    services: tuple[str, ...] = ()


def ethertype(network: Network) -> str:
    return "IPv4" if network.version == 4 else "IPv6"


class TenantSecurity(pulumi.ComponentResource):
    """The tenant's groups on one site; `group_ids` is what ports and instances attach."""

    internal: openstack.networking.SecGroup
    platform_services: openstack.networking.SecGroup
    rules: list[openstack.networking.SecGroupRule]

    def __init__(self, name: str, args: TenantSecurityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant_security:TenantSecurity", name, None, opts)
        self.rules = []
        self.internal = self._group(name, args, "internal", "Traffic inside the tenant, on both sites")
        for index, network in enumerate(args.tenant_ranges):
            for direction in ("ingress", "egress"):
                self._rule(
                    f"{name}-internal-{direction}-{index}",
                    args,
                    self.internal,
                    direction=direction,
                    network=network,
                    description=f"{direction} within tenant {args.tenant} ({network})",
                )
        self.platform_services = self._group(
            name, args, "platform-services", f"Egress to platform services of site {args.site.key}"
        )
        for service_name in args.services:
            service = args.site.services[service_name]
            for network in service.networks():
                for port in service.ports:
                    self._rule(
                        f"{name}-{service_name}-{port.protocol}{port.port}-v{network.version}",
                        args,
                        self.platform_services,
                        direction="egress",
                        network=network,
                        protocol=port.protocol,
                        port=port.port,
                        description=f"{service_name} on site {args.site.key}",
                    )
        self.register_outputs({"group_ids": self.group_ids})

    @property
    def group_ids(self) -> list[pulumi.Output[str]]:
        return [self.internal.id, self.platform_services.id]

    def _group(
        self, name: str, args: TenantSecurityArgs, suffix: str, description: str
    ) -> openstack.networking.SecGroup:
        return openstack.networking.SecGroup(
            f"{name}-{suffix}",
            name=f"tenant-{args.tenant}-{suffix}",
            description=description,
            delete_default_rules=True,
            stateful=True,
            tenant_id=args.project_id,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _rule(
        self,
        resource_name: str,
        args: TenantSecurityArgs,
        group: openstack.networking.SecGroup,
        *,
        direction: str,
        network: Network,
        description: str,
        protocol: str | None = None,
        port: int | None = None,
    ) -> None:
        self.rules.append(
            openstack.networking.SecGroupRule(
                resource_name,
                security_group_id=group.id,
                direction=direction,
                ethertype=ethertype(network),
                remote_ip_prefix=str(network),
                protocol=protocol,
                port_range_min=port,
                port_range_max=port,
                description=description,
                tenant_id=args.project_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
        )
