"""Plain, total views of resource properties: no proxy, no exception, unknowns made explicit.

pulumi-policy hands policies read-only `Mapping`/`Sequence` proxies that raise `UnknownValueError`
when an unknown value is touched, and then reports the policy as *advisory*. A mandatory check
must fail closed instead, so every check first copies the properties into plain dicts and lists
with unknown values replaced by the `UNKNOWN` marker, and reads them only through the total
accessors below (they never raise, whatever the shape of the data).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)
from pulumi_policy.secret import Secret

SENTINELS: Final = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)
_MAX_DEPTH: Final = 64


class Unknown:
    """A value the engine cannot know during preview (e.g. the ID of a resource to be created)."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = Unknown()


def is_unknown(value: object) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in SENTINELS)


def plain(value: Any, depth: int = 0) -> Any:
    """A deep copy of `value` as dict/list/scalars, unknown sentinels replaced by `UNKNOWN`."""
    if depth > _MAX_DEPTH:
        return UNKNOWN
    if isinstance(value, Secret):
        return plain(value.value, depth + 1)
    if isinstance(value, str):
        return UNKNOWN if value in SENTINELS else value
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        try:
            keys = list(value)
        except Exception:  # a broken proxy: nothing we can read
            return UNKNOWN
        for key in keys:
            try:
                item = value[key]
            except UnknownValueError:
                item = UNKNOWN
            except Exception:
                continue
            result[str(key)] = plain(item, depth + 1)
        return result
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        items: list[Any] = []
        try:
            length = len(value)
        except Exception:
            return UNKNOWN
        for index in range(length):
            try:
                item = value[index]
            except UnknownValueError:
                item = UNKNOWN
            except Exception:
                continue
            items.append(plain(item, depth + 1))
        return items
    return value


def get(obj: Any, *path: str | int) -> Any:
    """The value at `path`, `None` when any step is missing or of the wrong kind, `UNKNOWN` if unknown."""
    current = obj
    for step in path:
        if current is UNKNOWN:
            return UNKNOWN
        if isinstance(step, str) and isinstance(current, dict):
            current = current.get(step)
        elif isinstance(step, int) and isinstance(current, list) and -len(current) <= step < len(current):
            current = current[step]
        else:
            return None
    return current


def text(value: Any) -> str | Unknown | None:
    """A non-empty string, `UNKNOWN`, or `None` (missing, empty or not a string)."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def items(value: Any) -> list[Any] | Unknown:
    """A list (missing or wrongly typed values count as empty), or `UNKNOWN`."""
    if isinstance(value, Unknown):
        return UNKNOWN
    return value if isinstance(value, list) else []


def mapping(value: Any) -> dict[str, Any] | Unknown:
    """A dict (missing or wrongly typed values count as empty), or `UNKNOWN`."""
    if isinstance(value, Unknown):
        return UNKNOWN
    return value if isinstance(value, dict) else {}


def flag(value: Any) -> bool | Unknown | None:
    """A boolean read leniently (`"true"`, `"False"`, 1.0 as they arrive in value specs), or None."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
    return None


def walk(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every mapping inside `value` (depth first) with its path, however deeply nested."""
    stack: list[tuple[tuple[str, ...], Any]] = [(path, value)]
    while stack:
        where, current = stack.pop()
        if isinstance(current, dict):
            yield where, current
            for key, child in current.items():
                if isinstance(child, dict | list):
                    stack.append(((*where, key), child))
        elif isinstance(current, list):
            for index, child in enumerate(current):
                if isinstance(child, dict | list):
                    stack.append(((*where, str(index)), child))


def dotted(path: tuple[str, ...]) -> str:
    return ".".join(path) if path else "(root)"


def value_specs(props: dict[str, Any]) -> dict[str, Any]:
    """An OpenStack resource's raw `valueSpecs` (extra API fields), empty when missing or unknown."""
    specs = mapping(props.get("valueSpecs"))
    return specs if isinstance(specs, dict) else {}
