"""`--policy-pack-config`: the catalogue and levels are overridable; an invalid config is one clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovcloud.analyzer import PolicyPackConfigError, PolicyPackSession
from sovcloud.results import Level, ResourceRecord

from .harness import PACK_DIR, STACK, load_providers, materialize, urn

RULE = "openstack:networking/secGroupRule:SecGroupRule"


def _rule_stack(prefix: str) -> list[ResourceRecord]:
    spec = load_providers()["openstack-lu"]
    provider = ResourceRecord(
        urn(spec["type"], spec["name"]), spec["type"], spec["name"], True, inputs=materialize(spec["inputs"])
    )
    rule = ResourceRecord(
        urn(RULE, "r"),
        RULE,
        "r",
        True,
        provider=provider.urn,
        inputs={"direction": "egress", "ethertype": "IPv4", "remoteIpPrefix": prefix},
    )
    return [provider, rule]


def _write(tmp_path: Path, config: object) -> Path:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def test_catalogue_override_changes_the_address_plan(tmp_path: Path) -> None:
    config = _write(
        tmp_path,
        {
            "security-group-rule-stays-in-plan": {
                "catalogue": {"address_plan": {"federation": {"ipv4": "192.168.0.0/16"}}}
            }
        },
    )
    with PolicyPackSession(PACK_DIR, project="sovcloud", config_file=config) as session:

        def violations(prefix: str) -> list[str]:
            return [
                f.message
                for f in session.analyze_stack(STACK, _rule_stack(prefix))
                if f.policy == "security-group-rule-stays-in-plan"
            ]

        assert violations("192.168.10.0/24") == []
        assert violations("10.64.0.0/16")  # no longer in the (overridden) plan


def test_levels_from_all_then_per_policy(tmp_path: Path) -> None:
    config = _write(
        tmp_path,
        {
            "all": "advisory",
            "security-group-rule-stays-in-plan": {"enforcementLevel": "mandatory"},
            "no-floating-ip": "disabled",
        },
    )
    with PolicyPackSession(PACK_DIR, project="sovcloud", config_file=config) as session:
        levels = {p.name: p.enforcement_level for p in session.policies}
        assert levels["security-group-rule-stays-in-plan"] is Level.MANDATORY
        assert levels["router-has-no-external-gateway"] is Level.ADVISORY
        assert levels["no-floating-ip"] is Level.DISABLED
        findings = session.analyze_stack(STACK, _rule_stack("0.0.0.0/0"))
        assert {f.level for f in findings if f.policy == "security-group-rule-stays-in-plan"} == {Level.MANDATORY}
        fip = "openstack:networking/floatingIp:FloatingIp"
        records = [*_rule_stack("10.64.0.0/16"), ResourceRecord(urn(fip, "f"), fip, "f", True, inputs={})]
        assert not [f for f in session.analyze_stack(STACK, records) if f.policy == "no-floating-ip"]


def test_invalid_property_is_one_clear_error(tmp_path: Path) -> None:
    config = _write(tmp_path, {"volume-uses-encrypted-type": {"encryptedVolumeTypes": "encrypted"}})
    with pytest.raises(PolicyPackConfigError) as raised:
        PolicyPackSession(PACK_DIR, project="sovcloud", config_file=config)
    message = str(raised.value)
    assert "sovereign-cloud" in message and "volume-uses-encrypted-type" in message
    assert "encryptedVolumeTypes" in message and "not of type 'array'" in message
    assert "\n" not in message


def test_invalid_catalogue_override_is_rejected(tmp_path: Path) -> None:
    config = _write(tmp_path, {"provider-resolves-to-eu-site": {"catalogue": {"sites": {"xx": {"country": "usa"}}}}})
    with pytest.raises(PolicyPackConfigError, match=r"provider-resolves-to-eu-site.*catalogue\.sites\.xx\.country"):
        PolicyPackSession(PACK_DIR, project="sovcloud", config_file=config)


def test_invalid_enforcement_level_names_file_and_key(tmp_path: Path) -> None:
    config = _write(tmp_path, {"no-floating-ip": "sometimes"})
    with pytest.raises(PolicyPackConfigError, match=r"policy-config\.json: no-floating-ip: 'sometimes' is not a valid"):
        PolicyPackSession(PACK_DIR, project="sovcloud", config_file=config)
