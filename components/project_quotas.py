"""Compute, network and volume quotas of one project on one site, from validated config."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from model.config.common import Quotas


@dataclass(frozen=True)
class ProjectQuotasArgs:
    project_id: pulumi.Input[str]
    quotas: Quotas


class ProjectQuotas(pulumi.ComponentResource):
    """Nova, Neutron and Cinder quotas; floating IPs are always zero (nothing faces outward)."""

    def __init__(self, name: str, args: ProjectQuotasArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:project_quotas:ProjectQuotas", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        q = args.quotas
        openstack.compute.QuotaSetV2(
            f"{name}-compute",
            project_id=args.project_id,
            instances=q.instances,
            cores=q.cores,
            ram=q.ram_gib * 1024,
            security_groups=q.security_groups,
            security_group_rules=q.security_group_rules,
            floating_ips=0,
            opts=child,
        )
        openstack.networking.QuotaV2(
            f"{name}-network",
            project_id=args.project_id,
            network=q.networks,
            subnet=q.subnets,
            router=q.routers,
            port=q.ports,
            security_group=q.security_groups,
            security_group_rule=q.security_group_rules,
            floatingip=0,
            opts=child,
        )
        openstack.blockstorage.QuoteSetV3(
            f"{name}-volume",
            project_id=args.project_id,
            volumes=q.volumes,
            gigabytes=q.gigabytes,
            snapshots=q.snapshots,
            opts=child,
        )
        self.register_outputs({})
