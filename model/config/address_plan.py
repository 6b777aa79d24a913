"""Address-plan rules shared by every kind of stack: inside the right range, no overlaps."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Problem = tuple[tuple[int | str, ...], str]


def outside(loc: tuple[int | str, ...], net: Network, container: Network, what: str) -> list[Problem]:
    """A problem when `net` does not lie wholly inside `container`."""
    if net.version != container.version or not net.subnet_of(container):  # type: ignore[arg-type]
        return [(loc, f"{net} is outside {what} {container}")]
    return []


def overlapping(allocations: Sequence[tuple[tuple[int | str, ...], Network]]) -> list[Problem]:
    """A problem for every allocation that overlaps one listed before it (reported once, at the later key)."""
    problems: list[Problem] = []
    for index, (loc, net) in enumerate(allocations):
        for other_loc, other in allocations[:index]:
            if net.version == other.version and net.overlaps(other):  # type: ignore[arg-type]
                problems.append((loc, f"{net} overlaps {other} at {_render(other_loc)}"))
                break
    return problems


def _render(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
