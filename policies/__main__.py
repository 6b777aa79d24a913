"""The sovereign cloud's policy pack: `pulumi preview --policy-pack policies`.

Self-contained: it imports only pulumi-policy, PyYAML and its own `sovereign_rules` package, and
reads its own copy of the federation catalogue (federation.yaml).
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyPack
from sovereign_rules import policies

PolicyPack(
    name="sovereign-cloud",
    policies=policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="No internet egress, EU-only placement and sovereignty guardrails for the federated cloud.",
    display_name="Sovereign cloud guardrails",
    tags=["sovereignty", "egress", "placement", "openstack", "kubernetes"],
)
