"""The one site resolver (`federation_catalogue.sites`) over plain provider and resource inputs."""

from __future__ import annotations

import json

import pytest
from federation_catalogue import load_catalogue
from federation_catalogue.sites import Placement, origin, provider_site, resource_site

CATALOGUE = load_catalogue()
OPENSTACK = "pulumi:providers:openstack"
KUBERNETES = "pulumi:providers:kubernetes"
UNKNOWN = object()


def _unknown(value: object) -> bool:
    return value is UNKNOWN


def _kubeconfig(server: str, context: str = "eu-lu-1") -> str:
    return json.dumps(
        {
            "clusters": [{"name": "c", "cluster": {"server": server}}],
            "contexts": [{"name": context, "context": {"cluster": "c"}}],
            "current-context": context,
        }
    )


def test_openstack_provider_on_its_site() -> None:
    inputs = {"region": "eu-lu-1", "authUrl": "https://KEYSTONE.eu-lu-1.sov.internal.:5000/v3"}
    assert provider_site(CATALOGUE, OPENSTACK, inputs) == Placement("lu")


@pytest.mark.parametrize(
    ("inputs", "reason"),
    [
        ({"region": "eu-be-1", "authUrl": "https://keystone.eu-lu-1.sov.internal:5000/v3"}, "disagree"),
        ({"region": "us-east-1", "authUrl": "https://keystone.eu-lu-1.sov.internal:5000/v3"}, "not a region"),
        ({"authUrl": "https://keystone.eu-lu-1.sov.internal:5000/v3"}, "no region"),
        ({"region": UNKNOWN, "authUrl": "https://keystone.eu-lu-1.sov.internal:5000/v3"}, "unknown value"),
        (
            {
                "region": "eu-lu-1",
                "authUrl": "https://keystone.eu-lu-1.sov.internal:5000/v3",
                "endpointOverrides": {"compute": "https://nova.example.com/"},
            },
            "endpointOverrides.compute",
        ),
    ],
)
def test_openstack_provider_placed_nowhere(inputs: dict[str, object], reason: str) -> None:
    placed = provider_site(CATALOGUE, OPENSTACK, inputs, _unknown)
    assert placed.site is None
    assert any(reason in r for r in placed.reasons), placed.reasons


def test_kubernetes_server_compared_as_a_client_dials_it() -> None:
    assert provider_site(
        CATALOGUE, KUBERNETES, {"kubeconfig": _kubeconfig("https://K8S.eu-lu-1.sov.internal:6443/")}
    ) == (Placement("lu"))
    elsewhere = provider_site(CATALOGUE, KUBERNETES, {"kubeconfig": _kubeconfig("https://k8s.eu-lu-1.sov.internal")})
    assert elsewhere.site is None  # port 443, not the API's 6443
    wrong_context = provider_site(
        CATALOGUE, KUBERNETES, {"kubeconfig": _kubeconfig("https://k8s.eu-lu-1.sov.internal:6443", "eu-be-1")}
    )
    assert wrong_context.site is None and "does not name the region" in wrong_context.reasons[0]


def test_keycloak_provider_is_on_the_identity_providers_site() -> None:
    url = str(CATALOGUE.identity_provider.url)
    assert provider_site(CATALOGUE, "pulumi:providers:keycloak", {"url": url}).site == CATALOGUE.identity_provider.site
    assert provider_site(CATALOGUE, "pulumi:providers:keycloak", {"url": "https://id.example.com"}).site is None


def test_unknown_provider_type_is_placed_nowhere() -> None:
    assert provider_site(CATALOGUE, "pulumi:providers:aws", {"region": "eu-lu-1"}).site is None


def test_resource_region_overrides_and_must_agree() -> None:
    lu = Placement("lu")
    assert resource_site(CATALOGUE, lu, {}) is lu
    assert resource_site(CATALOGUE, lu, {"region": "eu-lu-1"}) == lu
    assert resource_site(CATALOGUE, lu, {"region": "eu-be-1"}).site is None
    assert resource_site(CATALOGUE, lu, {"region": UNKNOWN}, _unknown).site is None


def test_origin_normalises_what_clients_ignore() -> None:
    assert origin("HTTPS://user:pw@Host.Example.:443/x") == ("https", "host.example", None)
    assert origin("https://bücher.example/") == ("https", "xn--bcher-kva.example", None)
    assert origin("not a url") is None
