"""The result model as plain JSON values and back: the JSON report, the result cache and the
merge of shard results all read and write this one form."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from sovcloud.results.model import (
    CheckResult,
    Finding,
    Framework,
    Level,
    PolicyInfo,
    ResourceChange,
    ResourceRecord,
    Source,
    StackChange,
    StackResult,
)


def plain(value: Any) -> Any:
    """Dataclass dicts to JSON values: enums by value, tuples as lists, anything else as text."""
    if isinstance(value, Level | Source):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {**plain(asdict(finding)), "blocking": finding.blocking}


def stack_to_dict(stack: StackResult) -> dict[str, Any]:
    """Every field of the stack's result (findings with their verdict)."""
    data = {f.name: plain(getattr(stack, f.name)) for f in fields(stack) if f.name not in ("findings", "change")}
    data["resources"] = [plain(asdict(r)) for r in stack.resources]
    data["findings"] = [finding_to_dict(f) for f in stack.findings]
    if stack.change is not None:
        data["change"] = plain(asdict(stack.change))
    return data


def policy_from_dict(data: dict[str, Any]) -> PolicyInfo:
    framework = data.get("framework")
    return PolicyInfo(
        name=data["name"],
        description=data.get("description", ""),
        enforcement_level=Level(data["enforcement_level"]),
        severity=data.get("severity", "unspecified"),
        tags=tuple(data.get("tags", ())),
        remediation_steps=data.get("remediation_steps", ""),
        framework=Framework(**framework) if isinstance(framework, dict) else None,
        url=data.get("url", ""),
        policy_type=data.get("policy_type", "resource"),
    )


def finding_from_dict(data: dict[str, Any]) -> Finding:
    names = {f.name for f in fields(Finding)}
    values = {k: v for k, v in data.items() if k in names}
    values["level"] = Level(values["level"])
    values["source"] = Source(values.get("source", "policy"))
    return Finding(**values)


def record_from_dict(data: dict[str, Any]) -> ResourceRecord:
    return ResourceRecord(
        urn=data["urn"],
        type=data["type"],
        name=data["name"],
        custom=data["custom"],
        parent=data.get("parent"),
        provider=data.get("provider"),
        site=data.get("site"),
        inputs=data.get("inputs", {}),
        protect=data.get("protect", False),
        retain_on_delete=data.get("retain_on_delete", False),
        dependencies=tuple(data.get("dependencies", ())),
        property_dependencies={k: tuple(v) for k, v in data.get("property_dependencies", {}).items()},
    )


def _resource_change(data: dict[str, Any]) -> ResourceChange:
    return ResourceChange(urn=data["urn"], type=data["type"], name=data["name"], inputs=tuple(data.get("inputs", ())))


def change_from_dict(data: dict[str, Any]) -> StackChange:
    return StackChange(
        inputs=tuple(data.get("inputs", ())),
        added=tuple(_resource_change(r) for r in data.get("added", ())),
        removed=tuple(_resource_change(r) for r in data.get("removed", ())),
        changed=tuple(_resource_change(r) for r in data.get("changed", ())),
        new_stack=bool(data.get("new_stack", False)),
        base_error=str(data.get("base_error", "")),
    )


def stack_from_dict(data: dict[str, Any]) -> StackResult:
    run = data.get("policies_run")
    change = data.get("change")
    return StackResult(
        stack=data["stack"],
        file=data["file"],
        kind=data.get("kind", "unknown"),
        resources=[record_from_dict(r) for r in data.get("resources", [])],
        findings=[finding_from_dict(f) for f in data.get("findings", [])],
        outputs=data.get("outputs", {}),
        duration_seconds=data.get("duration_seconds", 0.0),
        policies_run=tuple(run) if run is not None else None,
        change=change_from_dict(change) if isinstance(change, dict) else None,
    )


def result_from_dict(data: dict[str, Any]) -> CheckResult:
    return CheckResult(
        stacks=[stack_from_dict(s) for s in data.get("stacks", [])],
        policies=[policy_from_dict(p) for p in data.get("policies", [])],
        pack_name=data.get("pack_name", ""),
        pack_version=data.get("pack_version", ""),
        project_findings=[finding_from_dict(f) for f in data.get("project_findings", [])],
        notes=list(data.get("notes", [])),
        base_ref=data.get("base_ref"),
        unchecked=list(data.get("unchecked", [])),
    )
