"""Config key paths, built and read in one place: `sovcloud:tenant.sites.lu.networks[1].ipv4`.

The config models name keys the same way (`federation_catalogue.errors.dotted`), so a finding from
validation, from a project check or from a report's line lookup all point at the same key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from federation_catalogue.errors import dotted

KeyPath = tuple[str | int, ...]
_KEY_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def config_key(path: Sequence[str | int], project: str = "") -> str:
    """('tenant', 'database', 'password') -> `sovcloud:tenant.database.password`.

    The first part is a config key: without a namespace the engine puts it in the project's.
    """
    if not path:
        return ""
    first, rest = path[0], path[1:]
    if isinstance(first, int):
        return dotted("", path)
    namespaced = first if ":" in first or not project else f"{project}:{first}"
    return dotted(namespaced, rest)


def key_parts(key: str) -> list[str | int]:
    """`sovcloud:platform.sites.lu.networks[1].ipv4` -> ['sovcloud:platform', 'sites', 'lu', 'networks', 1, 'ipv4']."""
    return [int(index) if index else name for index, name in _KEY_PART.findall(key)]
