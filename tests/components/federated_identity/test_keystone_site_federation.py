"""SiteFederation under the mock runtime: what each site's Keystone is told to trust, and how."""

from __future__ import annotations

import pytest
from conftest import Declare, by_type, dynamic_of_kind
from federation_catalogue import Catalogue

from components.keystone_federation import mapping_rules
from components.keystone_federation.site_federation import SiteFederation, SiteFederationArgs

COMPONENT = "sovcloud:keystone_federation:SiteFederation"
SECRET_SIG = "4dabf18193072939515e22adb298388d"


@pytest.mark.parametrize("site_key", ["lu", "be"])
def test_site_federation_declares_idp_mapping_and_protocol(
    declare: Declare, catalogue: Catalogue, site_key: str
) -> None:
    site = catalogue.site(site_key)
    regs = declare(lambda: SiteFederation(f"fed-{site_key}", SiteFederationArgs(site=site, catalogue=catalogue)))
    (component,) = by_type(regs, COMPONENT)
    (idp,) = dynamic_of_kind(regs, "keystone-identity-provider")
    (mapping,) = dynamic_of_kind(regs, "keystone-mapping")
    (protocol,) = dynamic_of_kind(regs, "keystone-federation-protocol")
    for resource in (idp, mapping, protocol):
        assert resource.parent == component.urn
        assert resource.inputs["auth_url"] == str(site.identity_endpoint)
        assert resource.inputs["region"] == site.region
        assert resource.inputs["cloud"] == f"sovcloud-{site_key}"
        assert SECRET_SIG in resource.inputs["__provider"]  # the serialized provider is kept secret
    assert idp.inputs["idp_id"] == "sovcloud"
    assert idp.inputs["remote_ids"] == ["https://id.eu-be-1.sov.internal/realms/sovcloud"]
    assert mapping.inputs["mapping_id"] == "sovcloud-openid"
    assert mapping.inputs["rules"] == mapping_rules.site_rules(catalogue, site_key)
    assert protocol.inputs["idp_id"] == "sovcloud"
    assert protocol.inputs["protocol_id"] == "openid"
    assert protocol.inputs["mapping_id"] == "sovcloud-openid"
    assert set(protocol.dependencies) == {idp.urn, mapping.urn}


def test_hosting_partner_has_no_rule_on_be(declare: Declare, catalogue: Catalogue) -> None:
    regs = declare(lambda: SiteFederation("fed-be", SiteFederationArgs(site=catalogue.site("be"), catalogue=catalogue)))
    (mapping,) = dynamic_of_kind(regs, "keystone-mapping")
    assert "hosting-operators" not in str(mapping.inputs["rules"])
    assert "vendor" not in str(mapping.inputs["rules"])


def test_the_clouds_entry_follows_the_site_config(declare: Declare, catalogue: Catalogue) -> None:
    args = SiteFederationArgs(site=catalogue.site("lu"), catalogue=catalogue, cloud="lu-admin")
    regs = declare(lambda: SiteFederation("fed-lu", args))
    assert {r.inputs["cloud"] for r in regs if r.type == "pulumi-python:dynamic:Resource"} == {"lu-admin"}
