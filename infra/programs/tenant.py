"""A tenant stack: one tenant on both sites, built on the platform stack's transit networks."""

from __future__ import annotations

import pulumi

from components.site_providers import SiteProviders, SiteProvidersArgs
from components.tenant import Tenant, TenantArgs
from infra.catalogue import Catalogue
from infra.config.tenant import TenantConfig
from infra.programs.platform_ref import PlatformReference


def run(config: TenantConfig, catalogue: Catalogue) -> None:
    providers = {
        key: SiteProviders(key, SiteProvidersArgs(site=site, catalogue=catalogue, cloud=config.sites[key].cloud))
        for key, site in catalogue.sites.items()
    }
    platform = PlatformReference(config.platform_stack)
    tenant = Tenant(config.name, TenantArgs(config=config, catalogue=catalogue, providers=providers, platform=platform))
    pulumi.export("tenant", config.name)
    pulumi.export("primarySite", config.primary_site)
    pulumi.export("failover", config.failover)
    pulumi.export("activeSite", tenant.active_site)
    pulumi.export(
        "sites",
        {
            key: {
                "role": parts.role,
                "region": catalogue.site(key).region,
                "projectId": parts.project.project.id,
                "networkId": parts.network.network.network.id,
                "routerId": parts.network.router.id,
                "ipv4": str(config.sites[key].ipv4),
                "ipv6": str(config.sites[key].ipv6),
                "transit": [str(config.sites[key].transit.ipv4), str(config.sites[key].transit.ipv6)],
                "namespace": f"tenant-{config.name}" if parts.kubernetes else None,
            }
            for key, parts in tenant.sites.items()
        },
    )
    pulumi.export("containers", list(tenant.storage.containers))
    pulumi.export("volumes", list(tenant.storage.volumes))
