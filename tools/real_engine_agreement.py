"""Do the real engine's preview and `sovcloud check` see the same stack?

For each stack, compares what the engine's event log (`pulumi preview --event-log FILE`) says with
what `sovcloud check --format json` reports: every resource by URN, type, parent and provider, and
every policy violation by policy, enforcement level and URN. Any difference is printed, and the
command fails. The root stack resource is left out: the engine makes it, the program does not
declare it, and the offline run does not list it.

    python -m tools.real_engine_agreement CHECK_JSON STACK=EVENT_LOG [STACK=EVENT_LOG ...]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True, order=True)
class Resource:
    """A resource as both sides can name it."""

    urn: str
    type: str
    parent: str
    provider: str

    def __str__(self) -> str:
        return f"{self.urn} (type {self.type}, parent {self.parent or '-'}, provider {self.provider or '-'})"


@dataclass(frozen=True, order=True)
class Violation:
    """A policy violation as both sides can name it; `urn` is empty for a stack-level violation."""

    policy: str
    level: str
    urn: str

    def __str__(self) -> str:
        return f"{self.policy} [{self.level}] on {self.urn or 'the stack'}"


@dataclass(frozen=True)
class StackView:
    """What one side says about one stack."""

    resources: frozenset[Resource]
    violations: frozenset[Violation]


def provider_urn(reference: str | None) -> str:
    """A provider reference is `URN::ID`; the ID is unknown in a preview, so only the URN compares.

    A URN itself has three `::` (`urn:pulumi:STACK::PROJECT::TYPE::NAME`), a reference a fourth.
    """
    if not reference:
        return ""
    return reference.rpartition("::")[0] if reference.count("::") > 3 else reference


def engine_view(lines: Iterable[str]) -> StackView:
    """The resources and violations of a real engine event log (one JSON event per line)."""
    resources: set[Resource] = set()
    violations: set[Violation] = set()
    for line in lines:
        if not line.strip():
            continue
        event: Mapping[str, Any] = json.loads(line)
        if step := event.get("resourcePreEvent"):
            metadata = step.get("metadata", {})
            state = metadata.get("new") or metadata.get("old") or {}
            if state.get("type", metadata.get("type")) == ROOT_STACK_TYPE:
                continue
            resources.add(
                Resource(
                    urn=state.get("urn", metadata.get("urn", "")),
                    type=state.get("type", metadata.get("type", "")),
                    parent=state.get("parent") or "",
                    provider=provider_urn(state.get("provider") or metadata.get("provider")),
                )
            )
        elif policy := event.get("policyEvent"):
            violations.add(
                Violation(
                    policy=policy.get("policyName", ""),
                    level=policy.get("enforcementLevel", ""),
                    urn=policy.get("resourceUrn") or "",
                )
            )
    return StackView(frozenset(resources), frozenset(violations))


def check_view(stack: Mapping[str, Any]) -> StackView:
    """The resources and policy violations of one stack of `sovcloud check --format json`."""
    resources = frozenset(
        Resource(
            urn=record["urn"],
            type=record["type"],
            parent=record.get("parent") or "",
            provider=provider_urn(record.get("provider")),
        )
        for record in stack.get("resources", [])
        if record["type"] != ROOT_STACK_TYPE
    )
    violations = frozenset(
        Violation(policy=finding["policy"], level=finding["level"], urn=finding.get("urn") or "")
        for finding in stack.get("findings", [])
        if finding.get("source", "policy") == "policy"
    )
    return StackView(resources, violations)


def differences(stack: str, engine: StackView, check: StackView) -> list[str]:
    """One line per disagreement, resources matched by URN first so a changed field reads as such."""
    lines: list[str] = []
    engine_by_urn = {r.urn: r for r in engine.resources}
    check_by_urn = {r.urn: r for r in check.resources}
    for urn in sorted(engine_by_urn.keys() - check_by_urn.keys()):
        lines.append(f"{stack}: only the engine has resource {engine_by_urn[urn]}")
    for urn in sorted(check_by_urn.keys() - engine_by_urn.keys()):
        lines.append(f"{stack}: only sovcloud check has resource {check_by_urn[urn]}")
    for urn in sorted(engine_by_urn.keys() & check_by_urn.keys()):
        real, offline = engine_by_urn[urn], check_by_urn[urn]
        for field in ("type", "parent", "provider"):
            if getattr(real, field) != getattr(offline, field):
                lines.append(
                    f"{stack}: {urn}: {field} is {getattr(real, field) or '-'} in the engine, "
                    f"{getattr(offline, field) or '-'} in sovcloud check"
                )
    for violation in sorted(engine.violations - check.violations):
        lines.append(f"{stack}: only the engine reports {violation}")
    for violation in sorted(check.violations - engine.violations):
        lines.append(f"{stack}: only sovcloud check reports {violation}")
    return lines


def main(argv: Sequence[str]) -> int:
    if len(argv) < 2 or any("=" not in arg for arg in argv[1:]):
        print(__doc__, file=sys.stderr)
        return 2
    report = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    stacks = {stack["stack"]: stack for stack in report.get("stacks", [])}
    problems: list[str] = []
    for pair in argv[1:]:
        name, _, log = pair.partition("=")
        if name not in stacks:
            problems.append(f"{name}: sovcloud check did not report this stack ({argv[0]})")
            continue
        if not Path(log).is_file():
            problems.append(f"{name}: the real preview wrote no event log ({log})")
            continue
        with Path(log).open(encoding="utf-8") as lines:
            engine = engine_view(lines)
        found = differences(name, engine, check_view(stacks[name]))
        problems.extend(found)
        print(
            f"{name}: {len(engine.resources)} resources, {len(engine.violations)} violations: "
            + ("agree" if not found else f"{len(found)} differences")
        )
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
