"""The dynamic providers against a fake Keystone on loopback: create, read, diff, update, delete of
each kind, through openstacksdk and a clouds.yaml entry, as the engine would call them."""

from __future__ import annotations

import base64
from typing import Any

import dill
import pytest
from fake_keystone import FakeKeystone
from pulumi.dynamic.dynamic import serialize_provider

from components.keystone_federation.api import FederationApiError
from components.keystone_federation.provider import (
    IdentityProviderProvider,
    MappingProvider,
    MappingRulesProvider,
    ProtocolProvider,
)

ISSUER = "https://id.eu-be-1.sov.internal/realms/sovcloud"
# openstacksdk warns about its own future removals; not ours to act on
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def _rule(group: str) -> dict[str, Any]:
    return {
        "local": [{"user": {"name": "{0}"}}, {"group": {"name": group, "domain": {"name": "Default"}}}],
        "remote": [{"type": "OIDC-preferred_username"}, {"type": "OIDC-groups", "any_one_of": [group]}],
    }


def _idp(target: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "kind": "keystone-identity-provider",
        **target,
        "idp_id": "sovcloud",
        "remote_ids": [ISSUER],
        "enabled": True,
        "description": "the realm",
        **changes,
    }


def _mapping(target: dict[str, Any], rules: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    return {"kind": "keystone-mapping", **target, "mapping_id": "sovcloud-openid", "rules": rules, **changes}


def _rule_set(target: dict[str, Any], rules: list[dict[str, Any]], owner: str = "tenant-acme") -> dict[str, Any]:
    return {"kind": "keystone-mapping-rules", **target, "mapping_id": "sovcloud-openid", "owner": owner, "rules": rules}


def _protocol(target: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "kind": "keystone-federation-protocol",
        **target,
        "idp_id": "sovcloud",
        "protocol_id": "openid",
        "mapping_id": "sovcloud-openid",
        "remote_id_attribute": "HTTP_OIDC_ISS",
        **changes,
    }


# identity providers -----------------------------------------------------------------------------


def test_identity_provider_lifecycle(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    provider = IdentityProviderProvider()
    props = _idp(target)
    created = provider.create(props)
    assert created.id == "sovcloud"
    assert keystone.identity_providers["sovcloud"]["remote_ids"] == [ISSUER]
    assert (
        created.outs is not None and created.outs["domain_id"] == keystone.identity_providers["sovcloud"]["domain_id"]
    )

    state = created.outs
    assert provider.diff("sovcloud", state, props).changes is False
    news = _idp(target, remote_ids=[ISSUER, "https://id.eu-be-1.sov.internal/realms/other"])
    diff = provider.diff("sovcloud", state, news)
    assert diff.changes is True and diff.replaces == []

    updated = provider.update("sovcloud", state, news)
    assert keystone.identity_providers["sovcloud"]["remote_ids"] == news["remote_ids"]
    assert updated.outs is not None

    read = provider.read("sovcloud", updated.outs)
    assert read.id == "sovcloud" and read.outs is not None and read.outs["remote_ids"] == news["remote_ids"]

    provider.delete("sovcloud", updated.outs)
    assert "sovcloud" not in keystone.identity_providers
    assert provider.read("sovcloud", updated.outs).id == ""


def test_identity_provider_drift_is_seen_on_read(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    provider = IdentityProviderProvider()
    created = provider.create(_idp(target))
    keystone.identity_providers["sovcloud"]["remote_ids"] = ["https://idp.example.com/"]  # changed by hand
    read = provider.read("sovcloud", created.outs or {})
    assert read.outs is not None
    assert provider.diff("sovcloud", read.outs, _idp(target)).changes is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("idp_id", "other"), ("auth_url", "https://keystone.eu-lu-1.sov.internal:5000/v3"), ("region", "eu-lu-1")],
)
def test_identity_provider_replaced_when_its_identity_or_site_changes(
    target: dict[str, Any], field: str, value: str
) -> None:
    diff = IdentityProviderProvider().diff("sovcloud", _idp(target), _idp(target, **{field: value}))
    assert diff.changes is True
    assert diff.replaces == [field]
    assert diff.delete_before_replace is True


def test_a_new_clouds_entry_for_the_same_keystone_is_an_update(target: dict[str, Any]) -> None:
    diff = IdentityProviderProvider().diff("sovcloud", _idp(target), _idp(target, cloud="another-entry"))
    assert diff.changes is True and diff.replaces == []


def test_clouds_entry_pointing_elsewhere_is_refused_before_any_call(
    keystone: FakeKeystone, target: dict[str, Any]
) -> None:
    with pytest.raises(FederationApiError, match=r"clouds\.yaml entry 'elsewhere' authenticates at"):
        IdentityProviderProvider().create(_idp(target, cloud="elsewhere"))
    assert keystone.federation_calls() == []


def test_keystone_errors_surface(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    provider = IdentityProviderProvider()
    provider.create(_idp(target))
    with pytest.raises(FederationApiError, match="409"):
        provider.create(_idp(target))  # an identity provider of that id exists already


# mappings and tenants' rule sets ---------------------------------------------------------------


def test_mapping_lifecycle_keeps_tenant_rules(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    platform = MappingProvider()
    tenants = MappingRulesProvider()
    first = _mapping(target, [_rule("operations-operators")])
    created = platform.create(first)
    assert created.id == "sovcloud-openid"
    assert keystone.mappings["sovcloud-openid"]["rules"] == [_rule("operations-operators")]

    acme = tenants.create(_rule_set(target, [_rule("tenant-acme")]))
    assert acme.id == "sovcloud-openid/tenant-acme"
    assert keystone.mappings["sovcloud-openid"]["rules"] == [_rule("operations-operators"), _rule("tenant-acme")]

    second = _mapping(target, [_rule("operations-operators"), _rule("hosting-operators")])
    assert platform.diff("sovcloud-openid", created.outs or {}, second).changes is True
    platform.update("sovcloud-openid", created.outs or {}, second)
    live = keystone.mappings["sovcloud-openid"]["rules"]
    assert _rule("tenant-acme") in live and _rule("hosting-operators") in live and len(live) == 3

    # the platform's read only reports its own rules: the tenant's are not drift
    read = platform.read("sovcloud-openid", second)
    assert read.outs is not None and read.outs["rules"] == second["rules"]
    assert platform.diff("sovcloud-openid", read.outs, second).changes is False

    platform.delete("sovcloud-openid", second)
    assert "sovcloud-openid" not in keystone.mappings


def test_mapping_replaced_when_its_id_changes(target: dict[str, Any]) -> None:
    rules = [_rule("operations-operators")]
    diff = MappingProvider().diff("m", _mapping(target, rules), _mapping(target, rules, mapping_id="other"))
    assert diff.replaces == ["mapping_id"]


def test_tenant_rule_set_update_and_delete_touch_only_its_rules(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    MappingProvider().create(_mapping(target, [_rule("operations-operators")]))
    tenants = MappingRulesProvider()
    acme = _rule_set(target, [_rule("tenant-acme")])
    bank = _rule_set(target, [_rule("tenant-bank")], owner="tenant-bank")
    tenants.create(acme)
    tenants.create(bank)

    acme_next = _rule_set(target, [_rule("tenant-acme-new")])
    diff = tenants.diff("sovcloud-openid/tenant-acme", acme, acme_next)
    assert diff.changes is True and diff.replaces == []
    tenants.update("sovcloud-openid/tenant-acme", acme, acme_next)
    assert keystone.mappings["sovcloud-openid"]["rules"] == [
        _rule("operations-operators"),
        _rule("tenant-bank"),
        _rule("tenant-acme-new"),
    ]

    tenants.delete("sovcloud-openid/tenant-acme", acme_next)
    assert keystone.mappings["sovcloud-openid"]["rules"] == [_rule("operations-operators"), _rule("tenant-bank")]
    assert tenants.read("sovcloud-openid/tenant-acme", acme_next).id == ""
    assert tenants.read("sovcloud-openid/tenant-bank", bank).id == "sovcloud-openid/tenant-bank"


def test_tenant_rule_set_needs_the_platform_mapping(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    with pytest.raises(RuntimeError, match="deploy the platform stack first"):
        MappingRulesProvider().create(_rule_set(target, [_rule("tenant-acme")]))
    MappingRulesProvider().delete("sovcloud-openid/tenant-acme", _rule_set(target, [_rule("tenant-acme")]))


def test_tenant_rule_set_replaced_when_its_owner_changes(target: dict[str, Any]) -> None:
    rules = [_rule("tenant-acme")]
    diff = MappingRulesProvider().diff("x", _rule_set(target, rules), _rule_set(target, rules, owner="tenant-other"))
    assert diff.replaces == ["owner"]


# protocols -------------------------------------------------------------------------------------


def test_protocol_lifecycle(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    IdentityProviderProvider().create(_idp(target))
    MappingProvider().create(_mapping(target, [_rule("operations-operators")]))
    provider = ProtocolProvider()
    props = _protocol(target)
    created = provider.create(props)
    assert created.id == "sovcloud/openid"
    assert keystone.protocols[("sovcloud", "openid")]["mapping_id"] == "sovcloud-openid"
    assert keystone.protocols[("sovcloud", "openid")]["remote_id_attribute"] == "HTTP_OIDC_ISS"

    news = _protocol(target, mapping_id="sovcloud-openid-v2")
    diff = provider.diff(created.id, created.outs or {}, news)
    assert diff.changes is True and diff.replaces == []
    provider.update(created.id, created.outs or {}, news)
    assert keystone.protocols[("sovcloud", "openid")]["mapping_id"] == "sovcloud-openid-v2"
    read = provider.read(created.id, news)
    assert read.outs is not None and read.outs["mapping_id"] == "sovcloud-openid-v2"

    assert provider.diff(created.id, news, _protocol(target, protocol_id="saml2")).replaces == ["protocol_id"]

    provider.delete(created.id, news)
    assert ("sovcloud", "openid") not in keystone.protocols
    assert provider.read(created.id, news).id == ""


def test_protocol_needs_its_identity_provider(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    with pytest.raises(FederationApiError, match="404"):
        ProtocolProvider().create(_protocol(target))


# checks and serialization ----------------------------------------------------------------------


def test_check_refuses_malformed_inputs(target: dict[str, Any]) -> None:
    failures = MappingProvider().check({}, _mapping(target, [{"local": [], "remote": [{"type": "x"}]}])).failures
    assert [f.property for f in failures] == ["rules"]
    failures = MappingProvider().check({}, _mapping(target, [{**_rule("a"), "extra": 1}])).failures
    assert [f.property for f in failures] == ["rules"]
    failures = IdentityProviderProvider().check({}, _idp(target, remote_ids=[], kind="keystone-mapping")).failures
    assert {f.property for f in failures} == {"kind", "remote_ids"}
    failures = ProtocolProvider().check({}, {k: v for k, v in _protocol(target).items() if k != "cloud"}).failures
    assert [f.property for f in failures] == ["cloud"]
    assert IdentityProviderProvider().check({}, _idp(target)).failures == []


def test_unknown_values_are_not_checked_during_preview(target: dict[str, Any]) -> None:
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert MappingProvider().check({}, _mapping(target, unknown, mapping_id=unknown)).failures == []  # type: ignore[arg-type]


def test_the_serialized_provider_works_as_the_engine_loads_it(keystone: FakeKeystone, target: dict[str, Any]) -> None:
    blob = serialize_provider(IdentityProviderProvider())
    assert "application_credential" not in base64.b64decode(blob).decode("latin-1")  # nothing of clouds.yaml
    provider = dill.loads(base64.b64decode(blob))
    provider.create(_idp(target))
    assert "sovcloud" in keystone.identity_providers
