"""How full each site is, and how many more tenants of each size fit, from what the stack files hold.

A tenant takes, on each of its two sites: one IPv4 block of its size from the site's tenant pool,
one IPv6 /64 from it, and one IPv4 and one IPv6 address on the site's tenant link network. So the
tenants a site can still take, of one size, is the smallest of those four free counts; what bounds
it is named with it. The same numbers serve `sovcloud capacity` and `tenant new` when it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from federation_catalogue import Catalogue, Site

from sovcloud.allocation import TENANT_IPV6_PREFIX, Network, Taken, free_blocks, tenant_hosts

# Tenant sizes by IPv4 prefix (the command's --size choices).
SIZE_PREFIXES: dict[str, int] = {"small": 24, "medium": 23, "large": 22}


@dataclass(frozen=True)
class Pool:
    """One pool of one site: what it is, how much is used and free, in its own unit."""

    name: str  # e.g. "tenants ipv4"
    ranges: tuple[Network, ...]
    unit: str  # "addresses", "/64s", "hosts"
    total: int
    used: int

    @property
    def free(self) -> int:
        return self.total - self.used


@dataclass(frozen=True)
class SiteCapacity:
    site: str
    pools: tuple[Pool, ...]
    more: dict[str, int]  # size -> how many more tenants of that size fit
    bound: dict[str, str]  # size -> the pool that bounds it

    def line(self, size: str) -> str:
        return f"  more {size} tenants{'':<{7 - len(size)}} {self.more[size]:>10,}   bound: {self.bound[size]}"


def _covered(pool: Network, taken: Taken) -> int:
    """Addresses of `pool` covered by taken networks (overlaps counted once)."""
    free = free_blocks(pool, pool.max_prefixlen, taken)
    return pool.num_addresses - free


def site_capacity(site: Site, taken: Taken) -> SiteCapacity:
    """Used, free and the tenants of each size that still fit on one site."""
    tenants = site.pools.tenants
    v4_taken = v6_taken = taken
    v6_total = 1 << (TENANT_IPV6_PREFIX - tenants.ipv6.prefixlen)
    v6_free = free_blocks(tenants.ipv6, TENANT_IPV6_PREFIX, v6_taken)
    links: dict[int, tuple[int, int]] = {}
    for version in (4, 6):
        total = used = 0
        for block in site.tenant_links.blocks(version):
            hosts = tenant_hosts(block)
            total += max(0, hosts.stop - hosts.start)  # a /64 block is too large for len()
            base = int(block.network_address)
            used += sum(1 for a in taken.hosts(version) if a - base in hosts)
        links[version] = (total, used)
    pools = (
        Pool(
            "tenants ipv4", (tenants.ipv4,), "addresses", tenants.ipv4.num_addresses, _covered(tenants.ipv4, v4_taken)
        ),
        Pool("tenants ipv6", (tenants.ipv6,), "/64s", v6_total, v6_total - v6_free),
        Pool("tenant links ipv4", site.tenant_links.ipv4, "hosts", *links[4]),
        Pool("tenant links ipv6", site.tenant_links.ipv6, "hosts", *links[6]),
    )
    more: dict[str, int] = {}
    bound: dict[str, str] = {}
    for size, prefix in SIZE_PREFIXES.items():
        limits = {
            f"tenants ipv4 (/{prefix} blocks)": free_blocks(tenants.ipv4, prefix, v4_taken),
            "tenants ipv6 (/64s)": v6_free,
            "tenant links ipv4": pools[2].free,
            "tenant links ipv6": pools[3].free,
        }
        name = min(limits, key=lambda key: limits[key])
        more[size], bound[size] = limits[name], name
    return SiteCapacity(site.key, pools, more, bound)


def federation_capacity(catalogue: Catalogue, taken: Taken) -> dict[str, SiteCapacity]:
    return {key: site_capacity(site, taken) for key, site in catalogue.sites.items()}


def default_replica(catalogue: Catalogue, taken: Taken, primary: str, size: str) -> str:
    """The replica site `tenant new` picks when none is given: of the other sites, the one with room
    for the most more tenants of this size (the first in catalogue order on a tie)."""
    others = [key for key in catalogue.sites if key != primary]
    if not others:
        raise ValueError("the federation has no other site for a replica")
    room = {key: site_capacity(catalogue.site(key), taken).more[size] for key in others}
    return max(others, key=lambda key: (room[key], -others.index(key)))


def render(capacity: dict[str, SiteCapacity]) -> str:
    """The text `sovcloud capacity` prints (and `tenant new` when it refuses)."""
    lines: list[str] = []
    for site in capacity.values():
        lines.append(f"site {site.site}")
        for pool in site.pools:
            ranges = ", ".join(str(r) for r in pool.ranges)
            lines.append(
                f"  {pool.name:<18} {ranges:<42} used {pool.used:>10,} {pool.unit:<9} "
                f"free {pool.free:>10,} of {pool.total:,}"
            )
        lines += [site.line(size) for size in SIZE_PREFIXES]
    return "\n".join(lines)
