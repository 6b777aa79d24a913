"""The federation's Keycloak realm under the mock runtime: groups, clients, mappers, provider."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from conftest import Declare, by_type
from federation_catalogue import Catalogue

from components.identity_provider import IdentityProvider, IdentityProviderArgs, keycloak_provider
from components.site_providers import kubeconfig_for

SECRET_SIG = "4dabf18193072939515e22adb298388d"
CLIENT = "keycloak:openid/client:Client"
MAPPER = "keycloak:openid/groupMembershipProtocolMapper:GroupMembershipProtocolMapper"


def _declare_realm(declare: Declare, catalogue: Catalogue) -> list[Any]:
    def body() -> None:
        provider = keycloak_provider("keycloak", catalogue, client_id="sovcloud-pulumi", client_secret="s3cret")
        IdentityProvider("identity", IdentityProviderArgs(catalogue), pulumi.ResourceOptions(providers=[provider]))

    return declare(body)


def test_keycloak_provider_points_at_the_catalogue_and_keeps_its_secret(declare: Declare, catalogue: Catalogue) -> None:
    (provider,) = by_type(_declare_realm(declare, catalogue), "pulumi:providers:keycloak")
    assert provider.inputs["url"] == "https://id.eu-be-1.sov.internal"
    assert provider.inputs["clientId"] == "sovcloud-pulumi"
    assert provider.inputs["realm"] == "master"
    assert SECRET_SIG in provider.inputs["clientSecret"]  # wrapped as a Pulumi secret
    assert "username" not in provider.inputs and "password" not in provider.inputs


def test_every_keycloak_resource_goes_through_the_explicit_provider(declare: Declare, catalogue: Catalogue) -> None:
    regs = _declare_realm(declare, catalogue)
    (provider,) = by_type(regs, "pulumi:providers:keycloak")
    keycloak_resources = [r for r in regs if r.type.startswith("keycloak:")]
    assert keycloak_resources
    assert {r.provider_ref.rsplit("::", 1)[0] for r in keycloak_resources} == {provider.urn}


def test_the_realm_is_the_catalogues_and_protected(declare: Declare, catalogue: Catalogue) -> None:
    (realm,) = by_type(_declare_realm(declare, catalogue), "keycloak:index/realm:Realm")
    assert realm.inputs["realm"] == "sovcloud"
    assert realm.inputs["registrationAllowed"] is False
    assert realm.inputs["sslRequired"] == "all"
    assert realm.protect and realm.retain_on_delete


def test_partner_groups_and_never_the_vendor(declare: Declare, catalogue: Catalogue) -> None:
    regs = _declare_realm(declare, catalogue)
    groups = {r.inputs["name"] for r in by_type(regs, "keycloak:index/group:Group")}
    assert groups == {"hosting-operators", "operations-operators"}
    assert all(r.inputs.get("realmId") == "sovcloud" for r in regs if r.type.startswith("keycloak:index/group"))
    assert not [r for r in regs if "vendor" in json.dumps(r.inputs).lower() or "vendor" in r.name]


def test_a_keystone_client_per_site_on_its_own_keystone(declare: Declare, catalogue: Catalogue) -> None:
    clients = {r.inputs["clientId"]: r for r in by_type(_declare_realm(declare, catalogue), CLIENT)}
    for site in catalogue.sites.values():
        client = clients[f"keystone-{site.region}"]
        assert client.inputs["accessType"] == "CONFIDENTIAL"
        assert client.inputs["standardFlowEnabled"] is True
        assert client.inputs["implicitFlowEnabled"] is False
        assert client.inputs["directAccessGrantsEnabled"] is False
        endpoint = str(site.identity_endpoint).rstrip("/")
        assert f"{endpoint}/auth/OS-FEDERATION/websso/openid/redirect" in client.inputs["validRedirectUris"]
        assert all(uri.startswith(endpoint + "/") for uri in client.inputs["validRedirectUris"])


def test_kubernetes_clients_match_the_site_kubeconfigs(declare: Declare, catalogue: Catalogue) -> None:
    clients = {r.inputs["clientId"]: r for r in by_type(_declare_realm(declare, catalogue), CLIENT)}
    for site in catalogue.sites.values():
        kubeconfig = json.loads(kubeconfig_for(site, catalogue))
        args = kubeconfig["users"][0]["user"]["exec"]["args"]
        client_id = next(a.split("=", 1)[1] for a in args if a.startswith("--oidc-client-id="))
        issuer = next(a.split("=", 1)[1] for a in args if a.startswith("--oidc-issuer-url="))
        client = clients[client_id]
        assert client.inputs["accessType"] == "PUBLIC"
        assert client.inputs["pkceCodeChallengeMethod"] == "S256"
        assert issuer == "https://id.eu-be-1.sov.internal/realms/sovcloud"
    assert set(clients) == {
        f"{kind}-{s.region}" for kind in ("keystone", "kubernetes") for s in catalogue.sites.values()
    }


def test_every_client_puts_groups_in_its_tokens(declare: Declare, catalogue: Catalogue) -> None:
    regs = _declare_realm(declare, catalogue)
    clients = by_type(regs, CLIENT)
    mappers = by_type(regs, MAPPER)
    assert len(mappers) == len(clients)
    for mapper in mappers:
        assert mapper.inputs["claimName"] == "groups"
        assert mapper.inputs["fullPath"] is False
        assert mapper.inputs["addToIdToken"] is True and mapper.inputs["addToAccessToken"] is True
    # each mapper hangs on one client (by dependency: client ids are unknown during preview)
    client_urns = {c.urn for c in clients}
    assert {next(iter(set(m.dependencies) & client_urns)) for m in mappers} == client_urns


def test_a_catalogue_giving_the_vendor_a_group_is_refused(declare: Declare, catalogue: Catalogue) -> None:
    raw = catalogue.model_dump(mode="json")
    raw["partners"]["vendor"].update({"group": "vendor-support", "roles": {"be": ["admin"]}})
    for site in raw["sites"].values():
        site.pop("key")
    broken = Catalogue.model_validate(raw)
    with pytest.raises(ValueError, match="technology vendor"):
        declare(lambda: IdentityProvider("identity", IdentityProviderArgs(broken)))
