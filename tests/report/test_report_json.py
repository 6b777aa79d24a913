"""The machine-readable result: everything, stable, and readable back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovcloud.report import render
from sovcloud.report.json_report import load_json
from sovcloud.results import CheckResult


def test_json_round_trips(result: CheckResult, project: Path) -> None:
    text = render(result, "json", project_root=project)
    assert load_json(text) == result


def test_json_is_stable_and_carries_derived_fields(result: CheckResult, project: Path) -> None:
    first = render(result, "json", project_root=project)
    assert first == render(result, "json", project_root=project)
    data = json.loads(first)
    assert list(data)[:3] == ["format", "format_version", "passed"]
    assert data["passed"] is False
    tenant = data["stacks"][1]
    assert tenant["stack"] == "tenant-acme" and tenant["passed"] is False
    assert tenant["resources_by_site"] == {"be": 1, "lu": 5}
    assert tenant["findings"][0]["blocking"] is True and tenant["findings"][0]["level"] == "mandatory"
    assert {row["concern"] for row in tenant["concerns"]} >= {"egress", "placement", "other"}
    assert data["evidence"]["requirements"][0]["id"] == "SecNumCloud 19.2.b"
    assert data["evidence"]["requirements"][0]["stacks"]["tenant-acme"]["status"] == "met"


def test_load_json_refuses_other_documents() -> None:
    with pytest.raises(ValueError, match="not a sovcloud check JSON report"):
        load_json('{"version": "2.1.0", "runs": []}')
