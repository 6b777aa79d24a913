"""SCS flavor names (scs-0100) and the mandatory set (scs-0103), as the standards describe them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.scs import MANDATORY_FLAVORS, parse_flavor_name, volume_type_description


def test_mandatory_set_is_complete_and_parses() -> None:
    assert len(MANDATORY_FLAVORS) == 15
    sizes = {n: (s.vcpus, s.ram_mib, s.disk_gb) for n in MANDATORY_FLAVORS for s in [parse_flavor_name(n)]}
    assert sizes["SCS-1L-1"] == (1, 1024, 0)
    assert sizes["SCS-16V-32"] == (16, 32768, 0)
    assert sizes["SCS-4V-16-100s"] == (4, 16384, 100)


@pytest.mark.parametrize(
    "name", ["m1.small", "SCS-2X-4", "scs-2V-4", "SCS-2V-4-20x", "SCS-02V-4", "SCS-2V-10.5", "SCS-2V", "SCS-V-4"]
)
def test_names_outside_scs_0100_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        parse_flavor_name(name)


@given(
    cpus=st.integers(1, 256),
    cpu_type=st.sampled_from("LVTC"),
    ram=st.integers(1, 1024),
    disk=st.none() | st.integers(1, 4000),
    disk_type=st.sampled_from("nhsp"),
)
def test_every_well_formed_name_parses_to_what_it_says(
    cpus: int, cpu_type: str, ram: int, disk: int | None, disk_type: str
) -> None:
    name = f"SCS-{cpus}{cpu_type}-{ram}" + (f"-{disk}{disk_type}" if disk else "")
    spec = parse_flavor_name(name)
    assert (spec.vcpus, spec.ram_mib, spec.disk_gb) == (cpus, ram * 1024, disk or 0)
    assert spec.extra_specs["scs:name-v2"] == name
    assert spec.extra_specs["scs:name-v1"].count(":") == name.count("-") - 1
    assert ("scs:disk0-type" in spec.extra_specs) == bool(disk)


def test_volume_type_aspects_are_sorted_and_known() -> None:
    assert volume_type_description(("replicated", "encrypted"), "x") == "[scs:encrypted, replicated] x"
    with pytest.raises(ValueError):
        volume_type_description(("fast",), "x")
