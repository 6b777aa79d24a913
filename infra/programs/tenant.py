"""A tenant stack: one tenant on its primary and replica sites, built on the platform stack's link networks."""

from __future__ import annotations

import pulumi
from federation_catalogue import Catalogue

from components.identity_provider import keycloak_provider
from components.platform_reference import PlatformReference
from components.site_providers import SiteProviders, SiteProvidersArgs
from components.tenant import Tenant, TenantArgs
from components.tenant_identity import TenantIdentity, TenantIdentityArgs, TenantIdentitySite
from model.config.tenant import TenantConfig


def run(config: TenantConfig, catalogue: Catalogue) -> None:
    providers = {
        key: SiteProviders(key, SiteProvidersArgs(site=site, catalogue=catalogue, cloud=config.sites[key].cloud))
        for key, site in catalogue.sites.items()
        if key in config.site_keys
    }
    platform = PlatformReference(config.platform_stack)
    tenant = Tenant(config.name, TenantArgs(config=config, catalogue=catalogue, providers=providers, platform=platform))
    _identity(config, catalogue, tenant)
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


def _identity(config: TenantConfig, catalogue: Catalogue, tenant: Tenant) -> None:
    """The tenant's federated login: its rules in each site's mapping, and its realm group when the
    stack has Keycloak access."""
    identity = config.identity
    sites = tuple(
        TenantIdentitySite(
            site=catalogue.site(key),
            cloud=config.sites[key].cloud,
            keystone_groups=tuple(parts.project.groups.values()),
        )
        for key, parts in tenant.sites.items()
    )
    args = TenantIdentityArgs(
        tenant=config.name,
        catalogue=catalogue,
        groups=tuple(group.name for group in config.groups),
        sites=sites,
        realm_groups=identity is not None,
    )
    opts = None
    if identity is not None:
        keycloak = keycloak_provider(
            f"{config.name}-keycloak",
            catalogue,
            client_id=identity.client_id,
            client_secret=identity.client_secret.get_secret_value(),
            admin_realm=identity.admin_realm,
        )
        opts = pulumi.ResourceOptions(providers=[keycloak])
    TenantIdentity(f"{config.name}-identity", args, opts)
