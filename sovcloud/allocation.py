"""Allocate a new tenant's ranges and transit addresses without overlapping any existing stack file.

Everything already written in `stacks/` counts as taken, read leniently: every network and every
address anywhere in a stack file's config (the platform's networks, each tenant's ranges and
transit addresses), even in a file that does not validate, because a broken stack still names
ranges someone meant to use. New ranges are the first free, aligned blocks of each site's tenant
pool; transit addresses the first free host (16 and up) of each site's transit pool.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from federation_catalogue import Catalogue

from model.bounded_text import UnreadableFile
from model.config.tenant import FIRST_TENANT_TRANSIT_HOST
from model.safe_yaml import load_yaml_file

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
TENANT_IPV6_PREFIX = 64


class PlanExhausted(ValueError):
    """No free block of the requested size is left in a pool."""


@dataclass
class Taken:
    """What the existing stack files already use."""

    networks: list[Network] = field(default_factory=list)
    addresses: set[Address] = field(default_factory=set)
    tenant_names: dict[str, Path] = field(default_factory=dict)  # tenant name -> its stack file

    def add(self, other: Taken) -> None:
        self.networks += other.networks
        self.addresses |= other.addresses
        self.tenant_names.update(other.tenant_names)


@dataclass(frozen=True)
class SiteAllocation:
    ipv4: ipaddress.IPv4Network
    ipv6: ipaddress.IPv6Network
    transit_ipv4: ipaddress.IPv4Address
    transit_ipv6: ipaddress.IPv6Address

    def as_config(self) -> dict[str, Any]:
        """The `sites.<key>` entry of a tenant stack."""
        return {
            "ipv4": str(self.ipv4),
            "ipv6": str(self.ipv6),
            "transit": {"ipv4": str(self.transit_ipv4), "ipv6": str(self.transit_ipv6)},
        }


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def taken_in_document(document: Any, path: Path) -> Taken:
    """Every network (`a/b`) and address in one stack file's config, and the tenant it defines."""
    taken = Taken()
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        return taken
    for text in _strings(config):
        try:
            if "/" in text:
                taken.networks.append(ipaddress.ip_network(text, strict=False))
            else:
                taken.addresses.add(ipaddress.ip_address(text))
        except ValueError:
            continue
    body = config.get("sovcloud:tenant")
    if isinstance(body, dict) and isinstance(body.get("name"), str):
        taken.tenant_names[body["name"]] = path
    return taken


def read_taken(stacks_dir: Path) -> Taken:
    """What every `Pulumi.*.yaml` in the stacks directory already uses."""
    taken = Taken()
    for path in sorted(stacks_dir.glob("Pulumi.*.yaml")):
        try:
            document = load_yaml_file(path)  # within limits: a pipe or an alias bomb never hangs this
        except UnreadableFile:
            continue  # unreadable: `sovcloud check` reports it; nothing in it can be honoured here
        taken.add(taken_in_document(document, path))
        if path.name.startswith("Pulumi.tenant-"):
            taken.tenant_names.setdefault(path.name.removeprefix("Pulumi.tenant-").removesuffix(".yaml"), path)
    return taken


def first_free_block(pool: Network, prefix: int, taken: Iterable[Network]) -> Network:
    """The lowest block of size `/prefix`, aligned, inside `pool`, overlapping nothing taken."""
    if prefix < pool.prefixlen or prefix > pool.max_prefixlen:
        raise PlanExhausted(f"a /{prefix} does not fit in {pool}")
    size = 1 << (pool.max_prefixlen - prefix)
    spans = sorted(
        (int(net.network_address), int(net.broadcast_address))
        for net in taken
        if net.version == pool.version and net.overlaps(pool)  # type: ignore[arg-type]
    )
    start, end = int(pool.network_address), int(pool.broadcast_address)
    candidate = start
    while candidate + size - 1 <= end:
        blocker = next((high for low, high in spans if low <= candidate + size - 1 and high >= candidate), None)
        if blocker is None:
            return ipaddress.ip_network((candidate, prefix))
        candidate = -(-(blocker + 1) // size) * size  # next aligned block after the blocker
    raise PlanExhausted(f"no free /{prefix} is left in {pool}")


def first_free_host(pools: tuple[Network, ...], taken: set[Address]) -> int:
    """The lowest host number (>= 16, below the last address) free in every pool (IPv4 and IPv6 alike)."""
    last = min(pool.num_addresses for pool in pools) - 1
    for host in range(FIRST_TENANT_TRANSIT_HOST, last):
        if all(pool.network_address + host not in taken for pool in pools):
            return host
    raise PlanExhausted(f"no free transit address is left in {', '.join(str(p) for p in pools)}")


def allocate(catalogue: Catalogue, taken: Taken, ipv4_prefix: int) -> dict[str, SiteAllocation]:
    """A new tenant's ranges and transit addresses on every site; raises PlanExhausted."""
    allocations: dict[str, SiteAllocation] = {}
    for key, site in catalogue.sites.items():
        pool = site.pools.tenants
        ipv4 = first_free_block(pool.ipv4, ipv4_prefix, taken.networks)
        ipv6 = first_free_block(pool.ipv6, TENANT_IPV6_PREFIX, taken.networks)
        host = first_free_host((site.transit.ipv4, site.transit.ipv6), taken.addresses)
        allocations[key] = SiteAllocation(
            ipv4=ipv4,  # type: ignore[arg-type]
            ipv6=ipv6,  # type: ignore[arg-type]
            transit_ipv4=site.transit.ipv4.network_address + host,
            transit_ipv6=site.transit.ipv6.network_address + host,
        )
    return allocations


def reserve(taken: Taken, allocations: dict[str, SiteAllocation]) -> None:
    """Count a fresh allocation as taken (to allocate several tenants in one go)."""
    for allocation in allocations.values():
        taken.networks += [allocation.ipv4, allocation.ipv6]
        taken.addresses |= {allocation.transit_ipv4, allocation.transit_ipv6}
