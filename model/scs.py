"""Sovereign Cloud Stack standards that a declared catalogue must follow (scs-0100, scs-0103, scs-0114).

Pure functions and data: the config validates flavor names with them, the site component creates
its flavors and volume types from them, and the tests check the results against the standards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CPU_TYPES = {"V": "shared-core", "L": "crowded-core", "T": "dedicated-thread", "C": "dedicated-core"}
DISK_TYPES = {"n": "network", "h": "hdd", "s": "ssd", "p": "nvme"}

_NAME = re.compile(
    r"^SCS-(?P<cpus>[1-9][0-9]*)(?P<cpu_type>[LVTC])(?P<insecure>i)?"
    r"-(?P<ram>[1-9][0-9]*(?:\.5)?|0\.5)(?P<no_ecc>u)?(?P<oversubscribed>o)?"
    r"(?:-(?:(?P<disk_count>[1-9][0-9]*)x)?(?P<disk>[1-9][0-9]*)(?P<disk_type>[nhsp])?)?"
    r"(?P<extensions>_[A-Za-z0-9_.-]+)?$"
)

# scs-0103: the mandatory standard flavors.
MANDATORY_FLAVORS: tuple[str, ...] = (
    "SCS-1V-4", "SCS-2V-8", "SCS-4V-16", "SCS-8V-32",
    "SCS-1V-2", "SCS-2V-4", "SCS-4V-8", "SCS-8V-16", "SCS-16V-32",
    "SCS-1V-8", "SCS-2V-16", "SCS-4V-32",
    "SCS-1L-1",
    "SCS-2V-4-20s", "SCS-4V-16-100s",
)  # fmt: skip


@dataclass(frozen=True)
class FlavorSpec:
    """What an SCS flavor name promises, and the extra specs that describe it."""

    name: str
    vcpus: int
    cpu_type: str
    ram_mib: int
    disk_gb: int
    disk_type: str | None

    @property
    def extra_specs(self) -> dict[str, str]:
        head, _, rest = self.name.partition("-")
        specs = {
            "scs:name-v1": f"{head}-{rest.replace('-', ':')}",
            "scs:name-v2": self.name,
            "scs:cpu-type": self.cpu_type,
        }
        if self.disk_type:
            specs["scs:disk0-type"] = self.disk_type
        return specs


def parse_flavor_name(name: str) -> FlavorSpec:
    """Parse an scs-0100 name; a ValueError explains what is wrong."""
    match = _NAME.match(name)
    if not match:
        raise ValueError(
            f"{name!r} is not an SCS flavor name (scs-0100: SCS-<n><L|V|T|C>[i]-<ram>[u][o][-<disk>[n|h|s|p]])"
        )
    ram = float(match["ram"])
    if ram >= 10 and not ram.is_integer():
        raise ValueError(f"{name!r}: half GiB steps are only allowed below 10 GiB (scs-0100)")
    disk = int(match["disk"]) if match["disk"] else 0
    disk_type = DISK_TYPES[match["disk_type"]] if match["disk_type"] else None
    return FlavorSpec(
        name=name,
        vcpus=int(match["cpus"]),
        cpu_type=CPU_TYPES[match["cpu_type"]],
        ram_mib=int(ram * 1024),
        disk_gb=disk,
        disk_type=disk_type,
    )


# scs-0114: volume types carry their aspects at the start of the description.
VOLUME_ASPECTS = ("encrypted", "replicated")


def volume_type_description(aspects: tuple[str, ...], text: str) -> str:
    """`[scs:encrypted, replicated] text`: aspects sorted, not repeated, from the known set."""
    unknown = set(aspects) - set(VOLUME_ASPECTS)
    if unknown:
        raise ValueError(f"unknown scs-0114 aspects: {sorted(unknown)}")
    ordered = sorted(set(aspects))
    return f"[scs:{', '.join(ordered)}] {text}" if ordered else text
