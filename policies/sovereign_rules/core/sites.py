"""The pack's side of site placement: `federation_catalogue.sites` over the pack's plain resources.

The resolver itself is the catalogue's (one answer for the pack, the offline run and the event-log
reader); this module adds what only a policy knows: a default provider (configured from the
environment, whatever its inputs) places nothing, and the wording of the reasons.
"""

from __future__ import annotations

from typing import Any

from federation_catalogue import Catalogue
from federation_catalogue import Site as Site  # re-exported for the families
from federation_catalogue import sites as resolver
from federation_catalogue.sites import Placement

from .framework import Provider, Resource
from .values import is_unknown


def kubeconfig(raw: Any) -> dict[str, Any] | None:
    """A provider's kubeconfig input (a mapping or a JSON/YAML document) as a dict, None if not one."""
    document = resolver.kubeconfig_document(raw)
    return document if isinstance(document, dict) else None


def _default(provider: Provider) -> Placement:
    return Placement(
        None,
        (
            f"the resource uses the default provider {provider.name!r} ({provider.type}), configured from "
            "the environment with no region: use the site's explicit provider",
        ),
    )


def provider_placement(provider: Provider, catalogue: Catalogue) -> Placement:
    """Where an explicit provider acts; a default provider resolves to nothing."""
    if provider.is_default:
        return _default(provider)
    return resolver.provider_site(catalogue, provider.type, provider.props, is_unknown)


def resource_placement(r: Resource) -> tuple[Site | None, list[str]]:
    """The site a custom resource lands in, or the reasons it resolves to none (none for no provider)."""
    provider = r.provider
    if provider is None:
        return None, []
    placed = provider_placement(provider, r.catalogue)
    if provider.is_default:
        return None, list(placed.reasons)
    if r.type.startswith("kubernetes:"):
        if placed.site is None:
            return None, [f"its provider {provider.name!r} does not resolve to an EU catalogue site"]
        return r.catalogue.sites[placed.site], []
    site = resolver.resource_site(r.catalogue, placed, r.props, is_unknown)
    if site is placed and placed.site is None:  # no region of its own: its provider's, which is none
        return None, [f"its provider {provider.name!r} does not resolve to an EU catalogue site"]
    if site.site is None:
        return None, list(site.reasons)
    return r.catalogue.sites[site.site], []
