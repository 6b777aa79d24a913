"""Is an address inside the federation's address plan? Parsing that cannot be fooled.

Counted as outside: a missing prefix (matches everything), `0.0.0.0/0` split into two /1s (each
/1 is checked on its own), single public hosts, private ranges wider than the plan
(`10.0.0.0/8`), and IPv4-mapped IPv6 (`::ffff:8.8.8.8`) which is read as the IPv4 it maps.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any, Final, TypeAlias

from .values import Unknown, is_unknown

Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAPPED: Final = ipaddress.IPv6Network("::ffff:0:0/96")


def parse_network(value: Any) -> Network | None:
    """A network from a CIDR or a bare address (host bits tolerated); None if not one."""
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    if not candidate or "%" in candidate:
        return None
    try:
        network: Network = ipaddress.ip_network(candidate, strict=False)
    except ValueError:
        return None
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96 and network.subnet_of(_MAPPED):
        mapped = int(network.network_address) & 0xFFFFFFFF
        return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network


def inside(network: Network, plan: Iterable[Network]) -> bool:
    return any(network.version == p.version and network.subnet_of(p) for p in plan)  # type: ignore[arg-type]


def outside_plan(value: Any, plan: tuple[Network, ...], what: str) -> str | None:
    """None when `value` is a network inside the plan; otherwise the violation message.

    `what` names the field (e.g. "remoteIpPrefix"). Unknown values fail closed.
    """
    if isinstance(value, Unknown) or is_unknown(value):
        return f"{what} could not be verified during preview (unknown value); it must be inside the address plan"
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"{what} is empty, which matches every address; it must be inside the address plan"
    network = parse_network(value)
    if network is None:
        return f"{what} {value!r} is not a valid address or CIDR"
    if not inside(network, plan):
        plan_text = ", ".join(str(p) for p in plan)
        return f"{what} {value} is outside the federation address plan ({plan_text})"
    return None
