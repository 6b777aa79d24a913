"""Config of the platform stack: both sites' platform networks, catalogue and namespaces."""

from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Literal

from federation_catalogue import Catalogue
from pydantic import Field, field_validator

from model.config.address_plan import Problem, outside, overlapping
from model.config.common import DualStackRange, KeycloakAccess, Quotas, Strict
from model.scs import MANDATORY_FLAVORS, parse_flavor_name

_NAME = r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$"


class PlatformNetwork(DualStackRange):
    """An internal platform network (never shared, never external) on one site."""

    name: str = Field(pattern=_NAME)
    dns: bool = True  # hand out the site's DNS resolvers via DHCP


class PlatformSite(Strict):
    """What the platform declares on one site."""

    cloud: str | None = None  # clouds.yaml entry; defaults to sovcloud-<site>
    networks: tuple[PlatformNetwork, ...] = Field(min_length=1)
    quotas: Quotas = Quotas()


class ImageSpec(Strict):
    """An image imported from the site's mirror, with its SCS-0102 metadata."""

    name: str = Field(min_length=1)
    file: str = Field(pattern=r"^[A-Za-z0-9._/-]+$")  # path on the site's image mirror
    os_distro: str = Field(alias="osDistro", pattern=r"^[a-z0-9-]+$")
    os_version: str = Field(alias="osVersion")
    architecture: Literal["x86_64", "aarch64", "risc-v"] = "x86_64"
    min_disk_gb: int = Field(alias="minDiskGB", ge=1)
    min_ram_mb: int = Field(alias="minRamMB", ge=0)
    hw_disk_bus: Literal["virtio", "scsi"] = Field(default="virtio", alias="hwDiskBus")
    replace_frequency: Literal["yearly", "quarterly", "monthly", "weekly", "daily", "critical_bug", "never"] = Field(
        alias="replaceFrequency"
    )
    provided_until: str = Field(alias="providedUntil")
    uuid_validity: str = Field(default="none", alias="uuidValidity")
    upstream_source: str = Field(alias="upstreamSource", pattern=r"^(https://\S+|private)$")
    description: str = Field(min_length=1)
    build_date: str = Field(alias="buildDate", pattern=r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")
    original_user: str = Field(alias="originalUser", min_length=1)
    purpose: Literal["generic", "minimal", "k8snode", "gpu", "network", "custom"] = "generic"
    checksum_sha256: str | None = Field(default=None, alias="checksumSha256", pattern=r"^[0-9a-f]{64}$")

    @field_validator("provided_until")
    @classmethod
    def _date_none_or_notice(cls, value: str) -> str:
        if value not in ("none", "notice"):
            datetime.date.fromisoformat(value)
        return value

    @field_validator("build_date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        datetime.date.fromisoformat(value[:10])
        return value


class KubernetesPlatform(Strict):
    """Platform namespaces on each site's cluster."""

    namespaces: tuple[str, ...] = Field(default=("platform-system", "platform-monitoring"))

    @field_validator("namespaces")
    @classmethod
    def _dns_labels(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", name):
                raise ValueError(f"{name!r} is not a valid namespace name (RFC 1123 label)")
        if len(set(names)) != len(names):
            raise ValueError("namespaces repeat")
        return names


class PlatformConfig(Strict):
    """`sovcloud:platform` in stacks/Pulumi.platform.yaml."""

    sites: dict[str, PlatformSite] = Field(min_length=1)
    images: tuple[ImageSpec, ...] = Field(min_length=1)
    extra_flavors: tuple[str, ...] = Field(default=(), alias="extraFlavors")
    kubernetes: KubernetesPlatform = KubernetesPlatform()
    log_retention_days: int = Field(default=190, ge=183, alias="logRetentionDays")
    # The federation's realm is declared when the platform is given Keycloak access.
    identity: KeycloakAccess | None = None

    def problems(self, catalogue: Catalogue) -> list[Problem]:
        """What needs the catalogue: known sites, ranges in each site's platform pool, no overlaps,
        the scs-0104 standard image, and scs-0100 names for extra flavors."""
        found: list[Problem] = []
        allocations: list[tuple[tuple[int | str, ...], ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
        for site_key, site_cfg in self.sites.items():
            if site_key not in catalogue.sites:
                found.append(
                    (("sites", site_key), f"unknown site {site_key!r} (catalogue sites: {', '.join(catalogue.sites)})")
                )
                continue
            pool = catalogue.sites[site_key].pools.platform
            for index, net in enumerate(site_cfg.networks):
                loc: tuple[int | str, ...] = ("sites", site_key, "networks", index)
                found += outside((*loc, "ipv4"), net.ipv4, pool.ipv4, f"site {site_key}'s platform pool")
                found += outside((*loc, "ipv6"), net.ipv6, pool.ipv6, f"site {site_key}'s platform pool")
                allocations += [((*loc, "ipv4"), net.ipv4), ((*loc, "ipv6"), net.ipv6)]
            names = [net.name for net in site_cfg.networks]
            for index, name in enumerate(names):
                if name in names[:index]:
                    found.append((("sites", site_key, "networks", index, "name"), f"network name {name!r} repeats"))
        found += overlapping(allocations)
        for site_key in catalogue.sites:
            if site_key not in self.sites:
                found.append((("sites",), f"site {site_key!r} of the federation is missing"))
        standard = [i for i, image in enumerate(self.images) if image.name == "Ubuntu 24.04"]
        if not standard:
            found.append((("images",), "the scs-0104 standard image 'Ubuntu 24.04' is missing"))
        for index in standard:
            source = self.images[index].upstream_source
            if not source.startswith("https://cloud-images.ubuntu.com/noble/"):
                found.append(
                    (
                        ("images", index, "upstreamSource"),
                        "must name its upstream https://cloud-images.ubuntu.com/noble/…",
                    )
                )
        for index, flavor in enumerate(self.extra_flavors):
            try:
                parse_flavor_name(flavor)
            except ValueError as error:
                found.append((("extraFlavors", index), str(error)))
            if flavor in MANDATORY_FLAVORS:
                found.append((("extraFlavors", index), f"{flavor} is already one of the scs-0103 mandatory flavors"))
        return found
