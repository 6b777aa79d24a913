"""The reading of a CheckResult that every format shares: concerns, policy lookup, per-stack tallies.

Reporters differ in layout only; what counts as a concern, which policy a finding belongs to and
whether a policy ran on a stack is decided here once, so text, markdown, SARIF and JSON agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sovcloud.results import (
    CheckResult,
    Finding,
    Level,
    PolicyInfo,
    ResourceRecord,
    StackResult,
    name_from_urn,
    type_from_urn,
)

# The concerns a reviewer reads by, in the order they are shown. A policy belongs to the first
# concern one of its tags names; tags that name none of them put it under "other".
CONCERNS: tuple[str, ...] = (
    "egress",
    "placement",
    "isolation",
    "data-protection",
    "access",
    "secrets",
    "supply-chain",
    "kubernetes",
    "other",
)
CONCERN_TITLES: dict[str, str] = {
    "egress": "Egress (no path out of the address plan)",
    "placement": "Placement (EU sites of the catalogue)",
    "isolation": "Isolation",
    "data-protection": "Data protection",
    "access": "Access",
    "secrets": "Secrets",
    "supply-chain": "Supply chain",
    "kubernetes": "Kubernetes",
    "other": "Other guardrails",
}
FULL_REPORT_UP_TO = 10  # stacks; a larger fleet is shown in full only where it fails or changed
LEVEL_ORDER: dict[Level, int] = {Level.MANDATORY: 0, Level.ADVISORY: 1, Level.REMEDIATE: 2, Level.DISABLED: 3}
PROVIDER_PREFIX = "pulumi:providers:"


def concern_of(tags: Iterable[str]) -> str:
    """The concern a policy is read under, from its tags (unknown tags: "other")."""
    present = set(tags)
    return next((concern for concern in CONCERNS[:-1] if concern in present), "other")


def short_type(type_token: str) -> str:
    """`openstack:networking/subnet:Subnet` -> `openstack:Subnet`: enough to tell types apart."""
    parts = type_token.split(":")
    if len(parts) >= 3:
        return f"{parts[0]}:{parts[-1]}"
    return type_token


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Blocking first, then by policy and resource: the order a reviewer wants to read them in."""
    return sorted(
        findings,
        key=lambda f: (LEVEL_ORDER.get(f.level, 9), f.policy, f.resource_name or "", f.urn or "", f.message),
    )


def resource_label(finding: Finding) -> str:
    """How a finding names the resource it is about (or "—" when it is about no resource)."""
    name = finding.resource_name or (name_from_urn(finding.urn) if finding.urn else "")
    rtype = finding.resource_type or (type_from_urn(finding.urn) if finding.urn else "")
    if name and rtype:
        return f"{name} ({rtype})"
    if finding.key:
        return f"key {finding.key}"
    return name or "—"


@dataclass(frozen=True)
class PolicyTally:
    """One policy's outcome on one stack."""

    policy: PolicyInfo
    ran: bool
    blocking: int = 0
    advisory: int = 0

    @property
    def passed(self) -> bool:
        return self.ran and self.blocking == 0 and self.advisory == 0


@dataclass
class ConcernRow:
    """One line of a stack's results-by-concern table."""

    concern: str
    policies: int = 0
    ran: int = 0
    passed: int = 0
    advisory: int = 0
    blocking: int = 0
    failing_policies: list[str] = field(default_factory=list)


class ResultView:
    """Lookups over one CheckResult, built once per render."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        self.policies: dict[str, PolicyInfo] = {}
        for policy in result.policies:
            self.policies.setdefault(policy.name, policy)
        for finding in result.all_findings():
            if finding.policy not in self.policies:  # a finding from a policy the run did not describe
                self.policies[finding.policy] = PolicyInfo(
                    name=finding.policy, description="", enforcement_level=finding.level, severity=finding.severity
                )

    def findings_of(self, stack: StackResult) -> list[Finding]:
        """The stack's findings, plus the project checks' findings located in its stack file."""
        return [*stack.findings, *(f for f in self.result.project_findings if f.file == stack.file)]

    def stack_passed(self, stack: StackResult) -> bool:
        return not any(f.blocking for f in self.findings_of(stack))

    def project_only(self) -> list[Finding]:
        """Project findings that belong to no stack file (Pulumi.yaml, the docs...)."""
        files = {s.file for s in self.result.stacks}
        return [f for f in self.result.project_findings if f.file not in files]

    def changed(self) -> list[str]:
        """The stacks a `--changed-since` run found changed, in run order."""
        return [s.stack for s in self.result.stacks if s.change is not None]

    def detailed(self) -> list[StackResult]:
        """The stacks a reviewer reads in full: every stack of a small fleet, else failing or changed ones."""
        if len(self.result.stacks) + len(self.result.unchecked) <= FULL_REPORT_UP_TO:
            return list(self.result.stacks)
        return [s for s in self.result.stacks if s.change is not None or not self.stack_passed(s)]

    def policy(self, name: str) -> PolicyInfo:
        return self.policies[name]

    def concern(self, name: str) -> str:
        return concern_of(self.policies[name].tags) if name in self.policies else "other"

    def pack_policies(self) -> list[PolicyInfo]:
        """Policies that analyze stacks (the pack's and the check's own), in a stable order."""
        return sorted(self.policies.values(), key=lambda p: (CONCERNS.index(concern_of(p.tags)), p.name))

    def ran_on(self, stack: StackResult, policy: str) -> bool:
        """Whether a policy analyzed this stack (a stack whose program failed was analyzed by none)."""
        if any(f.policy == policy for f in self.findings_of(stack)):
            return True
        if stack.policies_run is not None:
            return policy in stack.policies_run
        if not stack.resources:
            return False
        return any(p.name == policy for p in self.result.policies)

    def tallies(self, stack: StackResult) -> list[PolicyTally]:
        counts: Counter[tuple[str, bool]] = Counter((f.policy, f.blocking) for f in self.findings_of(stack))
        return [
            PolicyTally(
                policy=policy,
                ran=self.ran_on(stack, policy.name),
                blocking=counts[(policy.name, True)],
                advisory=counts[(policy.name, False)],
            )
            for policy in self.pack_policies()
            if policy.policy_type != "project"
        ]

    def concern_rows(self, stack: StackResult) -> list[ConcernRow]:
        """Per concern: how many policies, how many ran, passed, warned and blocked on this stack."""
        rows = {concern: ConcernRow(concern) for concern in CONCERNS}
        for tally in self.tallies(stack):
            row = rows[concern_of(tally.policy.tags)]
            row.policies += 1
            row.ran += int(tally.ran)
            row.passed += int(tally.passed)
            row.advisory += tally.advisory
            row.blocking += tally.blocking
            if tally.blocking or tally.advisory:
                row.failing_policies.append(tally.policy.name)
        return [row for row in rows.values() if row.policies]


def counts_by_type(records: Sequence[ResourceRecord]) -> list[tuple[str, int]]:
    """(short type, count), most numerous first, then by name."""
    counter = Counter(short_type(r.type) for r in records)
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def site_order(sites: Iterable[str]) -> list[str]:
    """Sites in a stable order, resources of no site ("-") last."""
    return sorted(set(sites), key=lambda s: (s == "-", s))


def blocking_count(findings: Iterable[Finding]) -> int:
    return sum(1 for f in findings if f.blocking)


def advisory_count(findings: Iterable[Finding]) -> int:
    return sum(1 for f in findings if not f.blocking)
