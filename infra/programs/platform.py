"""The platform stack: every site, the federation between them, and the operations split."""

from __future__ import annotations

import pulumi
from federation_catalogue import Catalogue

from components.federation import Federation, FederationArgs, FederationSiteArgs
from components.identity_provider import IdentityProvider, IdentityProviderArgs, keycloak_provider
from components.keystone_federation.site_federation import SiteFederation, SiteFederationArgs
from components.operations_split import OperationsSplit, OperationsSplitArgs, OperationsSplitSite
from components.site import Site, SiteArgs
from components.site_providers import SiteProviders, SiteProvidersArgs
from model.config.platform import PlatformConfig


def run(config: PlatformConfig, catalogue: Catalogue) -> None:
    providers: dict[str, SiteProviders] = {}
    sites: dict[str, Site] = {}
    for key, site_config in config.sites.items():
        site = catalogue.site(key)
        providers[key] = SiteProviders(key, SiteProvidersArgs(site=site, catalogue=catalogue, cloud=site_config.cloud))
        sites[key] = Site(
            f"site-{key}",
            SiteArgs(
                site=site,
                config=site_config,
                images=config.images,
                extra_flavors=config.extra_flavors,
                namespaces=config.kubernetes.namespaces,
            ),
            pulumi.ResourceOptions(providers=providers[key].all),
        )
    federation = Federation(
        "federation",
        FederationArgs(
            catalogue=catalogue,
            sites=tuple(
                FederationSiteArgs(
                    site=catalogue.site(key), providers=providers[key], platform_subnets=tuple(s.subnets)
                )
                for key, s in sites.items()
            ),
        ),
    )
    OperationsSplit(
        "operations-split",
        OperationsSplitArgs(
            catalogue=catalogue,
            sites=tuple(
                OperationsSplitSite(
                    site=catalogue.site(key), providers=providers[key], platform_project_id=s.project.id
                )
                for key, s in sites.items()
            ),
        ),
    )
    # --- identity federation: each site's Keystone trusts the realm; the realm itself when
    # `sovcloud:platform.identity` holds the Keycloak service-account client (its secret `secure:`).
    for key in sites:
        SiteFederation(
            f"keystone-federation-{key}",
            SiteFederationArgs(site=catalogue.site(key), catalogue=catalogue, cloud=config.sites[key].cloud),
        )
    identity = config.identity
    if identity is not None:
        keycloak = keycloak_provider(
            "identity-provider",
            catalogue,
            client_id=identity.client_id,
            client_secret=identity.client_secret.get_secret_value(),
            admin_realm=identity.admin_realm,
        )
        IdentityProvider(
            "identity-provider", IdentityProviderArgs(catalogue=catalogue), pulumi.ResourceOptions(providers=[keycloak])
        )
    # --- end identity federation
    # What tenant stacks build on (read through a StackReference, see components/platform_reference.py):
    # per site, the tenant link network, its subnets (IPv4 blocks then IPv6 blocks) and the border router.
    pulumi.export(
        "transit",
        {
            key: {
                "networkId": end.link_network.id,
                "subnetIds": [s.id for s in end.link_subnets],
                "routerId": end.router.id,
            }
            for key, end in federation.ends.items()
        },
    )
    pulumi.export("regions", {key: catalogue.site(key).region for key in sites})
