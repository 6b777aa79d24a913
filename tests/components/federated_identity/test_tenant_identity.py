"""TenantIdentity under the mock runtime: the tenant's realm groups, and on each site its rules in
the platform's mapping, mapping only to its own groups."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from conftest import Declare, by_type, dynamic_of_kind
from federation_catalogue import Catalogue

from components.identity_provider import keycloak_provider
from components.keystone_federation import mapping_rules
from components.tenant_identity import TenantIdentity, TenantIdentityArgs, TenantIdentitySite

GROUP = "keycloak:index/group:Group"


def _declare_tenant(declare: Declare, catalogue: Catalogue, groups: tuple[str, ...] = ("admins", "auditors")) -> Any:
    def body() -> None:
        keycloak = keycloak_provider("keycloak", catalogue, client_id="tenant-acme-pulumi", client_secret="s3cret")
        sites = tuple(TenantIdentitySite(site=site) for site in catalogue.sites.values())
        args = TenantIdentityArgs(tenant="acme", catalogue=catalogue, groups=groups, sites=sites)
        TenantIdentity("acme-identity", args, pulumi.ResourceOptions(providers=[keycloak]))

    return declare(body)


def test_the_tenant_groups_are_added_to_the_realm(declare: Declare, catalogue: Catalogue) -> None:
    regs = _declare_tenant(declare, catalogue)
    (keycloak,) = by_type(regs, "pulumi:providers:keycloak")
    groups = {g.inputs["name"]: g for g in by_type(regs, GROUP)}
    assert set(groups) == {"tenant-acme", "tenant-acme-admins", "tenant-acme-auditors"}
    assert all(g.inputs["realmId"] == "sovcloud" for g in groups.values())
    assert all(g.provider_ref.rsplit("::", 1)[0] == keycloak.urn for g in groups.values())
    for sub in ("tenant-acme-admins", "tenant-acme-auditors"):
        assert groups["tenant-acme"].urn in groups[sub].dependencies  # a subgroup of the tenant's group


def test_each_site_gets_the_tenants_rules_in_the_platform_mapping(declare: Declare, catalogue: Catalogue) -> None:
    regs = _declare_tenant(declare, catalogue)
    rule_sets = {r.inputs["region"]: r for r in dynamic_of_kind(regs, "keystone-mapping-rules")}
    assert set(rule_sets) == {site.region for site in catalogue.sites.values()}
    for site in catalogue.sites.values():
        rules = rule_sets[site.region]
        assert rules.inputs["auth_url"] == str(site.identity_endpoint)
        assert rules.inputs["cloud"] == f"sovcloud-{site.key}"
        assert rules.inputs["mapping_id"] == "sovcloud-openid"
        assert rules.inputs["owner"] == "tenant-acme"
        assert rules.inputs["rules"] == mapping_rules.tenant_rules(catalogue, "acme", ["admins", "auditors"])
        assert mapping_rules.mapped_groups(rules.inputs["rules"]) == {"tenant-acme-admins", "tenant-acme-auditors"}


def test_rules_wait_for_the_keystone_groups(declare: Declare, catalogue: Catalogue) -> None:
    import pulumi_openstack as openstack

    def body() -> None:
        sites = []
        for key, site in catalogue.sites.items():
            group = openstack.identity.GroupV3(f"{key}-admins", name="tenant-acme-admins")
            sites.append(TenantIdentitySite(site=site, keystone_groups=(group,)))
        TenantIdentity(
            "acme", TenantIdentityArgs(tenant="acme", catalogue=catalogue, groups=("admins",), sites=tuple(sites))
        )

    regs = declare(body)
    groups = {g.name: g.urn for g in by_type(regs, "openstack:identity/groupV3:GroupV3")}
    for rules in dynamic_of_kind(regs, "keystone-mapping-rules"):
        site_key = "lu" if rules.inputs["region"] == "eu-lu-1" else "be"
        assert rules.dependencies == (groups[f"{site_key}-admins"],)


def test_no_partner_and_no_other_tenant_appears(declare: Declare, catalogue: Catalogue) -> None:
    text = str([r.inputs for r in _declare_tenant(declare, catalogue) if r.type != "pulumi:providers:keycloak"])
    assert "operations-operators" not in text and "hosting-operators" not in text
    assert "vendor" not in text


def test_a_tenant_without_groups_maps_nobody(declare: Declare, catalogue: Catalogue) -> None:
    regs = _declare_tenant(declare, catalogue, groups=())
    assert not dynamic_of_kind(regs, "keystone-mapping-rules")
    assert [g.inputs["name"] for g in by_type(regs, GROUP)] == ["tenant-acme"]


@pytest.mark.parametrize(
    ("tenant", "groups", "message"),
    [
        ("Acme Corp", ("admins",), "tenant name"),
        ("acme", ("Admins",), "tenant group name"),
        ("acme", ("a", "a"), "repeats"),
    ],
)
def test_invalid_arguments_are_refused(
    catalogue: Catalogue, tenant: str, groups: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        TenantIdentityArgs(tenant=tenant, catalogue=catalogue, groups=groups, sites=())


def test_without_keycloak_credentials_only_the_keystone_rules(declare: Declare, catalogue: Catalogue) -> None:
    sites = tuple(TenantIdentitySite(site=site) for site in catalogue.sites.values())
    args = TenantIdentityArgs(tenant="acme", catalogue=catalogue, groups=("admins",), sites=sites, realm_groups=False)
    regs = declare(lambda: TenantIdentity("acme", args))
    assert not [r for r in regs if r.type.startswith("keycloak:") or r.type == "pulumi:providers:keycloak"]
    assert len(dynamic_of_kind(regs, "keystone-mapping-rules")) == len(catalogue.sites)
