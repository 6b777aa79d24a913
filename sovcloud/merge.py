"""Join the JSON results of the shards of one check (`sovcloud report --merge FILE...`) into the
result an unsharded run would have given: stacks in run order, policies and project findings once,
and the checks across stacks made again over every stack (no shard alone sees them all)."""

from __future__ import annotations

from collections.abc import Sequence

from federation_catalogue import Catalogue

from sovcloud.fleet_checks import subnet_overlaps
from sovcloud.results import CheckResult, Finding, PolicyInfo, StackResult, builtin_policies


def run_order(stacks: Sequence[StackResult]) -> list[StackResult]:
    """The order a check runs stacks in: the platform first, then by name."""
    return sorted(stacks, key=lambda s: (s.stack != "platform", s.stack))


def merge_results(parts: Sequence[CheckResult], catalogue: Catalogue | None) -> CheckResult:
    """One result from shard results; raises ValueError when two parts hold the same stack."""
    merged = CheckResult()
    seen: dict[str, StackResult] = {}
    policies: dict[str, PolicyInfo] = {}
    findings: dict[Finding, None] = {}
    notes: dict[str, None] = {}
    unchecked: set[str] = set()
    for part in parts:
        for stack in part.stacks:
            if stack.stack in seen:
                raise ValueError(f"stack {stack.stack} is in more than one of the merged results")
            seen[stack.stack] = stack
        for policy in part.policies:
            policies.setdefault(policy.name, policy)
        for finding in part.project_findings:
            if finding.policy != builtin_policies.NO_OVERLAP.name or catalogue is None:
                findings.setdefault(finding)
        notes.update(dict.fromkeys(n for n in part.notes if "stack results reused" not in n))
        merged.pack_name = merged.pack_name or part.pack_name
        merged.pack_version = merged.pack_version or part.pack_version
        merged.base_ref = merged.base_ref if merged.base_ref is not None else part.base_ref
        unchecked.update(part.unchecked)
    merged.stacks = run_order(list(seen.values()))
    merged.policies = list(policies.values())
    merged.project_findings = list(findings)
    if catalogue is not None:
        merged.project_findings += subnet_overlaps(merged.stacks, catalogue)
    merged.notes = list(notes)
    merged.unchecked = sorted(unchecked - set(seen), key=lambda s: (s != "platform", s))
    return merged
