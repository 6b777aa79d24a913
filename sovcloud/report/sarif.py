"""SARIF 2.1.0 for code scanning: one rule per policy, one result per finding, in the stack file.

Mandatory findings are errors, advisory ones warnings, the rest notes. Each result points at the
stack file it comes from, at the line of the config key to blame or where the file names the
resource (see source_lines.py); GitHub shows it on the pull request's diff there.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sovcloud.report.evidence import Evidence, build_evidence
from sovcloud.report.source_lines import locate, name_candidates
from sovcloud.report.view import ResultView, concern_of, resource_label, sorted_findings
from sovcloud.results import CheckResult, Finding, Level, PolicyInfo, ResourceRecord, name_from_urn

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Level.MANDATORY: "error", Level.ADVISORY: "warning", Level.REMEDIATE: "note", Level.DISABLED: "none"}
# GitHub code scanning ranks security results by this property (CVSS-like, 0.0-10.0).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "unspecified": "5.0"}
PROJECT_FILE = "Pulumi.yaml"


def _rule(policy: PolicyInfo, requirements: tuple[str, ...]) -> dict[str, Any]:
    framework = policy.framework
    reference = ""
    if framework is not None and (framework.name or framework.reference):
        reference = " ".join(p for p in (framework.name, framework.version, framework.reference) if p)
    help_lines = [policy.description or policy.name]
    if policy.remediation_steps:
        help_lines += ["", f"Remediation: {policy.remediation_steps}"]
    if reference:
        help_lines += [
            "",
            f"Enforces: {reference}"
            + (f" ({framework.specification})" if framework and framework.specification else ""),
        ]
    if requirements:
        help_lines += ["", "Evidences: " + "; ".join(requirements)]
    markdown = [f"**{policy.name}**: {policy.description}".rstrip(": ")]
    if policy.remediation_steps:
        markdown += ["", f"**Remediation:** {policy.remediation_steps}"]
    if reference:
        markdown += [
            "",
            f"**Enforces:** {reference}"
            + (f" — {framework.specification}" if framework and framework.specification else ""),
        ]
    if requirements:
        markdown += ["", "**Evidences:** " + "; ".join(requirements)]
    full = policy.description or policy.name
    if reference:
        full = f"{full} ({reference})"
    tags = sorted({*policy.tags, "security", "sovereignty", concern_of(policy.tags)})
    rule: dict[str, Any] = {
        "id": policy.name,
        "name": policy.name,
        "shortDescription": {"text": policy.description or policy.name},
        "fullDescription": {"text": full},
        "help": {"text": "\n".join(help_lines), "markdown": "\n".join(markdown)},
        "defaultConfiguration": {"level": LEVELS.get(policy.enforcement_level, "warning")},
        "properties": {
            "tags": tags,
            "severity": policy.severity,
            "security-severity": SECURITY_SEVERITY.get(policy.severity, "5.0"),
            "enforcementLevel": policy.enforcement_level.value,
            "policyType": policy.policy_type,
        },
    }
    if framework is not None and framework.name:
        rule["properties"]["framework"] = {
            "name": framework.name,
            "version": framework.version,
            "reference": framework.reference,
            "specification": framework.specification,
        }
    if policy.url:
        rule["helpUri"] = policy.url
    return rule


def _record_for(finding: Finding, records: dict[str, ResourceRecord]) -> ResourceRecord | None:
    return records.get(finding.urn) if finding.urn else None


def _result(
    finding: Finding,
    rule_index: int,
    file: str,
    stack: str | None,
    record: ResourceRecord | None,
    project_root: Path,
) -> dict[str, Any]:
    names: list[str] = []
    resource_name = finding.resource_name or (name_from_urn(finding.urn) if finding.urn else "")
    if resource_name:
        input_name = record.inputs.get("name") if record else None
        names = name_candidates(resource_name, input_name if isinstance(input_name, str) else None)
    line = locate(project_root / file, key=finding.key, names=names, site=record.site if record else None)
    where = f" [stack {stack}]" if stack else ""
    text = f"{finding.message} — {resource_label(finding)}{where}"
    fingerprint = hashlib.sha256(
        "\x1f".join([finding.policy, stack or "", finding.urn or "", finding.key or "", finding.message]).encode()
    ).hexdigest()
    result: dict[str, Any] = {
        "ruleId": finding.policy,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.level, "warning"),
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": Path(file).as_posix(), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line},
                }
            }
        ],
        "partialFingerprints": {"sovcloudFinding/v1": fingerprint},
        "properties": {"source": finding.source.value, "severity": finding.severity},
    }
    if stack:
        result["properties"]["stack"] = stack
    if finding.key:
        result["properties"]["key"] = finding.key
    if finding.urn:
        result["locations"][0]["logicalLocations"] = [
            {
                "name": resource_name,
                "fullyQualifiedName": finding.urn,
                "kind": "resource",
            }
        ]
    return result


def sarif_document(
    result: CheckResult, *, project_root: Path, evidence: Evidence | None = None, tool_version: str = "0.1.0"
) -> dict[str, Any]:
    view = ResultView(result)
    evidence = evidence or build_evidence(result)
    policies = view.pack_policies()
    index = {p.name: i for i, p in enumerate(policies)}
    rules = [_rule(p, evidence.policy_requirements.get(p.name, ())) for p in policies]
    results: list[dict[str, Any]] = []
    for finding in sorted_findings(result.project_findings):
        results.append(_result(finding, index[finding.policy], finding.file or PROJECT_FILE, None, None, project_root))
    for stack in result.stacks:
        records = {r.urn: r for r in stack.resources}
        for finding in sorted_findings(stack.findings):
            results.append(
                _result(
                    finding,
                    index[finding.policy],
                    finding.file or stack.file,
                    stack.stack,
                    _record_for(finding, records),
                    project_root,
                )
            )
    driver: dict[str, Any] = {
        "name": "sovcloud",
        "fullName": "sovcloud check (Pulumi CrossGuard policies for a sovereign cloud)",
        "version": tool_version,
        "semanticVersion": tool_version,
        "rules": rules,
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": "sovcloud/check/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "passed": result.passed,
            "stacks": [s.stack for s in result.stacks],
        },
    }
    if result.pack_name:
        run["tool"]["extensions"] = [
            {"name": result.pack_name, "version": result.pack_version or "0.0.0", "product": "Pulumi policy pack"}
        ]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(
    result: CheckResult, *, project_root: Path, evidence: Evidence | None = None, tool_version: str = "0.1.0"
) -> str:
    document = sarif_document(result, project_root=project_root, evidence=evidence, tool_version=tool_version)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
