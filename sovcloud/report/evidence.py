"""Sovereignty evidence: which requirement each policy enforces, and per stack which are shown met.

The mapping is data (`requirements.yaml` beside this file): a policy evidences a requirement through
its own framework reference, through a tag the requirement lists, or by name. A requirement is met
on a stack only when every policy evidencing it analyzed that stack and none blocked; requirements
no declared resource can show (ownership, staffing, consent) are reported as not checkable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sovcloud.report.view import CONCERNS, ResultView
from sovcloud.results import CheckResult, Finding, PolicyInfo, StackResult

REQUIREMENTS_FILE = Path(__file__).with_name("requirements.yaml")
PROJECT_SCOPE = "(project)"


class Status(StrEnum):
    MET = "met"
    VIOLATED = "violated"
    NOT_EVIDENCED = "not-evidenced"  # no policy of this run shows it, or not every one ran
    NOT_CHECKABLE = "not-checkable"  # no declared resource can show it


@dataclass(frozen=True)
class Requirement:
    framework: str
    clause: str
    title: str
    checkable: bool
    tags: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.framework} {self.clause}"


@dataclass(frozen=True)
class RequirementCatalogue:
    requirements: tuple[Requirement, ...]
    frameworks: Mapping[str, Mapping[str, str]]
    technology_tags: Mapping[str, str]

    def mapped_tags(self) -> set[str]:
        return {tag for r in self.requirements for tag in r.tags}


@dataclass(frozen=True)
class StackStatus:
    """One requirement on one stack (or on the project's own checks)."""

    stack: str
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class RequirementEvidence:
    requirement: Requirement
    policies: tuple[str, ...]  # the policies of this run that evidence it
    stacks: tuple[StackStatus, ...]


@dataclass(frozen=True)
class Evidence:
    requirements: tuple[RequirementEvidence, ...]
    policy_requirements: Mapping[str, tuple[str, ...]]  # policy -> requirement ids it evidences
    unmapped_tags: tuple[str, ...]  # tags of this run's policies that evidence nothing and are not technology tags


@cache
def load_requirements(path: Path = REQUIREMENTS_FILE) -> RequirementCatalogue:
    with path.open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream) or {}
    requirements = tuple(
        Requirement(
            framework=str(item["framework"]),
            clause=str(item["clause"]),
            title=str(item["title"]),
            checkable=bool(item.get("checkable", True)),
            tags=tuple(str(t) for t in item.get("tags", ())),
            policies=tuple(str(p) for p in item.get("policies", ())),
            note=str(item.get("note", "")),
        )
        for item in document.get("requirements", [])
    )
    frameworks = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in document["frameworks"].items()}
    technology = {str(k): str(v) for k, v in (document.get("technology_tags") or {}).items()}
    return RequirementCatalogue(requirements=requirements, frameworks=frameworks, technology_tags=technology)


def _normalise_framework(name: str) -> str:
    lowered = name.lower().replace("anssi", "").replace("bsi", "").strip()
    return {"snc": "secnumcloud", "c5:2020": "c5", "sovereign cloud stack": "scs"}.get(lowered, lowered)


def _clauses(reference: str) -> set[str]:
    return {token.lower() for token in re.split(r"[\s,;/]+", reference) if token}


def references(policy: PolicyInfo, requirement: Requirement) -> bool:
    """Whether the policy's own framework reference names this requirement."""
    framework = policy.framework
    if framework is None or not framework.reference:
        return False
    if _normalise_framework(framework.name) != _normalise_framework(requirement.framework):
        return False
    return requirement.clause.lower() in _clauses(framework.reference)


def evidences(policy: PolicyInfo, requirement: Requirement) -> bool:
    if not requirement.checkable:
        return False
    return (
        references(policy, requirement)
        or policy.name in requirement.policies
        or any(tag in requirement.tags for tag in policy.tags)
    )


def _status(view: ResultView, stack: StackResult, policies: Sequence[str], findings: Iterable[Finding]) -> StackStatus:
    blocked = sorted({f.policy for f in findings if f.blocking and f.policy in policies})
    if blocked:
        return StackStatus(stack.stack, Status.VIOLATED, "blocked by " + ", ".join(blocked))
    ran = [p for p in policies if view.ran_on(stack, p)]
    if not ran:
        reason = "the stack declared nothing to analyze" if not stack.resources else "no evidencing policy ran"
        return StackStatus(stack.stack, Status.NOT_EVIDENCED, reason)
    if len(ran) < len(policies):
        missing = sorted(set(policies) - set(ran))
        return StackStatus(
            stack.stack, Status.NOT_EVIDENCED, f"{len(ran)} of {len(policies)} policies ran (not: {', '.join(missing)})"
        )
    warned = sorted({f.policy for f in findings if not f.blocking and f.policy in policies})
    return StackStatus(stack.stack, Status.MET, ("advisory findings from " + ", ".join(warned)) if warned else "")


def _project_status(policies: Sequence[str], findings: Sequence[Finding]) -> StackStatus | None:
    """The project's own checks: only shown when one of them evidences the requirement."""
    relevant = [f for f in findings if f.policy in policies]
    blocked = sorted({f.policy for f in relevant if f.blocking})
    if blocked:
        return StackStatus(PROJECT_SCOPE, Status.VIOLATED, "blocked by " + ", ".join(blocked))
    return None


def build_evidence(result: CheckResult, catalogue: RequirementCatalogue | None = None) -> Evidence:
    """The evidence table for a run: requirement -> evidencing policies -> status per stack."""
    catalogue = catalogue or load_requirements()
    view = ResultView(result)
    policies = view.pack_policies()
    entries: list[RequirementEvidence] = []
    by_policy: dict[str, list[str]] = {p.name: [] for p in policies}
    for requirement in catalogue.requirements:
        evidencing = tuple(p.name for p in policies if evidences(p, requirement))
        for name in evidencing:
            by_policy[name].append(requirement.id)
        statuses: list[StackStatus] = []
        for stack in result.stacks:
            if not requirement.checkable:
                statuses.append(StackStatus(stack.stack, Status.NOT_CHECKABLE, requirement.note))
            elif not evidencing:
                statuses.append(StackStatus(stack.stack, Status.NOT_EVIDENCED, "no policy of this run evidences it"))
            else:
                statuses.append(_status(view, stack, evidencing, view.findings_of(stack)))
        project = _project_status(evidencing, view.project_only())
        if project is not None:
            statuses.append(project)
        entries.append(RequirementEvidence(requirement, evidencing, tuple(statuses)))
    known = catalogue.mapped_tags() | set(catalogue.technology_tags)
    unmapped = sorted({t for p in policies for t in p.tags if t not in known})
    return Evidence(
        requirements=tuple(entries),
        policy_requirements={name: tuple(ids) for name, ids in sorted(by_policy.items())},
        unmapped_tags=tuple(unmapped),
    )


def concern_tags() -> tuple[str, ...]:
    """The tags reviewers read results by (every one must map to a requirement or be a technology)."""
    return tuple(c for c in CONCERNS if c != "other")


def evidence_to_dict(evidence: Evidence) -> dict[str, Any]:
    """The JSON form (a field of the JSON report)."""
    return {
        "requirements": [
            {
                "id": e.requirement.id,
                "framework": e.requirement.framework,
                "clause": e.requirement.clause,
                "title": e.requirement.title,
                "checkable": e.requirement.checkable,
                "note": e.requirement.note,
                "evidenced_by": list(e.policies),
                "stacks": {s.stack: {"status": s.status.value, "detail": s.detail} for s in e.stacks},
            }
            for e in evidence.requirements
        ],
        "policy_requirements": {k: list(v) for k, v in evidence.policy_requirements.items()},
        "unmapped_tags": list(evidence.unmapped_tags),
    }
