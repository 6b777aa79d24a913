"""The full machine-readable result: every dataclass field, plus what the other reports derive
(verdicts, counts by site, the evidence), in a stable key order. `load_json` reads it back.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sovcloud.report.evidence import Evidence, build_evidence, evidence_to_dict
from sovcloud.report.view import ResultView, concern_of
from sovcloud.results import CheckResult, StackResult
from sovcloud.results.serial import finding_to_dict, plain, result_from_dict, stack_to_dict

FORMAT_VERSION = 1


def _stack(stack: StackResult, view: ResultView) -> dict[str, Any]:
    data = stack_to_dict(stack)
    data["passed"] = stack.passed
    data["resources_by_site"] = {site: len(records) for site, records in sorted(stack.resources_by_site().items())}
    data["concerns"] = [plain(asdict(row)) for row in view.concern_rows(stack)]
    return data


def json_document(result: CheckResult, evidence: Evidence | None = None) -> dict[str, Any]:
    view = ResultView(result)
    evidence = evidence or build_evidence(result)
    document: dict[str, Any] = {
        "format": "sovcloud-check",
        "format_version": FORMAT_VERSION,
        "passed": result.passed,
        "pack_name": result.pack_name,
        "pack_version": result.pack_version,
        "notes": list(result.notes),
        "policies": [{**plain(asdict(p)), "concern": concern_of(p.tags)} for p in result.policies],
        "project_findings": [finding_to_dict(f) for f in result.project_findings],
        "stacks": [_stack(s, view) for s in result.stacks],
        "evidence": evidence_to_dict(evidence),
    }
    if result.base_ref is not None:
        document["base_ref"] = result.base_ref
        document["unchecked"] = list(result.unchecked)
    return document


def render_json(result: CheckResult, evidence: Evidence | None = None) -> str:
    return json.dumps(json_document(result, evidence), indent=2, ensure_ascii=False) + "\n"


def load_json(text: str) -> CheckResult:
    """The CheckResult a JSON report was made from (derived fields are recomputed, not read)."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != "sovcloud-check":
        raise ValueError('not a sovcloud check JSON report (missing "format": "sovcloud-check")')
    return result_from_dict(data)
