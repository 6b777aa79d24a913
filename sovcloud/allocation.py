"""Allocate a new tenant's ranges and link addresses without overlapping any existing stack file.

Everything already written in `stacks/` counts as taken, read leniently: every network and every
address anywhere in a stack file's config (the platform's networks, each tenant's ranges and
link addresses), even in a file that does not validate, because a broken stack still names
ranges someone meant to use. New ranges are the first free, aligned blocks of each of the tenant's
two sites' tenant pools; link addresses the first free host (16 and up) of the site's link blocks.
"""

from __future__ import annotations

import bisect
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


Span = tuple[int, int]  # first and last address, as integers


@dataclass
class Taken:
    """What the existing stack files already use.

    The networks are also kept as sorted, merged integer spans per IP version, updated as tenants are
    reserved: first-fit allocation packs the pools, so the spans stay few and thousands of allocations
    in a row stay fast.
    """

    networks: list[Network] = field(default_factory=list)
    addresses: set[Address] = field(default_factory=set)
    tenant_names: dict[str, Path] = field(default_factory=dict)  # tenant name -> its stack file
    _spans: dict[int, list[Span]] = field(default_factory=dict, repr=False, compare=False)
    _counted: int = field(default=-1, repr=False, compare=False)
    _hosts: dict[int, set[int]] = field(default_factory=dict, repr=False, compare=False)
    _hosts_counted: int = field(default=-1, repr=False, compare=False)
    # Per link block, a host number below which every tenant host is taken (addresses only get added).
    floors: dict[Network, int] = field(default_factory=dict, repr=False, compare=False)

    def add(self, other: Taken) -> None:
        self.networks += other.networks
        self.addresses |= other.addresses
        self.tenant_names.update(other.tenant_names)

    def take(self, network: Network) -> None:
        spans = self.spans(network.version)
        self.networks.append(network)
        _insert(spans, (int(network.network_address), int(network.broadcast_address)))
        self._counted = len(self.networks)

    def take_address(self, address: Address) -> None:
        hosts = self.hosts(address.version)
        self.addresses.add(address)
        hosts.add(int(address))
        self._hosts_counted = len(self.addresses)

    def hosts(self, version: int) -> set[int]:
        """The taken addresses of one IP version, as integers."""
        if self._hosts_counted != len(self.addresses):
            self._hosts = {4: set(), 6: set()}
            for address in self.addresses:
                self._hosts[address.version].add(int(address))
            self._hosts_counted = len(self.addresses)
        return self._hosts[version]

    def spans(self, version: int) -> list[Span]:
        """The taken networks of one IP version as sorted, merged spans."""
        if self._counted != len(self.networks):  # networks changed behind our back: recount
            self._spans = {4: [], 6: []}
            for net in self.networks:
                self._spans[net.version].append((int(net.network_address), int(net.broadcast_address)))
            self._spans = {v: _merged(sorted(spans)) for v, spans in self._spans.items()}
            self._counted = len(self.networks)
        return self._spans[version]


def _merged(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for low, high in spans:
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _insert(spans: list[Span], span: Span) -> None:
    """Insert into sorted, merged spans, merging with the neighbours it touches."""
    index = bisect.bisect_left(spans, span)
    start = max(index - 1, 0)
    end = index
    while end < len(spans) and spans[end][0] <= span[1] + 1:
        end += 1
    spans[start:end] = _merged(sorted([*spans[start:end], span]))


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

    def clashes(self, taken: Taken) -> list[str]:
        """What of this allocation another stack file already holds (empty when none)."""
        found = [
            f"{own} overlaps {net}"
            for own in (self.ipv4, self.ipv6)
            for net in taken.networks
            if net.version == own.version and net.overlaps(own)  # type: ignore[arg-type]
        ]
        found += [
            f"{address} is taken" for address in (self.transit_ipv4, self.transit_ipv6) if address in taken.addresses
        ]
        return found


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


def taken_spans(pool: Network, taken: Taken | Iterable[Network]) -> list[Span]:
    """The taken networks overlapping `pool`, as sorted, merged (first, last) integer spans."""
    start, end = int(pool.network_address), int(pool.broadcast_address)
    if isinstance(taken, Taken):
        spans = taken.spans(pool.version)
        first = max(bisect.bisect_left(spans, (start, start)) - 1, 0)
        last = bisect.bisect_right(spans, (end, end))
        return [s for s in spans[first:last] if s[1] >= start and s[0] <= end]
    return _merged(
        sorted(
            (int(net.network_address), int(net.broadcast_address))
            for net in taken
            if net.version == pool.version and net.overlaps(pool)  # type: ignore[arg-type]
        )
    )


def free_gaps(pool: Network, taken: Taken | Iterable[Network]) -> Iterator[Span]:
    """The free (first, last) integer spans of `pool`, lowest first."""
    start, end = int(pool.network_address), int(pool.broadcast_address)
    candidate = start
    for low, high in taken_spans(pool, taken):
        if low > candidate:
            yield (candidate, min(low - 1, end))
        candidate = max(candidate, high + 1)
        if candidate > end:
            return
    if candidate <= end:
        yield (candidate, end)


def first_free_block(pool: Network, prefix: int, taken: Taken | Iterable[Network]) -> Network:
    """The lowest block of size `/prefix`, aligned, inside `pool`, overlapping nothing taken."""
    if prefix < pool.prefixlen or prefix > pool.max_prefixlen:
        raise PlanExhausted(f"a /{prefix} does not fit in {pool}")
    size = 1 << (pool.max_prefixlen - prefix)
    for low, high in free_gaps(pool, taken):
        aligned = -(-low // size) * size
        if aligned + size - 1 <= high:
            return ipaddress.ip_network((aligned, prefix))
    raise PlanExhausted(f"no free /{prefix} is left in {pool}")


def free_blocks(pool: Network, prefix: int, taken: Taken | Iterable[Network]) -> int:
    """How many aligned `/prefix` blocks of `pool` overlap nothing taken."""
    if prefix < pool.prefixlen or prefix > pool.max_prefixlen:
        return 0
    size = 1 << (pool.max_prefixlen - prefix)
    return sum(max(0, (high + 1) // size - -(-low // size)) for low, high in free_gaps(pool, taken))


def tenant_hosts(block: Network) -> range:
    """Host numbers of a link block a tenant router may take: 16 and up, below the last address."""
    return range(FIRST_TENANT_TRANSIT_HOST, block.num_addresses - 1)


def first_free_host(blocks: Iterable[Network], taken: Taken | set[Address]) -> Address:
    """The lowest free tenant host of the first link block that has one."""
    blocks = tuple(blocks)
    for block in blocks:
        hosts = tenant_hosts(block)
        if isinstance(taken, Taken):
            used = taken.hosts(block.version)
            hosts = range(max(hosts.start, taken.floors.get(block, 0)), hosts.stop)
        else:
            used = {int(a) for a in taken if a.version == block.version}
        base = int(block.network_address)
        for host in hosts:
            if base + host not in used:
                if isinstance(taken, Taken):
                    taken.floors[block] = host
                return block.network_address + host
        if isinstance(taken, Taken):
            taken.floors[block] = hosts.stop
    raise PlanExhausted(f"no free link address is left in {', '.join(str(b) for b in blocks)}")


def allocate(catalogue: Catalogue, taken: Taken, ipv4_prefix: int, sites: Iterable[str]) -> dict[str, SiteAllocation]:
    """A new tenant's ranges and link addresses on each of `sites`; raises PlanExhausted."""
    allocations: dict[str, SiteAllocation] = {}
    for key in sites:
        site = catalogue.site(key)
        pool = site.pools.tenants
        try:
            ipv4 = first_free_block(pool.ipv4, ipv4_prefix, taken)
            ipv6 = first_free_block(pool.ipv6, TENANT_IPV6_PREFIX, taken)
            link4 = first_free_host(site.tenant_links.ipv4, taken)
            link6 = first_free_host(site.tenant_links.ipv6, taken)
        except PlanExhausted as error:
            raise PlanExhausted(f"site {key}: {error}") from None
        allocations[key] = SiteAllocation(
            ipv4=ipv4,  # type: ignore[arg-type]
            ipv6=ipv6,  # type: ignore[arg-type]
            transit_ipv4=link4,  # type: ignore[arg-type]
            transit_ipv6=link6,  # type: ignore[arg-type]
        )
    return allocations


def reserve(taken: Taken, allocations: dict[str, SiteAllocation]) -> None:
    """Count a fresh allocation as taken (to allocate several tenants in one go)."""
    for allocation in allocations.values():
        taken.take(allocation.ipv4)
        taken.take(allocation.ipv6)
        taken.take_address(allocation.transit_ipv4)
        taken.take_address(allocation.transit_ipv6)
