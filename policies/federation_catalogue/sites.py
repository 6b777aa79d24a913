"""Which catalogue site a provider, or a resource through its provider, is on: the one answer.

Read over plain data (a provider's type token and its inputs as a mapping), so the policy pack,
the offline run and the event-log reader all place resources by the same rules. A value the
caller cannot know yet (an output of a resource still to be created) is recognised by the
caller's own `is_unknown` predicate; it never places anything, and it is named in the reasons.

- OpenStack: the provider's `region` and the host of its identity endpoint (`authUrl`) name the
  same EU site; every `endpointOverrides` URL lies under that site's domain.
- Kubernetes: the kubeconfig (a document, JSON or YAML, or already a mapping) selects a context
  (the `context` input, else `current-context`) whose cluster (the `cluster` input, else the
  context's) has the `server` of a site's Kubernetes API, and the context is named after that
  site's region.
- Keycloak: the provider's `url` is the federation identity provider's, on its site.
- A resource-level `region` overrides its provider's and must be served by the same site.

The answer is a `Placement`: the site key, or None with the reasons a person can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import yaml

from federation_catalogue.catalogue import Catalogue, Site

IsUnknown = Callable[[object], bool]

OPENSTACK: Final = "pulumi:providers:openstack"
KUBERNETES: Final = "pulumi:providers:kubernetes"
KEYCLOAK: Final = "pulumi:providers:keycloak"
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Placement:
    """A site key, or None and why not (each reason is one sentence fragment about an input)."""

    site: str | None
    reasons: tuple[str, ...] = ()


def _never(_: object) -> bool:
    return False


def eu_sites(catalogue: Catalogue) -> dict[str, Site]:
    """The sites that may hold anything: those in an EU member state."""
    return {key: site for key, site in catalogue.sites.items() if site.country in catalogue.eu_countries}


def origin(url: object) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of a URL as a client dials it: case-folded, IDNA, trailing dot and
    default port dropped, user-info ignored; None when it is not a URL with a host."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or not parts.scheme:
        return None
    host = host.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    scheme = parts.scheme.lower()
    return scheme, host, None if port == _DEFAULT_PORTS.get(scheme) else port


def site_domain(site: Site) -> str:
    """A site's DNS domain: its identity endpoint's host without the first label."""
    return (site.identity_endpoint.host or "").lower().partition(".")[2]


def site_for_region(catalogue: Catalogue, region: str) -> str | None:
    return next((key for key, site in eu_sites(catalogue).items() if site.region == region), None)


def _site_for_origin(catalogue: Catalogue, url: str, field: str) -> str | None:
    wanted = origin(url)
    for key, site in eu_sites(catalogue).items():
        if wanted is not None and origin(str(getattr(site, field))) == wanted:
            return key
    return None


def _host(url: str) -> str | None:
    found = origin(url)
    return found[1] if found else None


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _openstack(catalogue: Catalogue, inputs: Mapping[str, object], unknown: IsUnknown) -> Placement:
    reasons: list[str] = []
    regions = ", ".join(site.region for site in eu_sites(catalogue).values())
    region, auth_url = inputs.get("region"), inputs.get("authUrl")
    by_region: str | None = None
    if unknown(region):
        reasons.append("the provider's region could not be verified during preview (unknown value)")
    elif (region_text := _text(region)) is None:
        reasons.append("the provider has no region, so it would take one from clouds.yaml or the environment")
    else:
        by_region = site_for_region(catalogue, region_text)
        if by_region is None:
            reasons.append(
                f"the provider's region {region!r} is not a region of an EU site of the catalogue ({regions})"
            )
    by_identity: str | None = None
    if unknown(auth_url):
        reasons.append("the provider's authUrl could not be verified during preview (unknown value)")
    elif (auth_text := _text(auth_url)) is None:
        reasons.append("the provider has no authUrl, so its identity endpoint comes from the environment")
    else:
        host = _host(auth_text)
        by_identity = next(
            (k for k, s in eu_sites(catalogue).items() if host and host == _host(str(s.identity_endpoint))), None
        )
        if by_identity is None:
            reasons.append(f"the provider's authUrl {auth_url!r} is not the identity endpoint of an EU catalogue site")
    if by_region and by_identity and by_region != by_identity:
        reasons.append(
            f"the provider's region {region} (site {by_region}) and its authUrl (site {by_identity}) disagree"
        )
    site = by_region if by_region and by_region == by_identity else None
    overrides = inputs.get("endpointOverrides")
    if unknown(overrides):
        reasons.append("the provider's endpointOverrides could not be verified during preview (unknown value)")
    elif isinstance(overrides, Mapping):
        domain = site_domain(catalogue.sites[site]) if site else None
        for service, url in overrides.items():
            host = _host(url) if isinstance(url, str) else None
            if domain is None or host is None or not host.endswith("." + domain):
                reasons.append(f"endpointOverrides.{service} {url!r} is not an endpoint of the provider's site")
    return Placement(site if not reasons else None, tuple(reasons))


def kubeconfig_document(raw: object) -> Mapping[str, object] | None:
    """A kubeconfig as a mapping, from a mapping or a JSON/YAML document; None if it is neither."""
    if isinstance(raw, Mapping):
        return raw
    if not isinstance(raw, str):
        return None
    try:
        loaded = yaml.safe_load(raw)
    except yaml.YAMLError:
        return None
    return loaded if isinstance(loaded, Mapping) else None


def _named(entries: object, name: str, key: str) -> Mapping[str, object]:
    for entry in entries if isinstance(entries, list | tuple) else ():
        if isinstance(entry, Mapping) and entry.get("name") == name:
            inner = entry.get(key)
            return inner if isinstance(inner, Mapping) else {}
    return {}


def _kubernetes(catalogue: Catalogue, inputs: Mapping[str, object], unknown: IsUnknown) -> Placement:
    raw = inputs.get("kubeconfig")
    if unknown(raw):
        return Placement(None, ("the provider's kubeconfig could not be verified during preview (unknown value)",))
    if _text(raw) is None and not isinstance(raw, Mapping):
        return Placement(None, ("the provider has no kubeconfig, so it would use the ambient ~/.kube/config",))
    config = kubeconfig_document(raw)
    if config is None:
        return Placement(None, ("the provider's kubeconfig is not a kubeconfig document",))
    if unknown(inputs.get("context")) or unknown(inputs.get("cluster")):
        return Placement(None, ("the provider's context or cluster could not be verified during preview",))
    context_name = _text(inputs.get("context")) or _text(config.get("current-context"))
    if context_name is None:
        return Placement(None, ("the provider's kubeconfig selects no context",))
    context = _named(config.get("contexts"), context_name, "context")
    cluster_name = _text(inputs.get("cluster")) or _text(context.get("cluster"))
    if cluster_name is None:
        return Placement(None, (f"the kubeconfig context {context_name!r} names no cluster",))
    server = _text(_named(config.get("clusters"), cluster_name, "cluster").get("server"))
    if server is None:
        return Placement(None, (f"the kubeconfig cluster {cluster_name!r} has no server",))
    site = _site_for_origin(catalogue, server, "kubernetes_api")
    if site is None or urlsplit(server).path.strip("/"):
        return Placement(None, (f"the cluster server {server!r} is not the Kubernetes API of an EU catalogue site",))
    region = catalogue.sites[site].region
    if context_name != region:
        return Placement(
            None, (f"the context {context_name!r} does not name the region {region!r} of its cluster's site",)
        )
    return Placement(site)


def _keycloak(catalogue: Catalogue, inputs: Mapping[str, object], unknown: IsUnknown) -> Placement:
    url = inputs.get("url")
    if unknown(url):
        return Placement(None, ("the provider's url could not be verified during preview (unknown value)",))
    idp = catalogue.identity_provider
    if isinstance(url, str) and origin(url) is not None and origin(url) == origin(str(idp.url)):
        return Placement(idp.site)
    return Placement(None, (f"the provider's url {url!r} is not the federation's identity provider {idp.url}",))


_RESOLVERS: Final = {OPENSTACK: _openstack, KUBERNETES: _kubernetes, KEYCLOAK: _keycloak}


def provider_site(
    catalogue: Catalogue, provider_type: str, inputs: Mapping[str, object], is_unknown: IsUnknown = _never
) -> Placement:
    """The site a provider of `provider_type` configured with `inputs` acts on."""
    resolver = _RESOLVERS.get(provider_type)
    if resolver is None:
        return Placement(None, (f"the provider type {provider_type!r} cannot be placed in a catalogue site",))
    return resolver(catalogue, inputs, is_unknown)


def resource_site(
    catalogue: Catalogue, provider: Placement, inputs: Mapping[str, object], is_unknown: IsUnknown = _never
) -> Placement:
    """The site of a resource whose provider is placed at `provider`: a `region` input overrides it."""
    region = inputs.get("region")
    if is_unknown(region):
        return Placement(None, ("region could not be verified during preview (unknown value)",))
    region_text = _text(region)
    if region_text is None:
        return provider
    site = site_for_region(catalogue, region_text)
    if site is None:
        regions = ", ".join(s.region for s in eu_sites(catalogue).values())
        return Placement(None, (f"region {region!r} is not a region of an EU site of the catalogue ({regions})",))
    if provider.site is not None and provider.site != site:
        return Placement(
            None,
            (
                f"region {region!r} (site {site}) is not served by its provider's identity endpoint "
                f"(site {provider.site})",
            ),
        )
    return Placement(site)
