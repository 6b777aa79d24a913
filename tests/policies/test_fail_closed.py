"""Fail closed: a mandatory decision on an unknown value is a mandatory violation saying so;
unknown IDs of related resources decide nothing and cause no violation at all."""

from __future__ import annotations

import pytest

from sovcloud.analyzer import PolicyPackSession
from sovcloud.results import Finding, Level, ResourceRecord

from .harness import STACK, UNKNOWN_STRING, load_providers, materialize, urn

PROVIDERS = load_providers()


def _provider(key: str) -> ResourceRecord:
    spec = PROVIDERS[key]
    return ResourceRecord(
        urn(spec["type"], spec["name"]), spec["type"], spec["name"], True, inputs=materialize(spec["inputs"])
    )


def _analyze(
    session: PolicyPackSession,
    resource_type: str,
    inputs: dict[str, object],
    provider: str = "openstack-lu",
    *,
    protect: bool = False,
) -> list[Finding]:
    prov = _provider(provider)
    record = ResourceRecord(
        urn(resource_type, "r"),
        resource_type,
        "r",
        True,
        provider=prov.urn,
        inputs=materialize(inputs),
        protect=protect,
    )
    return [f for f in session.analyze_stack(STACK, [prov, record]) if f.urn == record.urn]


UNKNOWN_DECIDES = [
    (
        "cidr",
        "security-group-rule-stays-in-plan",
        "openstack:networking/secGroupRule:SecGroupRule",
        {"direction": "egress", "ethertype": "IPv4", "remoteIpPrefix": "$unknown", "securityGroupId": "$unknown"},
    ),
    (
        "gateway",
        "router-has-no-external-gateway",
        "openstack:networking/router:Router",
        {"name": "r", "externalNetworkId": "$unknown"},
    ),
    (
        "region",
        "resource-placed-in-eu-site",
        "openstack:blockstorage/volume:Volume",
        {"size": 1.0, "volumeType": "encrypted", "region": "$unknown"},
    ),
    (
        "subnet-cidr",
        "subnet-stays-in-plan",
        "openstack:networking/subnet:Subnet",
        {"networkId": "$unknown", "cidr": "$unknown"},
    ),
    (
        "image",
        "container-image-from-site-registry",
        "kubernetes:core/v1:Pod",
        {"spec": {"containers": [{"name": "c", "image": "$unknown"}]}},
    ),
]


@pytest.mark.parametrize(
    ("what", "policy", "resource_type", "inputs"), UNKNOWN_DECIDES, ids=[u[0] for u in UNKNOWN_DECIDES]
)
def test_unknown_deciding_value_is_a_mandatory_violation(
    what: str, policy: str, resource_type: str, inputs: dict[str, object], pack_session: PolicyPackSession
) -> None:
    provider = "kubernetes-lu" if resource_type.startswith("kubernetes:") else "openstack-lu"
    findings = [f for f in _analyze(pack_session, resource_type, inputs, provider) if f.policy == policy]
    assert findings, f"an unknown {what} must not pass {policy}"
    assert all(f.level is Level.MANDATORY for f in findings)
    assert any("could not be verified" in f.message for f in findings)


def test_unknown_provider_region_fails_placement(pack_session: PolicyPackSession) -> None:
    prov = ResourceRecord(
        urn("pulumi:providers:openstack", "p"),
        "pulumi:providers:openstack",
        "p",
        True,
        inputs={"region": UNKNOWN_STRING, "authUrl": "https://keystone.eu-lu-1.sov.internal:5000/v3"},
    )
    findings = [f for f in pack_session.analyze_stack(STACK, [prov]) if f.policy == "provider-resolves-to-eu-site"]
    assert findings and findings[0].level is Level.MANDATORY
    assert "could not be verified" in findings[0].message


UNKNOWN_IDS = [
    (
        "openstack:networking/secGroupRule:SecGroupRule",
        {"direction": "ingress", "ethertype": "IPv4", "remoteGroupId": "$unknown", "securityGroupId": "$unknown"},
    ),
    ("openstack:networking/routerInterface:RouterInterface", {"routerId": "$unknown", "subnetId": "$unknown"}),
    (
        "openstack:networking/port:Port",
        {"networkId": "$unknown", "securityGroupIds": "$unknown", "fixedIps": [{"subnetId": "$unknown"}]},
    ),
    (
        "openstack:networking/subnet:Subnet",
        {"networkId": "$unknown", "cidr": "10.80.0.0/24", "subnetpoolId": "$unknown"},
    ),
    (
        "openstack:compute/instance:Instance",
        {"securityGroups": ["web"], "flavorId": "$unknown", "imageId": "$unknown", "networks": [{"uuid": "$unknown"}]},
    ),
    (
        "openstack:vpnaas/siteConnection:SiteConnection",
        {
            "ikepolicyId": "$unknown",
            "ipsecpolicyId": "$unknown",
            "vpnserviceId": "$unknown",
            "peerAddress": "10.127.1.1",
            "peerEpGroupId": "$unknown",
            "localEpGroupId": "$unknown",
        },
    ),
]


@pytest.mark.parametrize(("resource_type", "inputs"), UNKNOWN_IDS, ids=[u[0].rsplit(":", 1)[-1] for u in UNKNOWN_IDS])
def test_unknown_related_ids_cause_no_violation(
    resource_type: str, inputs: dict[str, object], pack_session: PolicyPackSession
) -> None:
    findings = _analyze(pack_session, resource_type, inputs)
    assert findings == [], [(f.policy, f.message) for f in findings]


def test_no_policy_is_downgraded_to_advisory_by_the_sdk(pack_session: PolicyPackSession) -> None:
    """The SDK reports a policy that touches an unknown as advisory ("can't run policy"): never ours."""
    everything_unknown = {
        key: "$unknown"
        for key in (
            "remoteIpPrefix",
            "direction",
            "region",
            "cidr",
            "spec",
            "metadata",
            "externalNetworkId",
            "dnsNameservers",
            "routes",
        )
    }
    for resource_type in (
        "openstack:networking/secGroupRule:SecGroupRule",
        "openstack:networking/subnet:Subnet",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:core/v1:Service",
    ):
        provider = "kubernetes-lu" if resource_type.startswith("kubernetes:") else "openstack-lu"
        findings = _analyze(pack_session, resource_type, everything_unknown, provider)
        assert not [f for f in findings if "can't run policy" in f.message]
        assert findings and all(f.level is Level.MANDATORY for f in findings if "could not be verified" in f.message)
