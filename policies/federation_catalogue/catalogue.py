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
    transit: DualStack
    services: dict[str, PlatformService]

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
    transit_subnet: DualStack


class Catalogue(_Frozen):
    """Every fact of the federation the program needs."""

    version: Literal[1]
    eu_countries: frozenset[str]
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
        """Facts that contradict each other: a non-EU site, ranges outside the plan, a dangling site."""
        found: list[tuple[tuple[int | str, ...], str]] = []
        plan = self.address_plan.federation
        eu = sorted(self.eu_countries)
        for key, site in self.sites.items():
            if site.country not in self.eu_countries:
                found.append(
                    (("sites", key, "country"), f"{site.country} is not an EU member state (EU-27: {' '.join(eu)})")
                )
            for name, net in (("ipv4", site.ipv4), ("ipv6", site.ipv6)):
                if not self.in_plan(net):
                    found.append(
                        (("sites", key, name), f"{net} is outside the federation plan {plan.ipv4}/{plan.ipv6}")
                    )
            for pool_name, pool in (("platform", site.pools.platform), ("tenants", site.pools.tenants)):
                for version, net in (("ipv4", pool.ipv4), ("ipv6", pool.ipv6)):
                    if not site.contains(net):
                        found.append((("sites", key, "pools", pool_name, version), f"{net} is outside the site range"))
            transit = self.address_plan.transit_subnet
            for version, net in (("ipv4", site.transit.ipv4), ("ipv6", site.transit.ipv6)):
                if not net.subnet_of(getattr(transit, version)):
                    found.append((("sites", key, "transit", version), f"{net} is outside the transit subnet"))
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
        return found

    def site(self, key: str) -> Site:
        return self.sites[key]

    def partner_site(self, key: str) -> Site:
        """The other site of the two: where a tenant's replica and backups live."""
        others = [s for k, s in self.sites.items() if k != key]
        if len(others) != 1:
            raise ValueError("the federation has exactly two sites")
        return others[0]

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
