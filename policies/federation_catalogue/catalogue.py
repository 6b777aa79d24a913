"""The federation catalogue (`federation.yaml` beside this module) as typed, validated objects.

The one loader of the federation's facts: the program, the components, the `sovcloud` command and
the policy pack all read them from here. The package lives inside the pack because a published
pack must stand alone; the project installs it from there (pyproject `package-dir`).
"""

from __future__ import annotations

import ipaddress
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from federation_catalogue.errors import ConfigError, dotted, from_validation_error

CATALOGUE_FILE = Path(__file__).with_name("federation.yaml")
# Where the catalogue sits in a policy pack, and in a checkout of the project (the pack owns it).
PACK_CATALOGUE = Path("federation_catalogue/federation.yaml")
PROJECT_CATALOGUE = "policies" / PACK_CATALOGUE

IPv4Net = ipaddress.IPv4Network
IPv6Net = ipaddress.IPv6Network


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DualStack(_Frozen):
    """A pair of ranges, one per IP version."""

    ipv4: IPv4Net
    ipv6: IPv6Net

    def networks(self) -> tuple[IPv4Net, IPv6Net]:
        return (self.ipv4, self.ipv6)


class ServicePort(_Frozen):
    protocol: Literal["tcp", "udp"]
    port: int = Field(ge=1, le=65535)


class PlatformService(DualStack):
    """A platform service tenants may reach (DNS, NTP, registry...), by address and ports."""

    ports: tuple[ServicePort, ...]


class SitePools(_Frozen):
    platform: DualStack
    tenants: DualStack


class DualStackAddress(_Frozen):
    """One host, by IP version."""

    ipv4: ipaddress.IPv4Address
    ipv6: ipaddress.IPv6Address


# Hosts 1..15 of every tenant link block belong to the platform (host 1: the border router).
PLATFORM_LINK_HOSTS = 15
BORDER_LINK_HOST = 1


class TenantLinks(_Frozen):
    """The blocks of a site's tenant link network, one subnet each, by IP version."""

    ipv4: tuple[IPv4Net, ...] = Field(min_length=1)
    ipv6: tuple[IPv6Net, ...] = Field(min_length=1)

    def blocks(self, version: int) -> tuple[IPv4Net, ...] | tuple[IPv6Net, ...]:
        return self.ipv4 if version == 4 else self.ipv6

    def all_blocks(self) -> tuple[IPv4Net | IPv6Net, ...]:
        return (*self.ipv4, *self.ipv6)

    def block_of(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> IPv4Net | IPv6Net | None:
        """The block holding `address`, if any."""
        return next((b for b in self.blocks(address.version) if address in b), None)

    def border_address(
        self, address: ipaddress.IPv4Address | ipaddress.IPv6Address
    ) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        """The border router's address in the block holding `address`: a tenant router's on-link next hop."""
        block = self.block_of(address)
        if block is None:
            raise ValueError(f"{address} is in no tenant link block")
        return block.network_address + BORDER_LINK_HOST


class Site(_Frozen):
    """One partner site: where it is, how to reach its APIs, and its share of the address plan."""

    key: str = ""
    partner: Literal["hosting", "operations"]
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: str
    availability_zones: tuple[str, ...]
    identity_endpoint: HttpUrl
    object_storage_endpoint: HttpUrl
    image_mirror: HttpUrl
    container_registry: str
    chart_repository: str
    kubernetes_api: HttpUrl
    kubernetes_region: str
    ipv4: IPv4Net
    ipv6: IPv6Net
    pools: SitePools
    border: DualStackAddress
    tenant_links: TenantLinks
    services: dict[str, PlatformService]

    @property
    def endpoint_hosts(self) -> dict[str, str]:
        """Every endpoint's host name, by catalogue key (registries are given without a scheme)."""
        hosts: dict[str, str] = {}
        for name in ("identity_endpoint", "object_storage_endpoint", "image_mirror", "kubernetes_api"):
            hosts[name] = str(getattr(self, name).host or "")
        hosts["container_registry"] = self.container_registry.split("/", 1)[0].split(":", 1)[0]
        hosts["chart_repository"] = self.chart_repository.removeprefix("oci://").split("/", 1)[0].split(":", 1)[0]
        return hosts

    @property
    def ranges(self) -> tuple[IPv4Net, IPv6Net]:
        return (self.ipv4, self.ipv6)

    def contains(self, network: IPv4Net | IPv6Net) -> bool:
        """True when the whole network lies inside this site's range of its IP version."""
        own = self.ipv4 if network.version == 4 else self.ipv6
        return network.subnet_of(own)  # type: ignore[arg-type]


class Partner(_Frozen):
    description: str
    group: str | None
    roles: dict[str, tuple[str, ...]]
    tenant_project_roles: tuple[str, ...]


class IdentityProvider(_Frozen):
    site: str
    url: HttpUrl
    realm: str


class StateBackend(_Frozen):
    site: str
    replica_site: str
    bucket: str


class AddressPlan(_Frozen):
    federation: DualStack
    interconnect: DualStack
    backbone: DualStack


class Catalogue(_Frozen):
    """Every fact of the federation the program needs."""

    version: Literal[1]
    eu_countries: frozenset[str]
    internal_domain: str = Field(pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
    address_plan: AddressPlan
    sites: dict[str, Site]
    partners: dict[Literal["hosting", "operations", "vendor"], Partner]
    tenant_roles: tuple[str, ...]
    identity_provider: IdentityProvider
    state_backend: StateBackend

    @field_validator("sites", mode="before")
    @classmethod
    def _name_sites(cls, sites: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
        return {key: {**value, "key": key} for key, value in sites.items()}

    def problems(self) -> list[tuple[tuple[int | str, ...], str]]:
        """Facts that contradict each other, each at the key that breaks: see `site_problems`."""
        found: list[tuple[tuple[int | str, ...], str]] = []
        plan = self.address_plan
        for version in ("ipv4", "ipv6"):
            for name in ("interconnect", "backbone"):
                net = getattr(getattr(plan, name), version)
                if not self.in_plan(net):
                    found.append((("address_plan", name, version), f"{net} is outside the federation plan"))
            backbone, interconnect = getattr(plan.backbone, version), getattr(plan.interconnect, version)
            if not backbone.subnet_of(interconnect):
                found.append((("address_plan", "backbone", version), f"{backbone} is outside the interconnect"))
        if len(self.sites) < 2:
            found.append((("sites",), "a federation has at least two sites: a tenant's replica lives on another one"))
        for key in self.sites:
            found += self.site_problems(key)
        vendor = self.partners.get("vendor")
        if vendor is not None and (vendor.group or vendor.roles or vendor.tenant_project_roles):
            found.append((("partners", "vendor"), "the technology vendor has no group and no role anywhere"))
        for partner_key, partner in self.partners.items():
            for site_key in partner.roles:
                if site_key not in self.sites:
                    found.append((("partners", partner_key, "roles", site_key), f"unknown site {site_key!r}"))
        for loc, ref in (
            (("identity_provider", "site"), self.identity_provider.site),
            (("state_backend", "site"), self.state_backend.site),
            (("state_backend", "replica_site"), self.state_backend.replica_site),
        ):
            if ref not in self.sites:
                found.append((loc, f"unknown site {ref!r}"))
        if not self.under_internal_domain(str(self.identity_provider.url.host or "")):
            found.append((("identity_provider", "url"), f"the host is not under {self.internal_domain}"))
        return found

    def site_problems(self, key: str) -> list[tuple[tuple[int | str, ...], str]]:
        """One site against the facts and against every other site: an EU country, a region (and
        zones) of its own, endpoints under the internal domain, ranges inside the plan and disjoint
        from every other site's, pools inside its range, and transit addresses of its own."""
        site = self.sites[key]
        # Compared with the sites listed before it, so a clash is reported once, at the later site.
        keys = list(self.sites)
        others = {k: self.sites[k] for k in keys[: keys.index(key)]}
        loc = ("sites", key)
        found: list[tuple[tuple[int | str, ...], str]] = []
        if site.country not in self.eu_countries:
            eu = " ".join(sorted(self.eu_countries))
            found.append(((*loc, "country"), f"{site.country} is not an EU member state (EU-27: {eu})"))
        for field in ("region", "kubernetes_region"):
            owner = next((k for k, s in others.items() if getattr(s, field) == getattr(site, field)), None)
            if owner is not None:
                found.append(((*loc, field), f"{getattr(site, field)} is already site {owner}'s {field}"))
        for index, zone in enumerate(site.availability_zones):
            owner = next((k for k, s in others.items() if zone in s.availability_zones), None)
            if owner is not None:
                found.append(((*loc, "availability_zones", index), f"{zone} is already a zone of site {owner}"))
        for name, host in site.endpoint_hosts.items():
            if not self.under_internal_domain(host):
                found.append(((*loc, name), f"{host or 'the endpoint'} is not a host under {self.internal_domain}"))
        for version, net in (("ipv4", site.ipv4), ("ipv6", site.ipv6)):
            plan = getattr(self.address_plan.federation, version)
            if not self.in_plan(net):
                found.append(((*loc, version), f"{net} is outside the federation plan {plan}"))
            interconnect = getattr(self.address_plan.interconnect, version)
            if net.overlaps(interconnect):
                found.append(((*loc, version), f"{net} overlaps the interconnect {interconnect}"))
            for other_key, other in others.items():
                if net.overlaps(getattr(other, version)):
                    found.append(((*loc, version), f"{net} overlaps site {other_key}'s {getattr(other, version)}"))
        pools = (("platform", site.pools.platform), ("tenants", site.pools.tenants))
        for pool_name, pool in pools:
            for version, net in (("ipv4", pool.ipv4), ("ipv6", pool.ipv6)):
                if not site.contains(net):
                    found.append(((*loc, "pools", pool_name, version), f"{net} is outside the site range"))
        for version, a, b in (
            ("ipv4", site.pools.platform.ipv4, site.pools.tenants.ipv4),
            ("ipv6", site.pools.platform.ipv6, site.pools.tenants.ipv6),
        ):
            if a.overlaps(b):  # type: ignore[arg-type]
                found.append(((*loc, "pools", "tenants", version), f"{b} overlaps the platform pool {a}"))
        for name, service in site.services.items():
            for version, net in (("ipv4", service.ipv4), ("ipv6", service.ipv6)):
                if not net.subnet_of(getattr(site.pools.platform, version)):
                    found.append(((*loc, "services", name, version), f"{net} is outside the platform pool"))
        found += self._transit_problems(key, site, others)
        return found

    def _transit_problems(
        self, key: str, site: Site, others: dict[str, Site]
    ) -> list[tuple[tuple[int | str, ...], str]]:
        loc = ("sites", key)
        found: list[tuple[tuple[int | str, ...], str]] = []
        plan = self.address_plan
        for version, address in (("ipv4", site.border.ipv4), ("ipv6", site.border.ipv6)):
            backbone = getattr(plan.backbone, version)
            if address not in backbone or address in (backbone.network_address, backbone[-1]):
                found.append(((*loc, "border", version), f"{address} is not a host of the backbone {backbone}"))
            owner = next((k for k, s in others.items() if getattr(s.border, version) == address), None)
            if owner is not None:
                found.append(((*loc, "border", version), f"{address} is already site {owner}'s border address"))
        seen: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for version in ("ipv4", "ipv6"):
            interconnect, backbone = getattr(plan.interconnect, version), getattr(plan.backbone, version)
            for index, block in enumerate(getattr(site.tenant_links, version)):
                where = (*loc, "tenant_links", version, index)
                if not block.subnet_of(interconnect):
                    found.append((where, f"{block} is outside the interconnect {interconnect}"))
                elif block.overlaps(backbone):
                    found.append((where, f"{block} overlaps the backbone {backbone}"))
                if block.num_addresses <= PLATFORM_LINK_HOSTS + 2:
                    found.append((where, f"{block} is too small: hosts 1..{PLATFORM_LINK_HOSTS} are the platform's"))
                if any(block.overlaps(other) for other in seen):  # type: ignore[arg-type]
                    found.append((where, f"{block} overlaps another block of this site"))
                seen.append(block)
                for other_key, other in others.items():
                    if any(block.overlaps(b) for b in getattr(other.tenant_links, version)):  # type: ignore[arg-type]
                        found.append((where, f"{block} overlaps a tenant link block of site {other_key}"))
        return found

    def under_internal_domain(self, host: str) -> bool:
        return host.lower().endswith("." + self.internal_domain)

    def site(self, key: str) -> Site:
        return self.sites[key]

    def other_sites(self, key: str) -> list[Site]:
        """Every site but `key`, in catalogue order: where a site's border router routes to."""
        return [s for k, s in self.sites.items() if k != key]

    def in_plan(self, network: IPv4Net | IPv6Net) -> bool:
        plan = self.address_plan.federation
        return network.subnet_of(plan.ipv4 if network.version == 4 else plan.ipv6)  # type: ignore[arg-type]


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Load and validate the catalogue once per process; errors name the file and key."""

    shown = _shown(path)
    with path.open(encoding="utf-8") as stream:
        raw = yaml.safe_load(stream)
    try:
        catalogue = Catalogue.model_validate(raw)
    except ValidationError as error:
        raise from_validation_error(shown, "", error) from None
    problems = catalogue.problems()
    if problems:
        raise ConfigError(shown, [(dotted("", loc).lstrip("."), message) for loc, message in problems])
    return catalogue


def _shown(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def pack_catalogue(pack_dir: Path) -> Catalogue:
    """The catalogue a policy pack directory carries (the pack owns the federation's facts)."""
    return load_catalogue(pack_dir / PACK_CATALOGUE)


def project_catalogue(project_root: Path) -> Catalogue:
    """The catalogue of the project checked out at `project_root` (which may not be this one)."""
    return load_catalogue(project_root / PROJECT_CATALOGUE)
