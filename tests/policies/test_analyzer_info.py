"""GetAnalyzerInfo describes every policy completely; egress and placement policies are tagged and mandatory."""

from __future__ import annotations

import re

from sovcloud.analyzer import PolicyPackSession
from sovcloud.results import Level

FRAMEWORKS = {"SecNumCloud", "BSI C5", "EUCS", "SCS"}


def test_every_policy_is_fully_described(pack_session: PolicyPackSession) -> None:
    assert pack_session.pack_name == "sovereign-cloud"
    assert pack_session.pack_version == "1.0.0"  # from PulumiPolicy.yaml, as the CLI does (the SDK says 0.0.1)
    names = [p.name for p in pack_session.policies]
    assert len(names) == len(set(names)) >= 30
    for policy in pack_session.policies:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", policy.name), policy.name
        assert policy.description and policy.remediation_steps, policy.name
        assert policy.severity in {"low", "medium", "high", "critical"}, policy.name
        assert policy.tags, policy.name
        assert policy.framework is not None and policy.framework.name in FRAMEWORKS, policy.name
        assert policy.framework.reference and policy.framework.specification, policy.name


def test_egress_and_placement_policies_are_tagged_and_mandatory(pack_session: PolicyPackSession) -> None:
    by_name = {p.name: p for p in pack_session.policies}
    egress = {n for n, p in by_name.items() if "egress" in p.tags}
    placement = {n for n, p in by_name.items() if "placement" in p.tags}
    assert {
        "security-group-rule-stays-in-plan",
        "router-has-no-external-gateway",
        "no-floating-ip",
        "service-stays-internal",
        "namespace-has-default-deny-egress",
        "container-image-from-site-registry",
        "helm-chart-from-federation-repository",
        "cni-policy-stays-in-plan",
    } <= egress
    assert {
        "provider-resolves-to-eu-site",
        "resource-placed-in-eu-site",
        "availability-zone-in-site",
        "workload-pinned-to-eu-region",
        "object-storage-sync-in-eu-site",
        "image-imported-from-site-mirror",
    } <= placement
    for name in egress | placement:
        assert by_name[name].enforcement_level is Level.MANDATORY, name
    guardrail_tags = {"isolation", "data-protection", "access", "secrets", "supply-chain", "crypto"}
    for policy in by_name.values():
        if policy.name not in egress | placement:
            assert set(policy.tags) & (guardrail_tags | {"egress", "placement"}), policy.name
    assert by_name["namespace-has-default-deny-egress"].policy_type == "stack"
