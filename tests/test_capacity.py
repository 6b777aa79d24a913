"""Capacity: thousands of tenants per site, counted right, allocated to the limit without a clash."""

from __future__ import annotations

import ipaddress
import itertools
import re
from pathlib import Path

import yaml
from federation_catalogue import load_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sovcloud.allocation import PlanExhausted, Taken, allocate, read_taken, reserve
from sovcloud.capacity import SIZE_PREFIXES, default_replica, federation_capacity, site_capacity
from sovcloud.cli import app
from tests.conftest import ROOT

CATALOGUE = load_catalogue()
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def assert_disjoint(networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> None:
    """No two networks overlap (a sorted sweep: thousands of ranges stay fast)."""
    for version in (4, 6):
        spans = sorted((int(n.network_address), int(n.broadcast_address)) for n in networks if n.version == version)
        for (_, high), (low, _) in itertools.pairwise(spans):
            assert high < low


def test_every_site_holds_two_thousand_more_small_tenants_on_paper() -> None:
    capacity = federation_capacity(CATALOGUE, read_taken(ROOT / "stacks"))
    for site in capacity.values():
        assert site.more["small"] >= 2000, site
    assert capacity["lu"].more == {"small": 2045, "medium": 2044, "large": 1022}
    assert capacity["lu"].bound["small"] == "tenants ipv6 (/64s)"
    assert capacity["be"].more == {"small": 2041, "medium": 1020, "large": 510}
    assert capacity["be"].bound["large"] == "tenants ipv4 (/22 blocks)"


def test_a_half_filled_pool_is_reported_half_free() -> None:
    site = CATALOGUE.site("be")
    pool = site.pools.tenants.ipv4
    lower, _ = pool.subnets(prefixlen_diff=1)
    report = site_capacity(site, Taken(networks=[lower]))
    (v4,) = [p for p in report.pools if p.name == "tenants ipv4"]
    assert (v4.used, v4.free, v4.total) == (lower.num_addresses, lower.num_addresses, pool.num_addresses)
    assert report.more == {"small": lower.num_addresses // 256, "medium": lower.num_addresses // 512,
                           "large": lower.num_addresses // 1024}  # fmt: skip


def fill(primary: str, replica: str, sizes: list[str], taken: Taken) -> tuple[int, list[str]]:
    """Allocate tenants cycling through `sizes` until the plan refuses; the count and each size given."""
    links: list[Address] = []
    given_sizes: list[str] = []
    for size in itertools.cycle(sizes):
        try:
            allocations = allocate(CATALOGUE, taken, SIZE_PREFIXES[size], (primary, replica))
        except PlanExhausted:
            break
        reserve(taken, allocations)
        given_sizes.append(size)
        for allocation in allocations.values():
            links += [allocation.transit_ipv4, allocation.transit_ipv6]
    assert_disjoint(taken.networks)  # the fresh ranges and every range the stack files hold
    assert len(set(links)) == len(links)
    return len(given_sizes), given_sizes


def test_small_tenants_fill_the_federation_exactly_to_the_capacity_reported() -> None:
    taken = read_taken(ROOT / "stacks")
    before = federation_capacity(CATALOGUE, taken)
    count, _ = fill("lu", "be", ["small"], taken)
    assert count == min(before["lu"].more["small"], before["be"].more["small"]) >= 2000
    after = federation_capacity(CATALOGUE, taken)
    assert min(after["lu"].more["small"], after["be"].more["small"]) == 0


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.sampled_from(list(SIZE_PREFIXES)), min_size=1, max_size=6), lu_first=st.booleans())
def test_any_mix_of_sizes_allocates_to_the_limit_with_no_overlap_and_no_duplicate_address(
    sizes: list[str], lu_first: bool
) -> None:
    primary, replica = ("lu", "be") if lu_first else ("be", "lu")
    count, _ = fill(primary, replica, sizes, read_taken(ROOT / "stacks"))
    assert count >= 510  # be's /13 holds 512 large tenants; the mix holds at least that


def test_the_default_replica_is_the_other_site_with_the_most_room() -> None:
    taken = read_taken(ROOT / "stacks")
    assert default_replica(CATALOGUE, taken, "lu", "small") == "be"
    assert default_replica(CATALOGUE, taken, "be", "large") == "lu"


def test_the_capacity_command_prints_each_site_and_pool(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(app, ["capacity", "--stacks-dir", str(ROOT / "stacks")])
    assert outcome.exit_code == 0, outcome.output
    for line in ("site lu", "site be", "tenants ipv4", "tenants ipv6", "tenant links ipv4", "tenant links ipv6"):
        assert line in outcome.output
    assert re.search(r"more small tenants +2,045 +bound: tenants ipv6 \(/64s\)", outcome.output)
    assert re.search(r"more large tenants +510 +bound: tenants ipv4 \(/22 blocks\)", outcome.output)


def test_tenant_new_refusing_for_a_full_plan_prints_the_capacity(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    hog = {"config": {"sovcloud:kind": "tenant",
                      "sovcloud:tenant": {"name": "hog", "sites": {"be": {"ipv4": "10.104.0.0/13"}}}}}  # fmt: skip
    (stacks / "Pulumi.tenant-hog.yaml").write_text(yaml.safe_dump(hog), encoding="utf-8")
    outcome = CliRunner().invoke(app, ["tenant", "new", "agency-q", "--stacks-dir", str(stacks)])
    assert outcome.exit_code == 2
    assert "address plan is exhausted" in outcome.stderr
    assert "site be" in outcome.stderr
    assert re.search(r"more small tenants +0 +bound: tenants ipv4 \(/24 blocks\)", outcome.stderr)
