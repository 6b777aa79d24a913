"""The result model's shared readings: URNs, config key paths, findings built from a policy."""

from __future__ import annotations

import ast
from pathlib import Path

from sovcloud.results import Finding, Level, Source, builtin_policies, config_key, key_parts, parse_urn, without_id

ROOT = Path(__file__).resolve().parents[2]


def test_a_nested_urn_names_the_resource_s_own_type_and_name() -> None:
    urn = parse_urn("urn:pulumi:tenant-a::sovcloud::sovcloud:Tenant$openstack:networking/subnet:Subnet::a-lu::v4")
    assert (urn.stack, urn.project, urn.type, urn.name) == (
        "tenant-a",
        "sovcloud",
        "openstack:networking/subnet:Subnet",
        "a-lu::v4",
    )


def test_text_that_is_no_urn_parses_to_empty_parts() -> None:
    assert parse_urn("not a urn") == parse_urn("")
    assert parse_urn("").name == "" and parse_urn("urn:pulumi:s").stack == "s"


def test_a_provider_reference_loses_its_id() -> None:
    urn = "urn:pulumi:s::p::pulumi:providers:openstack::lu"
    assert without_id(f"{urn}::04da6b54-80e4-46f7-96ec-b56ff0331ba9") == urn
    assert without_id(urn) == urn


def test_config_keys_are_built_and_read_back_alike() -> None:
    key = config_key(("platform", "sites", "lu", "networks", 1, "ipv4"), "sovcloud")
    assert key == "sovcloud:platform.sites.lu.networks[1].ipv4"
    assert key_parts(key) == ["sovcloud:platform", "sites", "lu", "networks", 1, "ipv4"]
    assert config_key(("aws:region",), "sovcloud") == "aws:region"
    assert config_key(("backend", "url")) == "backend.url"


def test_a_finding_takes_level_and_severity_from_its_policy_unless_observed() -> None:
    plain = Finding.of(builtin_policies.CONFIG, "bad", Source.CONFIG, file="f.yaml", key="k")
    assert (plain.policy, plain.level, plain.severity) == ("stack-config-is-valid", Level.MANDATORY, "high")
    observed = Finding.of(builtin_policies.CONFIG, "bad", Source.CONFIG, level=Level.ADVISORY, severity="low")
    assert (observed.level, observed.severity, observed.blocking) == (Level.ADVISORY, "low", False)


def test_builtin_policies_are_described_only_in_the_result_model() -> None:
    """No other module of the command describes a policy of its own (a PolicyInfo with a literal name)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "sovcloud").rglob("*.py"))
        if path.name != "builtin_policies.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "PolicyInfo"
        and any(k.arg == "name" and isinstance(k.value, ast.Constant) for k in node.keywords)
    ]
    assert offenders == []


def test_imports_sit_at_module_top() -> None:
    late = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "sovcloud").rglob("*.py"))
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert late == []
