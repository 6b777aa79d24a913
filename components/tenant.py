"""A tenant on its two sites: the same isolated environment on each, data in one, copies in the other.

Per site: the project (and a provider scoped to it), the network joined to the site's border router
over the tenant link network, the security groups, the instances placed there, and the Kubernetes
namespace. Across the two sites: the storage, primary in the active site and replicated or backed
up to the other. Which sites (any two of the catalogue) and which is primary come from the config
(`primarySite`, `replicaSite`, swapped by `failover`); resources are named after their site, not
their role, so failing over updates them in place instead of replacing data holders.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
from federation_catalogue import Catalogue

from components.platform_reference import PlatformReference
from components.site_providers import SiteProviders
from components.tenant_compute import TenantCompute, TenantComputeArgs
from components.tenant_kubernetes import TenantKubernetes, TenantKubernetesArgs
from components.tenant_network import TenantNetwork, TenantNetworkArgs
from components.tenant_project import TenantProject, TenantProjectArgs
from components.tenant_security import TenantSecurity, TenantSecurityArgs
from components.tenant_storage import TenantStorage, TenantStorageArgs
from model.config.tenant import TenantConfig


@dataclass(frozen=True)
class TenantArgs:
    """The validated tenant config, the catalogue, each site's providers and the platform stack's exports."""

    config: TenantConfig
    catalogue: Catalogue
    providers: dict[str, SiteProviders]
    platform: PlatformReference


@dataclass
class TenantSiteParts:
    """What the tenant declared on one site."""

    role: str
    project: TenantProject
    network: TenantNetwork
    security: TenantSecurity
    compute: TenantCompute
    kubernetes: TenantKubernetes | None


class Tenant(pulumi.ComponentResource):
    """Every resource of one tenant, on its two sites, each through its own site's providers."""

    sites: dict[str, TenantSiteParts]
    storage: TenantStorage
    active_site: str

    def __init__(self, name: str, args: TenantArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant:Tenant", name, None, opts)
        config, catalogue = args.config, args.catalogue
        self.active_site = config.active_site(catalogue)
        keys = [key for key in catalogue.sites if key in config.site_keys]  # catalogue order: stable names
        ranges: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
            net for key in keys for net in (config.sites[key].ipv4, config.sites[key].ipv6)
        )
        self.sites = {key: self._site(name, key, args, ranges) for key in keys}
        replica = config.other_site(self.active_site)
        self.storage = TenantStorage(
            f"{name}-storage",
            TenantStorageArgs(
                tenant=config.name,
                primary=catalogue.site(self.active_site),
                replica=catalogue.site(replica),
                primary_provider=self.sites[self.active_site].project.scoped_provider,
                replica_provider=self.sites[replica].project.scoped_provider,
                replica_project_id=self.sites[replica].project.project.id,
                volumes=config.volumes,
                containers=config.object_storage.containers,
                failover=config.failover,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs(
            {
                "active_site": self.active_site,
                "projects": {key: parts.project.project.id for key, parts in self.sites.items()},
            }
        )

    def _site(
        self, name: str, key: str, args: TenantArgs, ranges: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    ) -> TenantSiteParts:
        config, catalogue = args.config, args.catalogue
        site, partner = catalogue.site(key), catalogue.site(config.other_site(key))
        role = config.site_role(key, catalogue)
        on_site = pulumi.ResourceOptions(parent=self, providers=args.providers[key].all)
        project = TenantProject(
            f"{name}-{key}",
            TenantProjectArgs(
                tenant=config.name,
                site=site,
                catalogue=catalogue,
                role=role,
                quotas=config.quotas,
                groups=config.groups,
                description=config.description,
                cloud=config.sites[key].cloud,
            ),
            on_site,
        )
        network = TenantNetwork(
            f"{name}-{key}-network",
            TenantNetworkArgs(
                tenant=config.name,
                site=site,
                partner=partner,
                allocation=config.sites[key],
                partner_allocation=config.sites[partner.key],
                project_id=project.project.id,
                link_network_id=args.platform.transit_network_id(key),
                link_subnet_ids=args.platform.transit_subnet_ids(key),
                border_router_id=args.platform.border_router_id(key),
                services=config.services,
            ),
            on_site,
        )
        security = TenantSecurity(
            f"{name}-{key}-security",
            TenantSecurityArgs(
                tenant=config.name,
                site=site,
                project_id=project.project.id,
                tenant_ranges=ranges,
                services=config.services,
            ),
            on_site,
        )
        groups = tuple(g for g in config.compute.server_groups if role == "primary" or g.placement == "both")
        compute = TenantCompute(
            f"{name}-{key}-compute",
            TenantComputeArgs(
                tenant=config.name,
                site=site,
                server_groups=groups,
                network_id=network.network.network.id,
                subnet_ids=(network.network.subnet_v4.id, network.network.subnet_v6.id),
                security_group_ids=tuple(security.group_ids),
            ),
            # Nova has no project argument: instances go through the provider scoped to the tenant's project.
            pulumi.ResourceOptions(parent=self, providers=[project.scoped_provider, args.providers[key].kubernetes]),
        )
        kubernetes = None
        if config.kubernetes.enabled:
            kubernetes = TenantKubernetes(
                f"{name}-{key}-kubernetes",
                TenantKubernetesArgs(
                    tenant=config.name,
                    site=site,
                    role=role,
                    config=config.kubernetes,
                    tenant_ranges=ranges,
                    services=config.services,
                ),
                on_site,
            )
        return TenantSiteParts(role, project, network, security, compute, kubernetes)
