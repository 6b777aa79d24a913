"""The sovereign cloud's CrossGuard rules, one module per concern; `policies()` builds them all."""

from __future__ import annotations

from pulumi_policy import Policy

from . import (
    access,
    exposure,
    guardrails,
    images,
    interconnect,
    kubernetes,
    kubernetes_supply_chain,
    placement,
    routing,
    security_groups,
    types_reviewed,
    values_in_federation,
)
from .core.framework import Rule, StackRule

MODULES = (
    security_groups,
    routing,
    exposure,
    interconnect,
    images,
    kubernetes,
    kubernetes_supply_chain,
    placement,
    guardrails,
    access,
    values_in_federation,
    types_reviewed,
)


def rules() -> list[Rule | StackRule]:
    return [rule for module in MODULES for rule in module.RULES]


def policies() -> list[Policy]:
    return [rule.policy() for rule in rules()]
