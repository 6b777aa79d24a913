"""Every policy against the resources it must allow and must deny, through the analyzer protocol."""

from __future__ import annotations

from collections import Counter

import pytest

from sovcloud.analyzer import PolicyPackSession
from sovcloud.results import Level

from .harness import STACK, Case, load_cases

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_example(case: Case, pack_session: PolicyPackSession) -> None:
    declared = {p.name: p for p in pack_session.policies}
    assert case.policy in declared, f"{case.source}: no policy named {case.policy!r} in the pack"
    findings = pack_session.analyze_stack(STACK, list(case.records))
    mine = [f for f in findings if f.policy == case.policy and (case.target is None or f.urn == case.target)]
    if case.verdict == "allow":
        assert not mine, f"{case.source} {case.id} must be allowed, got: {[f.message for f in mine]}"
        return
    assert mine, f"{case.source} {case.id} must be denied; findings: {[(f.policy, f.message) for f in findings]}"
    assert all(f.level is declared[case.policy].enforcement_level for f in mine)
    if {"egress", "placement"} & set(declared[case.policy].tags):
        assert all(f.level is Level.MANDATORY for f in mine)
    if case.expect:
        assert any(case.expect in f.message for f in mine), [f.message for f in mine]


def test_every_policy_has_three_allows_and_three_denies(pack_session: PolicyPackSession) -> None:
    counts = Counter((c.policy, c.verdict) for c in CASES if c.name != "baseline")
    for policy in pack_session.policies:
        assert counts[(policy.name, "allow")] >= 3, f"{policy.name} has fewer than 3 allow examples"
        assert counts[(policy.name, "deny")] >= 3, f"{policy.name} has fewer than 3 deny examples"
