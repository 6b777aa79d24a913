"""The full machine-readable result: every dataclass field, plus what the other reports derive
(verdicts, counts by site, the evidence), in a stable key order. `load_json` reads it back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from sovcloud.report.evidence import Evidence, build_evidence, evidence_to_dict
from sovcloud.report.view import ResultView, concern_of
from sovcloud.results import (
    CheckResult,
    Finding,
    Framework,
    Level,
    PolicyInfo,
    ResourceRecord,
    Source,
    StackResult,
)

FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    """Dataclass dicts to JSON values: enums by value, tuples as lists, anything else as text."""
    if isinstance(value, Level | Source):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _finding(finding: Finding) -> dict[str, Any]:
    return {**_plain(asdict(finding)), "blocking": finding.blocking}


def _stack(stack: StackResult, view: ResultView) -> dict[str, Any]:
    data = {field.name: _plain(getattr(stack, field.name)) for field in fields(stack) if field.name != "findings"}
    data["resources"] = [_plain(asdict(r)) for r in stack.resources]
    data["findings"] = [_finding(f) for f in stack.findings]
    data["passed"] = stack.passed
    data["resources_by_site"] = {site: len(records) for site, records in sorted(stack.resources_by_site().items())}
    data["concerns"] = [_plain(asdict(row)) for row in view.concern_rows(stack)]
    return data


def json_document(result: CheckResult, evidence: Evidence | None = None) -> dict[str, Any]:
    view = ResultView(result)
    evidence = evidence or build_evidence(result)
    return {
        "format": "sovcloud-check",
        "format_version": FORMAT_VERSION,
        "passed": result.passed,
        "pack_name": result.pack_name,
        "pack_version": result.pack_version,
        "notes": list(result.notes),
        "policies": [{**_plain(asdict(p)), "concern": concern_of(p.tags)} for p in result.policies],
        "project_findings": [_finding(f) for f in result.project_findings],
        "stacks": [_stack(s, view) for s in result.stacks],
        "evidence": evidence_to_dict(evidence),
    }


def render_json(result: CheckResult, evidence: Evidence | None = None) -> str:
    return json.dumps(json_document(result, evidence), indent=2, ensure_ascii=False) + "\n"


# --- reading it back -------------------------------------------------------------------------------


def _load_policy(data: dict[str, Any]) -> PolicyInfo:
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


def _load_finding(data: dict[str, Any]) -> Finding:
    names = {f.name for f in fields(Finding)}
    values = {k: v for k, v in data.items() if k in names}
    values["level"] = Level(values["level"])
    values["source"] = Source(values.get("source", "policy"))
    return Finding(**values)


def _load_record(data: dict[str, Any]) -> ResourceRecord:
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


def _load_stack(data: dict[str, Any]) -> StackResult:
    run = data.get("policies_run")
    return StackResult(
        stack=data["stack"],
        file=data["file"],
        kind=data.get("kind", "unknown"),
        resources=[_load_record(r) for r in data.get("resources", [])],
        findings=[_load_finding(f) for f in data.get("findings", [])],
        outputs=data.get("outputs", {}),
        duration_seconds=data.get("duration_seconds", 0.0),
        policies_run=tuple(run) if run is not None else None,
    )


def load_json(text: str) -> CheckResult:
    """The CheckResult a JSON report was made from (derived fields are recomputed, not read)."""
    data = json.loads(text)
    if data.get("format") != "sovcloud-check":
        raise ValueError('not a sovcloud check JSON report (missing "format": "sovcloud-check")')
    return CheckResult(
        stacks=[_load_stack(s) for s in data.get("stacks", [])],
        policies=[_load_policy(p) for p in data.get("policies", [])],
        pack_name=data.get("pack_name", ""),
        pack_version=data.get("pack_version", ""),
        project_findings=[_load_finding(f) for f in data.get("project_findings", [])],
        notes=list(data.get("notes", [])),
    )
