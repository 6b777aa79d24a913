"""A third EU site (Germany, `de`) for tests: the catalogue entry and platform networks an operator
would add, and nothing else."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from federation_catalogue import CATALOGUE_FILE, Catalogue

DE_SITE: dict[str, Any] = yaml.safe_load("""
partner: hosting
country: DE
region: eu-de-1
availability_zones: [eu-de-1a, eu-de-1b]
identity_endpoint: https://keystone.eu-de-1.sov.internal:5000/v3
object_storage_endpoint: https://swift.eu-de-1.sov.internal
image_mirror: https://images.eu-de-1.sov.internal
container_registry: registry.eu-de-1.sov.internal
chart_repository: oci://registry.eu-de-1.sov.internal/charts
kubernetes_api: https://k8s.eu-de-1.sov.internal:6443
kubernetes_region: eu-de-1
ipv4: 10.112.0.0/13
ipv6: "fd5e:c10d:a000:3000::/52"
pools:
  platform: {ipv4: 10.112.0.0/15, ipv6: "fd5e:c10d:a000:3000::/56"}
  tenants: {ipv4: 10.116.0.0/14, ipv6: "fd5e:c10d:a000:3800::/53"}
border: {ipv4: 10.127.255.3, ipv6: "fd5e:c10d:a000:ffff::3"}
tenant_links:
  ipv4: [10.127.48.0/20]
  ipv6: ["fd5e:c10d:a000:f000::3:0/112"]
""")

# The same platform services as site be's, at the same hosts of de's platform pool.
DE_SITE["services"] = {
    name: {**service, "ipv4": service["ipv4"].replace("10.96.", "10.112."),
           "ipv6": service["ipv6"].replace(":2000::", ":3000::")}
    for name, service in yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))["sites"]["be"]["services"].items()
}  # fmt: skip

DE_PLATFORM: dict[str, Any] = yaml.safe_load("""
networks:
  - {name: services, ipv4: 10.112.0.0/23, ipv6: "fd5e:c10d:a000:3000::/64"}
  - {name: management, ipv4: 10.112.8.0/22, ipv6: "fd5e:c10d:a000:3008::/64"}
  - {name: kubernetes, ipv4: 10.112.16.0/20, ipv6: "fd5e:c10d:a000:3010::/64"}
quotas: {instances: 40, cores: 160, ramGiB: 640, volumes: 80, gigabytes: 8000}
""")


def add_de_to_catalogue(document: dict[str, Any], **changes: Any) -> None:
    """The catalogue edit: the site (with `changes`, dotted keys) and the operations partner's role there."""
    site = copy.deepcopy(DE_SITE)
    for key, value in changes.items():
        target = site
        *path, last = key.split(".")
        for part in path:
            target = target[part]
        target[last] = value
    document["sites"]["de"] = site
    document["partners"]["operations"]["roles"]["de"] = ["admin"]


def add_de_to_platform(document: dict[str, Any]) -> None:
    """The platform stack edit: the site's platform networks and quotas."""
    document["config"]["sovcloud:platform"]["sites"]["de"] = copy.deepcopy(DE_PLATFORM)


def three_site_catalogue() -> Catalogue:
    document = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    add_de_to_catalogue(document)
    catalogue = Catalogue.model_validate(document)
    assert catalogue.problems() == []
    return catalogue
