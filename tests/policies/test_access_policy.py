"""The access policies through the analyzer protocol: what the project's own federation code declares
passes them, and what breaks the operations split is denied. (Their allow/deny examples run in
test_examples.py from policies/sovereign_rules/access.examples.yaml.)"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pulumi
import pytest
from federation_catalogue import Catalogue
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from components.identity_provider import keycloak_provider
from components.keystone_federation import mapping_rules
from components.keystone_federation.resources import KeystoneMappingRules, KeystoneTarget
from components.keystone_federation.site_federation import SiteFederation, SiteFederationArgs
from components.tenant_identity import TenantIdentity, TenantIdentityArgs, TenantIdentitySite
from sovcloud.analyzer import PolicyPackSession
from sovcloud.engine.preview_mocks import PreviewMocks
from sovcloud.engine.recording import RecordingMonitor
from sovcloud.engine.records import to_records
from sovcloud.results import Finding, Level, ResourceRecord
from tests.conftest import OfflineStack

from .harness import PACK_DIR

ACCESS_POLICIES = {
    "federation-trusts-only-the-realm",
    "federation-mapping-follows-operations-split",
    "role-assignment-follows-operations-split",
}


def _records(body: Callable[[], None], catalogue: Catalogue, stack: str = "access") -> list[ResourceRecord]:
    """Run `body` as a program under the preview mocks, and present it as the engine would."""
    mocks = PreviewMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="sovcloud", stack=stack, preview=True, monitor=monitor)
    runtime_settings.ROOT.set(None)
    runtime_settings.SETTINGS.rpc_manager.clear()
    runtime_settings.SETTINGS.outputs.clear()
    _sync_await(run_in_stack(body))
    return to_records(monitor.registrations, stack=stack, project="sovcloud", catalogue=catalogue, config={})


def _access(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.policy in ACCESS_POLICIES]


def test_access_policies_are_mandatory_and_tagged(pack_session: PolicyPackSession) -> None:
    declared = {p.name: p for p in pack_session.policies}
    for name in ACCESS_POLICIES:
        policy = declared[name]
        assert "access" in policy.tags
        assert policy.enforcement_level is Level.MANDATORY


def test_the_platform_stack_passes(platform_run: OfflineStack, pack_session: PolicyPackSession) -> None:
    kinds = {r.inputs.get("kind") for r in platform_run.records if r.type == "pulumi-python:dynamic:Resource"}
    assert {"keystone-identity-provider", "keystone-mapping", "keystone-federation-protocol"} <= kinds
    assert not _access(pack_session.analyze_stack("platform", platform_run.records))


def test_each_sites_generated_federation_passes(catalogue: Catalogue, pack_session: PolicyPackSession) -> None:
    def body() -> None:
        for key, site in catalogue.sites.items():
            SiteFederation(f"fed-{key}", SiteFederationArgs(site=site, catalogue=catalogue))

    assert not _access(pack_session.analyze_stack("access", _records(body, catalogue)))


def test_a_tenants_generated_identity_passes(catalogue: Catalogue, pack_session: PolicyPackSession) -> None:
    def body() -> None:
        keycloak = keycloak_provider("keycloak", catalogue, client_id="tenant-acme", client_secret="s3cret")
        sites = tuple(TenantIdentitySite(site=site) for site in catalogue.sites.values())
        args = TenantIdentityArgs(tenant="acme", catalogue=catalogue, groups=("admins", "auditors"), sites=sites)
        TenantIdentity("acme", args, pulumi.ResourceOptions(providers=[keycloak]))

    records = _records(body, catalogue, stack="tenant-acme")
    assert [r for r in records if r.inputs.get("kind") == "keystone-mapping-rules"]
    assert not _access(pack_session.analyze_stack("tenant-acme", records))


def _tenant_rules(catalogue: Catalogue, owner: str, rules: list[dict[str, object]]) -> list[ResourceRecord]:
    def body() -> None:
        KeystoneMappingRules(
            "rules",
            KeystoneTarget.for_site(catalogue.site("lu")),
            mapping_id=mapping_rules.mapping_id(catalogue),
            owner=owner,
            rules=rules,
        )

    return _records(body, catalogue, stack="tenant-acme")


def test_a_tenant_adding_another_tenants_rules_is_denied(catalogue: Catalogue, pack_session: PolicyPackSession) -> None:
    records = _tenant_rules(catalogue, "tenant-acme", mapping_rules.tenant_rules(catalogue, "bank", ["admins"]))
    denied = _access(pack_session.analyze_stack("tenant-acme", records))
    assert [f.policy for f in denied] == ["federation-mapping-follows-operations-split"]
    assert "another tenant's group" in denied[0].message
    assert denied[0].level is Level.MANDATORY


def test_a_tenant_mapping_the_hosting_partner_is_denied(catalogue: Catalogue, pack_session: PolicyPackSession) -> None:
    rule = mapping_rules.group_rule(catalogue, "tenant-acme-admins")
    rule["remote"][2]["any_one_of"] = ["hosting-operators"]
    denied = _access(pack_session.analyze_stack("tenant-acme", _tenant_rules(catalogue, "tenant-acme", [rule])))
    assert any("gives the hosting partner a role in a tenant project" in f.message for f in denied)


def test_a_mapping_from_a_foreign_identity_provider_is_denied(
    catalogue: Catalogue, pack_session: PolicyPackSession
) -> None:
    rule = mapping_rules.group_rule(catalogue, "tenant-acme-admins")
    rule["remote"][1]["any_one_of"] = ["https://login.microsoftonline.com/common/v2.0"]
    denied = _access(pack_session.analyze_stack("tenant-acme", _tenant_rules(catalogue, "tenant-acme", [rule])))
    assert [f.policy for f in denied] == ["federation-trusts-only-the-realm"]


@pytest.fixture(scope="module")
def hosting_on_both_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyPackSession]:
    """The pack with a catalogue override (as `--policy-pack-config` gives it): hosting serves both sites."""
    override = {"partners": {"hosting": {"roles": {"lu": ["admin"], "be": ["admin"]}}}}
    path: Path = tmp_path_factory.mktemp("access") / "policy-config.json"
    path.write_text(json.dumps({"federation-mapping-follows-operations-split": {"catalogue": override}}))
    with PolicyPackSession(PACK_DIR, project="sovcloud", config_file=path) as session:
        yield session


def test_the_split_follows_the_catalogue_override(
    catalogue: Catalogue, pack_session: PolicyPackSession, hosting_on_both_sites: PolicyPackSession
) -> None:
    def body() -> None:  # the lu rules (hosting partner included) declared on site be
        KeystoneMappingRules(
            "rules",
            KeystoneTarget.for_site(catalogue.site("be")),
            mapping_id="sovcloud-openid",
            owner="tenant-acme",
            rules=[mapping_rules.group_rule(catalogue, "tenant-acme-admins")],
        )
        from components.keystone_federation.resources import KeystoneMapping

        KeystoneMapping(
            "be-mapping",
            KeystoneTarget.for_site(catalogue.site("be")),
            mapping_id="sovcloud-openid",
            rules=mapping_rules.site_rules(catalogue, "lu"),
        )

    records = _records(body, catalogue)
    assert any("holds no role" in f.message for f in _access(pack_session.analyze_stack("access", records)))
    assert not _access(hosting_on_both_sites.analyze_stack("access", records))
