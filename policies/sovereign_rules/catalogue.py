"""The pack's own copy of the federation catalogue (`federation.yaml` beside this package).

The pack is published and run on its own, so it carries the catalogue rather than importing the
project's loader. It is parsed once; a policy's `catalogue` config property (a partial catalogue
of the same shape, from `--policy-pack-config`) is deep-merged over it, parsed once and cached.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final
from urllib.parse import urlsplit

import yaml
from federation_catalogue import CATALOGUE_FILE

from .addresses import Network, parse_network


class CatalogueError(ValueError):
    """The catalogue (or its override from the policy pack config) is not usable."""


@dataclass(frozen=True)
class Site:
    key: str
    country: str
    region: str
    availability_zones: tuple[str, ...]
    identity_endpoint: str
    object_storage_endpoint: str
    image_mirror: str
    container_registry: str
    chart_repository: str
    kubernetes_api: str
    kubernetes_region: str
    networks: tuple[Network, ...]

    @property
    def domain(self) -> str:
        """The site's DNS domain: its identity host without the first label."""
        host = host_of(self.identity_endpoint) or ""
        return host.partition(".")[2]


@dataclass(frozen=True)
class Catalogue:
    eu_countries: frozenset[str]
    plan: tuple[Network, ...]
    sites: tuple[Site, ...]
    vendor_identifiers: tuple[str, ...]

    @property
    def plan_text(self) -> str:
        return ", ".join(str(n) for n in self.plan)

    def eu_sites(self) -> tuple[Site, ...]:
        return tuple(s for s in self.sites if s.country in self.eu_countries)

    def site_for_region(self, region: str) -> Site | None:
        return next((s for s in self.eu_sites() if s.region == region), None)

    def site_for_identity(self, url: str) -> Site | None:
        host = host_of(url)
        return next((s for s in self.eu_sites() if host and host_of(s.identity_endpoint) == host), None)

    def site_for_kubernetes_api(self, url: str) -> Site | None:
        wanted = url.strip().rstrip("/")
        return next((s for s in self.eu_sites() if s.kubernetes_api.rstrip("/") == wanted), None)

    def regions(self) -> tuple[str, ...]:
        return tuple(s.region for s in self.eu_sites())

    def kubernetes_regions(self) -> tuple[str, ...]:
        return tuple(s.kubernetes_region for s in self.eu_sites())


def host_of(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def with_separator(prefix: str) -> str:
    """Allow-list entries end with a separator so a look-alike host cannot match."""
    return prefix if prefix.endswith("/") else prefix + "/"


def _network(raw: Any, where: str) -> Network:
    network = parse_network(raw) if isinstance(raw, str) else None
    if network is None:
        raise CatalogueError(f"catalogue {where}: {raw!r} is not a CIDR")
    return network


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise CatalogueError(f"catalogue {where}.{key}: expected a non-empty string, got {value!r}")
    return value


def parse(data: Any) -> Catalogue:
    """A `Catalogue` from the YAML structure; raises `CatalogueError` naming the bad key."""
    if not isinstance(data, Mapping):
        raise CatalogueError("catalogue: expected a mapping at the top level")
    plan_raw = (
        data.get("address_plan", {}).get("federation", {}) if isinstance(data.get("address_plan"), Mapping) else {}
    )
    if not isinstance(plan_raw, Mapping) or not plan_raw:
        raise CatalogueError("catalogue address_plan.federation: expected {ipv4, ipv6}")
    plan = tuple(_network(plan_raw[k], f"address_plan.federation.{k}") for k in ("ipv4", "ipv6") if k in plan_raw)
    sites_raw = data.get("sites")
    if not isinstance(sites_raw, Mapping) or not sites_raw:
        raise CatalogueError("catalogue sites: expected a mapping of site key to site")
    sites: list[Site] = []
    for key, raw in sites_raw.items():
        where = f"sites.{key}"
        if not isinstance(raw, Mapping):
            raise CatalogueError(f"catalogue {where}: expected a mapping")
        zones = raw.get("availability_zones", [])
        if not isinstance(zones, list) or not all(isinstance(z, str) for z in zones):
            raise CatalogueError(f"catalogue {where}.availability_zones: expected a list of strings")
        sites.append(
            Site(
                key=str(key),
                country=_text(raw, "country", where).upper(),
                region=_text(raw, "region", where),
                availability_zones=tuple(zones),
                identity_endpoint=_text(raw, "identity_endpoint", where),
                object_storage_endpoint=_text(raw, "object_storage_endpoint", where),
                image_mirror=_text(raw, "image_mirror", where),
                container_registry=_text(raw, "container_registry", where),
                chart_repository=_text(raw, "chart_repository", where),
                kubernetes_api=_text(raw, "kubernetes_api", where),
                kubernetes_region=_text(raw, "kubernetes_region", where),
                networks=tuple(_network(raw.get(k), f"{where}.{k}") for k in ("ipv4", "ipv6") if k in raw),
            )
        )
    countries = data.get("eu_countries")
    if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
        raise CatalogueError("catalogue eu_countries: expected a list of ISO 3166-1 codes")
    vendor = ["vendor"]
    partners = data.get("partners")
    if isinstance(partners, Mapping) and isinstance(partners.get("vendor"), Mapping):
        group = partners["vendor"].get("group")
        if isinstance(group, str) and group:
            vendor.append(group)
    return Catalogue(
        eu_countries=frozenset(c.upper() for c in countries),
        plan=plan,
        sites=tuple(sites),
        vendor_identifiers=tuple(vendor),
    )


def merge(base: Any, override: Any) -> Any:
    """`override` deep-merged over `base`: mappings merge key by key, anything else replaces."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base.get(key), value)
        return merged
    return override


@cache
def _raw_default() -> dict[str, Any]:
    with CATALOGUE_FILE.open(encoding="utf-8") as stream:
        loaded = yaml.safe_load(stream)
    return loaded if isinstance(loaded, dict) else {}


@cache
def default_catalogue() -> Catalogue:
    return parse(_raw_default())


@cache
def _overridden(override_json: str) -> Catalogue:
    return parse(merge(_raw_default(), json.loads(override_json)))


def catalogue_for(config: Mapping[str, Any]) -> Catalogue:
    """The catalogue a policy runs against: the pack's copy, with the config's override if any."""
    override = config.get("catalogue") if isinstance(config, Mapping) else None
    if not override:
        return default_catalogue()
    try:
        key = json.dumps(override, sort_keys=True, default=str)
    except (TypeError, ValueError) as error:
        raise CatalogueError(f"catalogue override is not JSON: {error}") from error
    return _overridden(key)


_SITE_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "region": {"type": "string", "minLength": 1},
        "availability_zones": {"type": "array", "items": {"type": "string"}},
        "identity_endpoint": {"type": "string", "pattern": "^https://"},
        "object_storage_endpoint": {"type": "string", "pattern": "^https://"},
        "image_mirror": {"type": "string", "pattern": "^https://"},
        "container_registry": {"type": "string", "minLength": 1},
        "chart_repository": {"type": "string", "minLength": 1},
        "kubernetes_api": {"type": "string", "pattern": "^https://"},
        "kubernetes_region": {"type": "string", "minLength": 1},
        "ipv4": {"type": "string"},
        "ipv6": {"type": "string"},
    },
}

CATALOGUE_SCHEMA: Final[dict[str, Any]] = {
    "description": ("A partial federation catalogue (same shape as federation.yaml) deep-merged over the pack's copy."),
    "type": "object",
    "properties": {
        "eu_countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        "address_plan": {
            "type": "object",
            "properties": {
                "federation": {
                    "type": "object",
                    "properties": {"ipv4": {"type": "string"}, "ipv6": {"type": "string"}},
                }
            },
        },
        "sites": {"type": "object", "additionalProperties": _SITE_SCHEMA},
        "partners": {"type": "object"},
    },
}


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
