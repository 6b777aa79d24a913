"""The sovereign cloud's policy pack: `pulumi preview --policy-pack policies`.

Self-contained: it imports only pulumi-policy, PyYAML, pydantic and its own packages,
`sovereign_rules` (the rules) and `federation_catalogue` (the federation's facts, which it owns).
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
