"""The agreement check between the real engine's event log and `sovcloud check`'s JSON report."""

from __future__ import annotations

import json
from pathlib import Path

from tools.real_engine_agreement import (
    Resource,
    StackView,
    Violation,
    check_view,
    differences,
    engine_view,
    main,
    provider_urn,
)

STACK = "urn:pulumi:t::sovcloud::pulumi:pulumi:Stack::sovcloud-t"
PROVIDER = "urn:pulumi:t::sovcloud::pulumi:providers:openstack::lu-openstack"
NETWORK = "urn:pulumi:t::sovcloud::sovcloud:tenant:TenantSite$openstack:networking/network:Network::n"
SITE = "urn:pulumi:t::sovcloud::sovcloud:tenant:TenantSite::lu"


def _pre(urn: str, type_: str, parent: str, provider: str) -> str:
    state = {"urn": urn, "type": type_, "parent": parent, "provider": provider}
    return json.dumps({"resourcePreEvent": {"metadata": {"op": "create", "urn": urn, "type": type_, "new": state}}})


def _policy(name: str, level: str, urn: str) -> str:
    return json.dumps({"policyEvent": {"policyName": name, "enforcementLevel": level, "resourceUrn": urn}})


LOG = [
    _pre(STACK, "pulumi:pulumi:Stack", "", ""),
    _pre(SITE, "sovcloud:tenant:TenantSite", STACK, ""),
    _pre(NETWORK, "openstack:networking/network:Network", SITE, PROVIDER + "::04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
    _policy("network-has-tags", "advisory", NETWORK),
    json.dumps({"summaryEvent": {}}),
    "",
]

CHECK_STACK = {
    "stack": "t",
    "resources": [
        {"urn": SITE, "type": "sovcloud:tenant:TenantSite", "parent": STACK, "provider": None},
        {"urn": NETWORK, "type": "openstack:networking/network:Network", "parent": SITE, "provider": PROVIDER},
    ],
    "findings": [
        {"policy": "network-has-tags", "level": "advisory", "urn": NETWORK, "source": "policy"},
        {"policy": "config-valid", "level": "mandatory", "urn": None, "source": "config"},
    ],
}


def test_provider_reference_loses_its_id_but_a_bare_urn_stays() -> None:
    assert provider_urn(PROVIDER + "::some-id") == PROVIDER
    assert provider_urn(None) == ""


def test_engine_log_and_check_report_of_the_same_stack_agree() -> None:
    engine, check = engine_view(LOG), check_view(CHECK_STACK)
    assert Resource(NETWORK, "openstack:networking/network:Network", SITE, PROVIDER) in engine.resources
    assert len(engine.resources) == 2  # the root stack is left out
    assert differences("t", engine, check) == []


def test_every_kind_of_disagreement_is_named() -> None:
    engine = StackView(
        frozenset({Resource(NETWORK, "openstack:networking/network:Network", STACK, PROVIDER)}),
        frozenset({Violation("egress", "mandatory", NETWORK)}),
    )
    found = differences("t", engine, check_view(CHECK_STACK))
    assert f"t: {NETWORK}: parent is {STACK} in the engine, {SITE} in sovcloud check" in found
    assert any(line.startswith(f"t: only sovcloud check has resource {SITE}") for line in found)
    assert f"t: only the engine reports egress [mandatory] on {NETWORK}" in found
    assert f"t: only sovcloud check reports network-has-tags [advisory] on {NETWORK}" in found


def test_command_fails_and_prints_on_a_difference(tmp_path: Path, capsys: object) -> None:
    log = tmp_path / "t.events.jsonl"
    log.write_text("\n".join(LOG[:3]) + "\n", encoding="utf-8")  # without the violation
    report = tmp_path / "check.json"
    report.write_text(json.dumps({"stacks": [CHECK_STACK]}), encoding="utf-8")
    assert main([str(report), f"t={log}"]) == 1
    log.write_text("\n".join(LOG) + "\n", encoding="utf-8")
    assert main([str(report), f"t={log}"]) == 0
    assert main([str(report), f"missing={log}"]) == 1
    assert main([str(report), f"t={tmp_path / 'no-such.events.jsonl'}"]) == 1
