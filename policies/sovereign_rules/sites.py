"""Which catalogue site a provider or resource resolves to, with the reasons when it does not.

OpenStack: the provider's `region` and its identity endpoint (`authUrl`) must name the same EU
site; a resource-level `region` overrides the provider's. Kubernetes: the provider's kubeconfig
(JSON or YAML, possibly a secret) selects a context (`context` input, else `current-context`)
whose cluster `server` is a site's Kubernetes API, and the context is named after that site's
region. A default provider is configured from the environment and resolves to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .catalogue import Catalogue, Site, host_of
from .framework import Provider
from .values import UNKNOWN, Unknown, get, items, mapping, text


@dataclass(frozen=True)
class Resolution:
    site: Site | None
    problems: list[str] = field(default_factory=list)


def _default(provider: Provider) -> Resolution:
    return Resolution(
        None,
        [
            f"the resource uses the default provider {provider.name!r} ({provider.type}), configured from "
            "the environment with no region: use the site's explicit provider"
        ],
    )


def openstack_provider_site(provider: Provider, catalogue: Catalogue) -> Resolution:
    if provider.is_default:
        return _default(provider)
    props = provider.props
    problems: list[str] = []
    region, auth_url = props.get("region"), props.get("authUrl")
    by_region: Site | None = None
    if isinstance(region, Unknown):
        problems.append("the provider's region could not be verified during preview (unknown value)")
    elif text(region) is None:
        problems.append("the provider has no region, so it would take one from clouds.yaml or the environment")
    else:
        by_region = catalogue.site_for_region(str(text(region)))
        if by_region is None:
            problems.append(
                f"the provider's region {region!r} is not a region of an EU site of the catalogue "
                f"({', '.join(catalogue.regions())})"
            )
    by_identity: Site | None = None
    if isinstance(auth_url, Unknown):
        problems.append("the provider's authUrl could not be verified during preview (unknown value)")
    elif text(auth_url) is None:
        problems.append("the provider has no authUrl, so its identity endpoint comes from the environment")
    else:
        by_identity = catalogue.site_for_identity(str(auth_url))
        if by_identity is None:
            problems.append(f"the provider's authUrl {auth_url!r} is not the identity endpoint of an EU catalogue site")
    if by_region and by_identity and by_region.key != by_identity.key:
        problems.append(
            f"the provider's region {by_region.region} (site {by_region.key}) and its authUrl "
            f"(site {by_identity.key}) disagree"
        )
    overrides = mapping(props.get("endpointOverrides"))
    site = by_region if by_region and by_identity and by_region.key == by_identity.key else None
    if isinstance(overrides, Unknown):
        problems.append("the provider's endpointOverrides could not be verified during preview (unknown value)")
    else:
        for service, url in overrides.items():
            host = host_of(url) if isinstance(url, str) else None
            if site is None or host is None or not host.endswith("." + site.domain):
                problems.append(f"endpointOverrides.{service} {url!r} is not an endpoint of the provider's site")
    return Resolution(site if not problems else None, problems)


def _kubeconfig(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        return None
    try:
        loaded = yaml.safe_load(raw)
    except yaml.YAMLError:
        return None
    return loaded if isinstance(loaded, dict) else None


def _named(entries: Any, name: str, key: str) -> dict[str, Any]:
    listed = items(entries)
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and entry.get("name") == name:
            inner = entry.get(key)
            return inner if isinstance(inner, dict) else {}
    return {}


def kubernetes_provider_site(provider: Provider, catalogue: Catalogue) -> Resolution:
    if provider.is_default:
        return _default(provider)
    raw = provider.props.get("kubeconfig")
    if isinstance(raw, Unknown):
        return Resolution(None, ["the provider's kubeconfig could not be verified during preview (unknown value)"])
    if text(raw) is None and not isinstance(raw, dict):
        return Resolution(None, ["the provider has no kubeconfig, so it would use the ambient ~/.kube/config"])
    config = _kubeconfig(raw)
    if config is None:
        return Resolution(None, ["the provider's kubeconfig is not a kubeconfig document"])
    context_input = provider.props.get("context")
    if isinstance(context_input, Unknown) or provider.props.get("cluster") is UNKNOWN:
        return Resolution(None, ["the provider's context or cluster could not be verified during preview"])
    context_name = text(context_input) or text(config.get("current-context"))
    if not isinstance(context_name, str):
        return Resolution(None, ["the provider's kubeconfig selects no context"])
    context = _named(config.get("contexts"), context_name, "context")
    cluster_name = text(provider.props.get("cluster")) or text(context.get("cluster"))
    if not isinstance(cluster_name, str):
        return Resolution(None, [f"the kubeconfig context {context_name!r} names no cluster"])
    server = text(get(_named(config.get("clusters"), cluster_name, "cluster"), "server"))
    if not isinstance(server, str):
        return Resolution(None, [f"the kubeconfig cluster {cluster_name!r} has no server"])
    site = catalogue.site_for_kubernetes_api(server)
    if site is None:
        return Resolution(None, [f"the cluster server {server!r} is not the Kubernetes API of an EU catalogue site"])
    if context_name != site.region:
        return Resolution(
            None, [f"the context {context_name!r} does not name the region {site.region!r} of its cluster's site"]
        )
    return Resolution(site)


def provider_site(provider: Provider, catalogue: Catalogue) -> Resolution:
    if provider.type == "pulumi:providers:openstack":
        return openstack_provider_site(provider, catalogue)
    if provider.type == "pulumi:providers:kubernetes":
        return kubernetes_provider_site(provider, catalogue)
    return Resolution(None, [f"the provider type {provider.type!r} cannot be placed in a catalogue site"])
