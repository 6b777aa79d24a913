"""The data of a check: what each stack declared and what was found about it.

Every producer (the offline check, an engine event log, the project checks, the fleet checks)
writes these types; every reporter (text, markdown, SARIF, JSON, JUnit) reads only these types and
knows nothing of Pulumi's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """Enforcement level of a finding, as pulumi-policy names them."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"
    DISABLED = "disabled"
    REMEDIATE = "remediate"


class Source(StrEnum):
    """Where a finding comes from."""

    POLICY = "policy"  # a policy of the pack, over the analyzer protocol
    CONFIG = "config"  # the stack's configuration failed validation; the program registered nothing
    PROGRAM = "program"  # the program raised while running
    PROJECT = "project"  # project-level checks (state backend, secrets providers, cross-stack plan)


@dataclass(frozen=True)
class Framework:
    """The requirement a policy enforces (pulumi-policy's PolicyComplianceFramework)."""

    name: str = ""
    version: str = ""
    reference: str = ""
    specification: str = ""


@dataclass(frozen=True)
class PolicyInfo:
    """A policy as the pack describes itself in GetAnalyzerInfo."""

    name: str
    description: str
    enforcement_level: Level
    severity: str = "unspecified"  # low | medium | high | critical | unspecified
    tags: tuple[str, ...] = ()
    remediation_steps: str = ""
    framework: Framework | None = None
    url: str = ""
    policy_type: str = "resource"  # resource | stack


@dataclass(frozen=True)
class ResourceRecord:
    """One registration as the engine saw it (inputs with camelCase names, as in preview)."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None = None
    provider: str | None = None  # provider URN (without the "::id" suffix)
    site: str | None = None  # catalogue site the resource resolves to, when known
    inputs: dict[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """A violation or diagnostic: from a policy, a validation error or a project check."""

    policy: str
    level: Level
    message: str
    source: Source = Source.POLICY
    severity: str = "unspecified"
    urn: str | None = None
    resource_type: str | None = None
    resource_name: str | None = None
    file: str | None = None  # the file the finding is located in (stack file, Pulumi.yaml)
    key: str | None = None  # the config key in that file, when one is to blame
    pack: str | None = None
    pack_version: str | None = None

    @property
    def blocking(self) -> bool:
        """Mandatory findings fail the check (and would fail `pulumi preview`)."""
        return self.level is Level.MANDATORY

    @classmethod
    def of(
        cls,
        policy: PolicyInfo,
        message: str,
        source: Source,
        *,
        level: Level | None = None,
        severity: str | None = None,
        **where: Any,
    ) -> Finding:
        """The one way to build a finding: the policy gives name, level and severity unless the
        producer observed others (a pack reconfigured by `--policy-pack-config`, an event's own level)."""
        return cls(
            policy=policy.name,
            level=level or policy.enforcement_level,
            message=message,
            source=source,
            severity=severity or policy.severity,
            **where,
        )


@dataclass(frozen=True)
class ResourceChange:
    """A resource declared both at the base and now, with the inputs whose value differs."""

    urn: str
    type: str
    name: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class StackChange:
    """What a change does to one stack: the inputs that changed and the resources it adds, removes or
    changes against the base (`--changed-since REF`)."""

    inputs: tuple[str, ...]  # changed files the stack reads (its stack file, code, the pack...)
    added: tuple[ResourceChange, ...] = ()
    removed: tuple[ResourceChange, ...] = ()
    changed: tuple[ResourceChange, ...] = ()
    new_stack: bool = False  # the stack did not exist at the base
    base_error: str = ""  # the base could not be run for this stack (the resource diff is then empty)


@dataclass
class StackResult:
    """What one stack declared and everything found about it."""

    stack: str
    file: str
    kind: str = "unknown"  # platform | tenant | bootstrap | unknown
    resources: list[ResourceRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    duration_seconds: float = 0.0
    # Names of the policies known to have analyzed this stack (a real run's analyze summaries).
    # None: every policy of the run analyzed every stack that declared resources (the offline check).
    policies_run: tuple[str, ...] | None = None
    change: StackChange | None = None  # set for the stacks a `--changed-since` run found changed

    @property
    def passed(self) -> bool:
        return not any(f.blocking for f in self.findings)

    def resources_by_site(self) -> dict[str, list[ResourceRecord]]:
        """Custom resources grouped by the site they resolve to ("-" for none)."""
        grouped: dict[str, list[ResourceRecord]] = {}
        for record in self.resources:
            if record.custom and not record.type.startswith("pulumi:providers:"):
                grouped.setdefault(record.site or "-", []).append(record)
        return grouped


@dataclass
class CheckResult:
    """The whole run: every stack, the pack's policies, and findings about the project itself."""

    stacks: list[StackResult] = field(default_factory=list)
    policies: list[PolicyInfo] = field(default_factory=list)
    pack_name: str = ""
    pack_version: str = ""
    project_findings: list[Finding] = field(default_factory=list)
    # What a reader should know about how the result was obtained (e.g. event-log lines skipped).
    notes: list[str] = field(default_factory=list)
    base_ref: str | None = None  # `--changed-since REF`: the git ref the change is measured against
    unchecked: list[str] = field(default_factory=list)  # stacks left out as unchanged since base_ref

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.stacks) and not any(f.blocking for f in self.project_findings)

    def all_findings(self) -> list[Finding]:
        found = list(self.project_findings)
        for stack in self.stacks:
            found.extend(stack.findings)
        return found
