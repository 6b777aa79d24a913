"""Allocation of tenant ranges: aligned, inside each site's tenant pool, never overlapping anything taken."""

from __future__ import annotations

import ipaddress
import itertools
from pathlib import Path

import pytest
import yaml
from federation_catalogue import Catalogue, load_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovcloud.allocation import (
    PlanExhausted,
    Taken,
    allocate,
    first_free_block,
    first_free_host,
    read_taken,
    reserve,
)
from tests.conftest import ROOT

CATALOGUE = load_catalogue()


def no_overlaps(networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    return not any(
        a.version == b.version and a.overlaps(b)  # type: ignore[arg-type]
        for a, b in itertools.combinations(networks, 2)
    )


def test_bundled_stacks_are_all_read_as_taken() -> None:
    taken = read_taken(ROOT / "stacks")
    assert {"min-finance", "chu-liege", "bank-bcee"} <= set(taken.tenant_names)
    assert ipaddress.ip_network("10.64.0.0/23") in taken.networks  # a platform network
    assert ipaddress.ip_address("10.127.0.16") in taken.addresses  # a tenant's link address


def test_a_new_tenant_next_to_the_bundled_stacks_overlaps_none_of_them(catalogue: Catalogue) -> None:
    taken = read_taken(ROOT / "stacks")
    before = list(taken.networks)
    allocations = allocate(catalogue, taken, 23, ("be", "lu"))
    assert set(allocations) == {"lu", "be"}
    for key, allocation in allocations.items():
        site = catalogue.site(key)
        assert allocation.ipv4.subnet_of(site.pools.tenants.ipv4) and allocation.ipv6.subnet_of(site.pools.tenants.ipv6)
        assert allocation.ipv4.prefixlen == 23 and allocation.ipv6.prefixlen == 64
        assert not any(allocation.ipv4.overlaps(n) for n in before if n.version == 4)
        assert not any(allocation.ipv6.overlaps(n) for n in before if n.version == 6)
        for address in (allocation.transit_ipv4, allocation.transit_ipv6):
            block = site.tenant_links.block_of(address)
            assert address not in taken.addresses and block is not None
            assert 16 <= int(address) - int(block.network_address) < block.num_addresses - 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.sampled_from([22, 23, 24, 25, 26]), min_size=100, max_size=100))
def test_one_hundred_allocations_never_overlap(sizes: list[int]) -> None:
    taken = read_taken(ROOT / "stacks")
    existing = list(taken.networks)
    fresh: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    transit: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for prefix in sizes:
        allocations = allocate(CATALOGUE, taken, prefix, ("lu", "be"))
        reserve(taken, allocations)
        for key, allocation in allocations.items():
            pool = CATALOGUE.site(key).pools.tenants
            assert allocation.ipv4.subnet_of(pool.ipv4) and allocation.ipv6.subnet_of(pool.ipv6)
            assert int(allocation.ipv4.network_address) % allocation.ipv4.num_addresses == 0  # aligned
            fresh += [allocation.ipv4, allocation.ipv6]
            transit += [allocation.transit_ipv4, allocation.transit_ipv6]
    assert no_overlaps(fresh)
    assert not any(
        new.version == old.version and new.overlaps(old)  # type: ignore[arg-type]
        for new in fresh
        for old in existing
    )
    assert len(set(transit)) == len(transit)


@given(
    taken=st.lists(
        st.integers(min_value=0, max_value=255).map(lambda n: ipaddress.ip_network(f"10.80.{n}.0/24")), max_size=60
    ),
    prefix=st.integers(min_value=20, max_value=28),
)
def test_first_free_block_is_free_aligned_and_the_lowest(taken: list[ipaddress.IPv4Network], prefix: int) -> None:
    pool = ipaddress.ip_network("10.80.0.0/16")
    block = first_free_block(pool, prefix, taken)
    assert block.subnet_of(pool) and block.prefixlen == prefix  # type: ignore[arg-type]
    assert not any(block.overlaps(t) for t in taken)  # type: ignore[arg-type]
    lower = [b for b in pool.subnets(new_prefix=prefix) if int(b.network_address) < int(block.network_address)]
    assert all(any(b.overlaps(t) for t in taken) for b in lower)


def test_an_exhausted_pool_is_refused() -> None:
    pool = ipaddress.ip_network("10.80.0.0/22")
    with pytest.raises(PlanExhausted, match="no free /24"):
        first_free_block(pool, 24, [ipaddress.ip_network(f"10.80.{n}.0/24") for n in range(4)])
    full = Taken(networks=[CATALOGUE.site("be").pools.tenants.ipv4])
    with pytest.raises(PlanExhausted, match="site be"):
        allocate(CATALOGUE, full, 24, ("lu", "be"))


def test_link_addresses_fill_the_first_block_then_the_next_and_then_are_refused() -> None:
    blocks = CATALOGUE.site("lu").tenant_links.ipv4
    assert first_free_host(blocks, set()) == ipaddress.ip_address("10.127.0.16")
    first_full = {blocks[0].network_address + host for host in range(256)}
    assert first_free_host(blocks, first_full) == blocks[1].network_address + 16  # type: ignore[operator]
    every = first_full | {blocks[1].network_address + host for host in range(blocks[1].num_addresses)}
    with pytest.raises(PlanExhausted, match="no free link address"):
        first_free_host(blocks, every)


def test_broken_and_foreign_stack_files_still_count_as_taken(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.tenant-odd.yaml").write_text(
        yaml.safe_dump(
            {
                "config": {
                    "sovcloud:kind": "tenant",
                    "sovcloud:tenant": {"name": "odd", "sites": {"lu": {"ipv4": "10.80.0.0/16"}}, "typo": 1},
                }
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "Pulumi.unreadable.yaml").write_text("config: [unclosed", encoding="utf-8")
    taken = read_taken(tmp_path)
    assert "odd" in taken.tenant_names
    allocation = allocate(CATALOGUE, taken, 24, ("lu", "be"))
    assert not allocation["lu"].ipv4.subnet_of(ipaddress.IPv4Network("10.80.0.0/16"))
