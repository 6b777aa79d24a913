"""Pulumi URNs read in one place: `urn:pulumi:STACK::PROJECT::[Parent$...]Type::name`."""

from __future__ import annotations

from dataclasses import dataclass

URN_PREFIX = "urn:pulumi:"


@dataclass(frozen=True)
class Urn:
    """The parts of a URN a report or a producer needs."""

    stack: str
    project: str
    type: str  # the resource's own type token (the last of the parent$child chain)
    name: str


def parse_urn(urn: str) -> Urn:
    """The URN's parts; an empty part for whatever the text does not hold (never raises)."""
    head, _, rest = urn.partition("::")
    stack = head.removeprefix(URN_PREFIX) if head.startswith(URN_PREFIX) else ""
    parts = rest.split("::", 2)
    if len(parts) < 3:
        return Urn(stack=stack, project=parts[0] if rest else "", type="", name="")
    project, qualified_type, name = parts
    return Urn(stack=stack, project=project, type=qualified_type.rsplit("$", 1)[-1], name=name)


def name_from_urn(urn: str) -> str:
    """The resource's logical name (the URN itself when it is not one)."""
    return parse_urn(urn).name or urn


def type_from_urn(urn: str) -> str:
    return parse_urn(urn).type


def stack_from_urn(urn: str) -> str:
    return parse_urn(urn).stack


def without_id(provider_reference: str) -> str:
    """A provider reference (`URN::ID`) as the provider's URN."""
    parts = provider_reference.split("::", 4)
    return provider_reference if len(parts) < 5 else "::".join(parts[:4])
