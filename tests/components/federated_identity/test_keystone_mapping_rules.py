"""The mapping generator: the operations split, rule by rule, from the catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from federation_catalogue import Catalogue

from components.keystone_federation import mapping_rules

ISSUER = "https://id.eu-be-1.sov.internal/realms/sovcloud"


def _variant(catalogue: Catalogue, **partners: dict[str, Any]) -> Catalogue:
    raw = catalogue.model_dump(mode="json")
    for key, changes in partners.items():
        raw["partners"][key].update(changes)
    for key in raw["sites"]:
        raw["sites"][key].pop("key")
    return Catalogue.model_validate(raw)


def test_issuer_is_the_catalogue_realm(catalogue: Catalogue) -> None:
    assert mapping_rules.realm_issuer(catalogue) == ISSUER


def test_hosting_partner_is_mapped_on_lu_only(catalogue: Catalogue) -> None:
    assert mapping_rules.mapped_groups(mapping_rules.site_rules(catalogue, "lu")) == {
        "hosting-operators",
        "operations-operators",
    }
    assert mapping_rules.mapped_groups(mapping_rules.site_rules(catalogue, "be")) == {"operations-operators"}


@pytest.mark.parametrize("site", ["lu", "be"])
def test_every_rule_pins_the_realm_issuer_and_one_group(catalogue: Catalogue, site: str) -> None:
    for rule in mapping_rules.site_rules(catalogue, site):
        assert set(rule) == {"local", "remote"}
        remote = {entry["type"]: entry for entry in rule["remote"]}
        assert remote["OIDC-iss"]["any_one_of"] == [ISSUER]
        (group,) = remote["OIDC-groups"]["any_one_of"]
        assert mapping_rules.mapped_groups([rule]) == {group}
        assert "projects" not in str(rule["local"])  # membership only: roles come from group assignments


def test_the_vendor_is_never_mapped(catalogue: Catalogue) -> None:
    for site in catalogue.sites:
        assert "vendor" not in str(mapping_rules.site_rules(catalogue, site))


def test_a_catalogue_giving_the_vendor_a_group_is_refused(catalogue: Catalogue) -> None:
    broken = _variant(catalogue, vendor={"group": "vendor-support", "roles": {"be": ["admin"]}})
    with pytest.raises(ValueError, match="technology vendor"):
        mapping_rules.site_rules(broken, "be")


def test_rules_follow_the_catalogue_not_literals(catalogue: Catalogue) -> None:
    hosting_everywhere = _variant(catalogue, hosting={"roles": {"lu": ["admin"], "be": ["reader"]}})
    assert "hosting-operators" in mapping_rules.mapped_groups(mapping_rules.site_rules(hosting_everywhere, "be"))
    no_operations_on_lu = _variant(catalogue, operations={"roles": {"be": ["admin"]}})
    assert mapping_rules.mapped_groups(mapping_rules.site_rules(no_operations_on_lu, "lu")) == {"hosting-operators"}


def test_unknown_site_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(ValueError, match="unknown site 'fr'"):
        mapping_rules.site_rules(catalogue, "fr")


def test_a_tenant_is_mapped_to_its_own_groups_only(catalogue: Catalogue) -> None:
    rules = mapping_rules.tenant_rules(catalogue, "ministry-health", ["admins", "auditors"])
    assert mapping_rules.mapped_groups(rules) == {"tenant-ministry-health-admins", "tenant-ministry-health-auditors"}
    for rule in rules:
        remote = {entry["type"]: entry for entry in rule["remote"]}
        assert remote["OIDC-groups"]["any_one_of"] == list(mapping_rules.mapped_groups([rule]))
        assert remote["OIDC-iss"]["any_one_of"] == [ISSUER]


def test_tenant_group_names_are_the_tenant_projects(catalogue: Catalogue) -> None:
    from components.tenant_project import group_name

    assert mapping_rules.tenant_member_group("bank-bcee", "admins") == group_name("bank-bcee", "admins")


@pytest.mark.parametrize("name", ["", "A", "acme_corp", "-acme", "acme-", "x" * 60, "acme corp"])
def test_invalid_tenant_names_are_refused(catalogue: Catalogue, name: str) -> None:
    with pytest.raises(ValueError, match="tenant name"):
        mapping_rules.tenant_rules(catalogue, name, ["admins"])


def test_invalid_tenant_group_names_are_refused(catalogue: Catalogue) -> None:
    with pytest.raises(ValueError, match="tenant group name"):
        mapping_rules.tenant_rules(catalogue, "acme", ["Admins"])


def test_ids_follow_the_realm(catalogue: Catalogue) -> None:
    assert mapping_rules.identity_provider_id(catalogue) == "sovcloud"
    assert mapping_rules.mapping_id(catalogue) == "sovcloud-openid"
