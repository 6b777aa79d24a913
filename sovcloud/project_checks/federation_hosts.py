"""Which hosts and addresses are inside the federation, from the catalogue alone.

Every service of the catalogue lives under one DNS zone (`sov.internal`, under the `.internal` TLD
that ICANN reserves for private use, so it never resolves on the internet): a host of that zone, or
an address of the federation's plan, is inside. Anything else is a service outside.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from federation_catalogue import Catalogue


@dataclass(frozen=True)
class FederationHosts:
    hosts: frozenset[str]  # every host the catalogue names
    zone: str  # their common DNS zone ("" when they share none worth trusting)
    object_storage: dict[str, str]  # site key -> object storage host

    def inside(self, host: str, catalogue: Catalogue) -> bool:
        host = host.lower().rstrip(".")
        address = _address(host)
        if address is not None:
            return catalogue.in_plan(ipaddress.ip_network(address))
        if host in self.hosts:
            return True
        return bool(self.zone) and host.endswith(f".{self.zone}")


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _host(reference: str) -> str:
    """The host of a URL (`https://h:5000/v3`, `oci://h/charts`) or of a bare `host[:port]`."""
    if "://" not in reference:
        reference = f"//{reference}"
    return (urlsplit(reference).hostname or "").lower()


def federation_hosts(catalogue: Catalogue) -> FederationHosts:
    hosts: set[str] = {_host(str(catalogue.identity_provider.url))}
    storage: dict[str, str] = {}
    for key, site in catalogue.sites.items():
        storage[key] = _host(str(site.object_storage_endpoint))
        for value in (
            site.identity_endpoint,
            site.object_storage_endpoint,
            site.image_mirror,
            site.container_registry,
            site.chart_repository,
            site.kubernetes_api,
        ):
            hosts.add(_host(str(value)))
    hosts.discard("")
    labels = [h.split(".") for h in hosts]
    common: list[str] = []
    for parts in zip(*(reversed(x) for x in labels), strict=False):
        if len(set(parts)) != 1:
            break
        common.insert(0, parts[0])
    # A zone of one label (`internal`) would take in every private name: trust two labels or more.
    zone = ".".join(common) if len(common) >= 2 else ""
    return FederationHosts(frozenset(hosts), zone, storage)
