"""Turn raw registrations into `ResourceRecord`s, as the engine would present them to the analyzer.

Two engine behaviours are reproduced here: a custom resource without an explicit provider goes
through the package's *default* provider (configured from `<package>:*` stack config, so usually
with no region at all; even `pulumi:pulumi:StackReference` reads get one, `pulumi:providers:pulumi`,
served by the engine's builtin provider: `ReadResource` in pulumi/pulumi
`pkg/resource/deploy/source_eval.go`), and each resource is resolved to the catalogue site its
provider points at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from urllib.parse import urlparse

from federation_catalogue import Catalogue

from sovcloud.engine.recording import Registration
from sovcloud.engine.urns import default_provider_urn, urn_name
from sovcloud.engine.urns import provider_urn as provider_of
from sovcloud.results import ResourceRecord

PROVIDER_PREFIX = "pulumi:providers:"


def _provider_site(provider: Registration, catalogue: Catalogue) -> str | None:
    """The catalogue site a provider points at, when its inputs say so unambiguously."""
    inputs = provider.inputs
    package = provider.type.removeprefix(PROVIDER_PREFIX)
    for key, site in catalogue.sites.items():
        if package == "openstack" and inputs.get("region") == site.region:
            return key
        if package == "kubernetes" and site.kubernetes_region in (inputs.get("context"), inputs.get("cluster")):
            return key
        if package == "keycloak" and key == catalogue.identity_provider.site:
            host = urlparse(str(inputs.get("url", ""))).hostname
            if host == urlparse(str(catalogue.identity_provider.url)).hostname:
                return key
    return None


def to_records(
    registrations: Sequence[Registration],
    *,
    stack: str,
    project: str,
    catalogue: Catalogue,
    config: Mapping[str, str],
) -> list[ResourceRecord]:
    """Records for every registration, plus the default providers the engine would have created."""
    by_urn = {r.urn: r for r in registrations}
    provider_sites = {r.urn: _provider_site(r, catalogue) for r in registrations if r.type.startswith(PROVIDER_PREFIX)}
    region_sites = {site.region: key for key, site in catalogue.sites.items()}
    defaults: dict[str, ResourceRecord] = {}
    records: list[ResourceRecord] = []
    for reg in registrations:
        provider_urn: str | None = provider_of(reg.provider_ref) if reg.provider_ref else None
        package = reg.type.split(":", 1)[0]
        is_provider = reg.type.startswith(PROVIDER_PREFIX)
        if reg.custom and not is_provider and provider_urn is None:
            provider_urn = default_provider_urn(stack, project, package, reg.version, reg.plugin_download_url)
            if provider_urn not in defaults:
                prefix = f"{package}:"
                inputs = {k[len(prefix) :]: _decode(v) for k, v in config.items() if k.startswith(prefix)}
                if reg.version:  # the engine adds the requested version to the provider's inputs
                    inputs["version"] = reg.version
                defaults[provider_urn] = ResourceRecord(
                    urn=provider_urn,
                    type=f"{PROVIDER_PREFIX}{package}",
                    name=urn_name(provider_urn),
                    custom=True,
                    inputs=inputs,
                )
        site = provider_sites.get(reg.urn) if is_provider else provider_sites.get(provider_urn or "")
        region = reg.inputs.get("region")
        if isinstance(region, str) and region in region_sites:
            site = region_sites[region]  # a resource-level region overrides the provider's
        records.append(
            ResourceRecord(
                urn=reg.urn,
                type=reg.type,
                name=reg.name,
                custom=reg.custom,
                parent=reg.parent if reg.parent in by_urn else (reg.parent or None),
                provider=provider_urn,
                site=site,
                inputs=reg.inputs,
                protect=reg.protect,
                retain_on_delete=reg.retain_on_delete,
                dependencies=reg.dependencies,
                property_dependencies=reg.property_dependencies,
            )
        )
    return [*defaults.values(), *records]


def _decode(value: str) -> object:
    try:
        return json.loads(value)
    except ValueError:
        return value
