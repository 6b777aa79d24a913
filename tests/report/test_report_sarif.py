"""SARIF 2.1.0 for code scanning, validated against the official schema (shipped under data/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sovcloud.report import render
from sovcloud.results import CheckResult

SCHEMA = Path(__file__).with_name("data") / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif(result: CheckResult, project: Path) -> dict[str, Any]:
    return json.loads(render(result, "sarif", project_root=project))  # type: ignore[no-any-return]


def test_the_shipped_schema_is_the_oasis_sarif_2_1_0_schema(validator: Any) -> None:
    schema = validator.schema
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {}}]}))  # it does reject


def test_sarif_validates_against_the_schema(result: CheckResult, project: Path, validator: Any) -> None:
    document = sarif(result, project)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_one_rule_per_policy_with_help_and_framework(result: CheckResult, project: Path) -> None:
    run = sarif(result, project)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == {p.name for p in result.policies}
    route = rules["route-stays-in-plan"]
    assert route["shortDescription"]["text"].startswith("Routes lead only to destinations")
    assert "SecNumCloud 3.2 19.6" in route["fullDescription"]["text"]
    assert "Remediation: Route only to the partner site's range" in route["help"]["text"]
    assert "Enforces: SecNumCloud 3.2 19.6" in route["help"]["text"]
    assert "egress" in route["properties"]["tags"]
    assert route["defaultConfiguration"]["level"] == "error"
    assert rules["volume-uses-encrypted-type"]["defaultConfiguration"]["level"] == "warning"


def test_one_result_per_finding_with_level_and_rule_index(result: CheckResult, project: Path) -> None:
    run = sarif(result, project)["runs"][0]
    results = run["results"]
    assert len(results) == len(result.all_findings())
    rules = run["tool"]["driver"]["rules"]
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
    levels = {item["ruleId"]: item["level"] for item in results}
    assert levels["route-stays-in-plan"] == "error"
    assert levels["volume-uses-encrypted-type"] == "warning"
    assert len({tuple(item["partialFingerprints"].values()) for item in results}) == len(results)


def _location(results: list[dict[str, Any]], rule: str) -> tuple[str, int]:
    item = next(r for r in results if r["ruleId"] == rule)
    physical = item["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"]


def test_results_point_at_the_stack_file_and_line(result: CheckResult, project: Path) -> None:
    results = sarif(result, project)["runs"][0]["results"]
    # a config error: the line of the key
    uri, line = _location(results, "stack-config-is-valid")
    assert uri == "stacks/Pulumi.tenant-broken.yaml"
    assert (project / uri).read_text().splitlines()[line - 1].strip() == "ipv4: 192.168.0.0/24"
    # a resource finding without a file of its own: the stack's file, where it names the resource
    uri, line = _location(results, "route-stays-in-plan")
    assert uri == "stacks/Pulumi.tenant-acme.yaml"
    assert (project / uri).read_text().splitlines()[line - 1].strip() == "- name: default"
    uri, line = _location(results, "volume-uses-encrypted-type")
    assert (project / uri).read_text().splitlines()[line - 1].strip() == "- name: data"
    # a project finding about Pulumi.yaml: the key's line there
    uri, line = _location(results, "state-backend-in-federation")
    assert uri == "Pulumi.yaml"
    assert (project / uri).read_text().splitlines()[line - 1].strip() == "url: https://api.pulumi.com"


def test_a_file_that_does_not_exist_is_line_one(result: CheckResult, tmp_path: Path, validator: Any) -> None:
    document = sarif(result, tmp_path)
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in document["runs"][0]["results"]} == {1}
    assert not list(validator.iter_errors(document))
