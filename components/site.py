"""One partner site's platform: its project, SCS catalogue, internal networks and namespaces.

The site's providers are created by the program (`SiteProviders`) and handed down with
`providers=[...]`; every child here only sets `parent=self`, so nothing can land elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Site as CatalogueSite

from components.flavors import SiteFlavors, SiteFlavorsArgs
from components.images import SiteImages, SiteImagesArgs
from components.internal_network import InternalNetwork, InternalNetworkArgs
from components.namespace import IsolatedNamespace, IsolatedNamespaceArgs
from components.project_quotas import ProjectQuotas, ProjectQuotasArgs
from components.volume_types import SiteVolumeTypes
from model.config.platform import ImageSpec, PlatformSite


@dataclass(frozen=True)
class SiteArgs:
    """A catalogue site and what the platform stack declares on it."""

    site: CatalogueSite
    config: PlatformSite
    images: tuple[ImageSpec, ...]
    extra_flavors: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()


class Site(pulumi.ComponentResource):
    """The platform of one site."""

    project: openstack.identity.Project
    networks: dict[str, InternalNetwork]
    flavors: SiteFlavors
    images: SiteImages
    volume_types: SiteVolumeTypes

    def __init__(self, name: str, args: SiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:site:Site", name, None, opts)
        self.site = args.site
        child = pulumi.ResourceOptions(parent=self)
        self.project = openstack.identity.Project(
            f"{name}-platform",
            name="platform",
            description=f"Platform services of site {args.site.key} ({args.site.region})",
            tags=["sovcloud", "platform"],
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )
        ProjectQuotas(f"{name}-platform-quotas", ProjectQuotasArgs(self.project.id, args.config.quotas), child)
        self.flavors = SiteFlavors(f"{name}-flavors", SiteFlavorsArgs(extra=args.extra_flavors), child)
        self.images = SiteImages(f"{name}-images", SiteImagesArgs(site=args.site, images=args.images), child)
        self.volume_types = SiteVolumeTypes(f"{name}-volume-types", child)
        self.networks = {
            net.name: InternalNetwork(
                f"{name}-{net.name}",
                InternalNetworkArgs(
                    site=args.site, ipv4=net.ipv4, ipv6=net.ipv6, project_id=self.project.id, dns=net.dns
                ),
                child,
            )
            for net in args.config.networks
        }
        for namespace in args.namespaces:
            IsolatedNamespace(
                f"{name}-ns-{namespace}",
                IsolatedNamespaceArgs(
                    namespace=namespace, region=args.site.kubernetes_region, labels={"sovcloud.eu/tier": "platform"}
                ),
                child,
            )
        self.register_outputs(
            {
                "region": args.site.region,
                "project_id": self.project.id,
                "networks": {key: net.network.id for key, net in self.networks.items()},
            }
        )

    @property
    def subnets(self) -> list[openstack.networking.Subnet]:
        return [subnet for net in self.networks.values() for subnet in net.subnets]
