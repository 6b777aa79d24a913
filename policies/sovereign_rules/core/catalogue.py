"""The catalogue a policy runs against: the pack's `federation_catalogue`, with the config's override.

A policy's `catalogue` config property (a partial catalogue of the same shape as federation.yaml,
from `--policy-pack-config`) is deep-merged over the loaded catalogue and validated by the same
pydantic model, once per distinct override. The helpers below are the views the rules share.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any, Final

from federation_catalogue import Catalogue as Catalogue  # re-exported: the type rules are written against
from federation_catalogue import ConfigError, Site, load_catalogue
from federation_catalogue.sites import eu_sites, site_domain
from pydantic import ValidationError

from .addresses import Network


class CatalogueError(ValueError):
    """The catalogue override from the policy pack config is not usable."""


def merge(base: Any, override: Any) -> Any:
    """`override` deep-merged over `base`: mappings merge key by key, anything else replaces."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base.get(key), value)
        return merged
    return override


@cache
def _overridden(override_json: str) -> Catalogue:
    base = load_catalogue().model_dump(mode="json")
    try:
        catalogue = Catalogue.model_validate(merge(base, json.loads(override_json)))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        raise CatalogueError(f"catalogue override {where}: {first['msg']}") from None
    return catalogue


def catalogue_for(config: Mapping[str, Any]) -> Catalogue:
    """The catalogue a policy runs against: the pack's own, with the config's override if any."""
    override = config.get("catalogue") if isinstance(config, Mapping) else None
    if not override:
        try:
            return load_catalogue()
        except ConfigError as error:
            raise CatalogueError(str(error)) from None
    try:
        key = json.dumps(override, sort_keys=True, default=str)
    except (TypeError, ValueError) as error:
        raise CatalogueError(f"catalogue override is not JSON: {error}") from error
    return _overridden(key)


def sites_of(catalogue: Catalogue) -> tuple[Site, ...]:
    """The EU sites, the only ones anything may use."""
    return tuple(eu_sites(catalogue).values())


def plan(catalogue: Catalogue) -> tuple[Network, ...]:
    """The whole-federation ranges: the only destinations that exist."""
    return catalogue.address_plan.federation.networks()


def domains(catalogue: Catalogue) -> tuple[str, ...]:
    """The sites' DNS domains (`eu-lu-1.sov.internal`)."""
    return tuple(site_domain(site) for site in sites_of(catalogue))


def regions(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(site.region for site in sites_of(catalogue))


def kubernetes_regions(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(site.kubernetes_region for site in sites_of(catalogue))


def vendor_identifiers(catalogue: Catalogue) -> tuple[str, ...]:
    """Words that name the technology vendor in identities: `vendor` and its group, if any."""
    vendor = catalogue.partners.get("vendor")
    group = vendor.group if vendor is not None else None
    return ("vendor", group) if group else ("vendor",)


def with_separator(prefix: str) -> str:
    """Allow-list entries end with a separator so a look-alike host cannot match."""
    return prefix if prefix.endswith("/") else prefix + "/"


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
    "description": "A partial federation catalogue (same shape as federation.yaml) deep-merged over the pack's copy.",
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
