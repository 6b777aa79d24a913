"""The platform stack: both sites, the federation between them, and the operations split."""

from __future__ import annotations

import pulumi

from components.federation import Federation, FederationArgs, FederationSiteArgs
from components.operations_split import OperationsSplit, OperationsSplitArgs, OperationsSplitSite
from components.site import Site, SiteArgs
from components.site_providers import SiteProviders, SiteProvidersArgs
from infra.catalogue import Catalogue
from infra.config.platform import PlatformConfig


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
    # What tenant stacks build on (read through a StackReference, see infra/programs/platform_ref.py).
    pulumi.export(
        "transit",
        {
            key: {"networkId": end.transit_network.id, "subnetIds": [s.id for s in end.transit_subnets]}
            for key, end in federation.ends.items()
        },
    )
    pulumi.export("regions", {key: catalogue.site(key).region for key in sites})
