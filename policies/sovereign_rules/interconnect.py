"""Interconnect: firewall rules, VPN and BGP peers stay in the plan; inter-site crypto is strong.

FWaaS `allow` rules with a missing source or destination match every address. VPN peers and
peer ranges must be the partner site over the transit network. The VPNaaS defaults are weak
(IKEv1, AES-128, SHA-1, DH group 5): every IKE and IPsec policy spells out strong choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from pulumi_policy import Severity

from .core.addresses import outside_plan, parse_network
from .core.catalogue import domains, plan
from .core.framework import MANDATORY, Resource, Rule, framework
from .core.references import NO_INTERNET
from .core.values import Unknown, items, text

FIREWALL_RULE: Final = "openstack:firewall/ruleV2:RuleV2"
SITE_CONNECTION: Final = "openstack:vpnaas/siteConnection:SiteConnection"
ENDPOINT_GROUP: Final = "openstack:vpnaas/endpointGroup:EndpointGroup"
BGP_PEER: Final = "openstack:networking/bgpPeerV2:BgpPeerV2"
IKE_POLICY: Final = "openstack:vpnaas/ikePolicy:IkePolicy"
IPSEC_POLICY: Final = "openstack:vpnaas/ipSecPolicy:IpSecPolicy"

STRONG_ENCRYPTION: Final = re.compile(r"^aes-256(-(ctr|ccm-(8|12|16)|gcm-(8|12|16)))?$")
STRONG_AUTH: Final = frozenset({"sha256", "sha384", "sha512"})
STRONG_PFS: Final = frozenset({f"group{n}" for n in (14, 15, 16, 17, 18, 19, 20, 21, 31)})


def _firewall_rule(r: Resource) -> Iterator[str]:
    action = r.props.get("action")
    if isinstance(action, Unknown):
        yield "action could not be verified during preview (unknown value)"
        return
    if str(text(action) or "deny").lower() != "allow":
        return
    for field in ("sourceIpAddress", "destinationIpAddress"):
        value = r.props.get(field)
        if text(value) is None and not isinstance(value, Unknown):
            yield f"this allow rule has no {field}, so it matches every address"
            continue
        message = outside_plan(value, plan(r.catalogue), f"{field} of this allow rule")
        if message:
            yield message


def _peer_address(value: Any, r: Resource, what: str) -> Iterator[str]:
    if text(value) is None and not isinstance(value, Unknown):
        yield f"{what} is missing, so the peer cannot be verified"
        return
    if isinstance(value, str) and parse_network(value) is None:
        host = value.strip().lower().rstrip(".")
        if any(host.endswith("." + domain) for domain in domains(r.catalogue) if domain):
            return
        yield f"{what} {value!r} is neither an in-plan address nor a host of a catalogue site"
        return
    message = outside_plan(value, plan(r.catalogue), what)
    if message:
        yield message


def _site_connection(r: Resource) -> Iterator[str]:
    yield from _peer_address(r.props.get("peerAddress"), r, "peerAddress")
    cidrs = items(r.props.get("peerCidrs"))
    if isinstance(cidrs, Unknown):
        yield "peerCidrs could not be verified during preview (unknown value)"
        return
    for index, cidr in enumerate(cidrs):
        message = outside_plan(cidr, plan(r.catalogue), f"peerCidrs[{index}]")
        if message:
            yield message


def _endpoint_group(r: Resource) -> Iterator[str]:
    kind = r.props.get("type")
    if isinstance(kind, Unknown):
        yield "type could not be verified during preview (unknown value)"
        return
    if text(kind) != "cidr":
        return  # subnets, networks, routers: IDs of resources checked on their own
    endpoints = items(r.props.get("endpoints"))
    if isinstance(endpoints, Unknown):
        yield "endpoints could not be verified during preview (unknown value)"
        return
    for index, endpoint in enumerate(endpoints):
        message = outside_plan(endpoint, plan(r.catalogue), f"endpoints[{index}]")
        if message:
            yield message


def _bgp_peer(r: Resource) -> Iterator[str]:
    message = outside_plan(r.props.get("peerIp"), plan(r.catalogue), "peerIp")
    if message:
        yield message


def _crypto(r: Resource, *, ike: bool) -> Iterator[str]:
    defaults = {"encryptionAlgorithm": "aes-128", "authAlgorithm": "sha1", "pfs": "group5"}
    if ike:
        defaults["ikeVersion"] = "v1"
    values: dict[str, str | None] = {}
    for field, default in defaults.items():
        value = r.props.get(field)
        if isinstance(value, Unknown):
            yield f"{field} could not be verified during preview (unknown value)"
            values[field] = None
        else:
            values[field] = str(text(value) or default).lower()
    if ike and values["ikeVersion"] not in {None, "v2"}:
        yield f"ikeVersion is {values['ikeVersion']}; use v2"
    encryption = values["encryptionAlgorithm"]
    if encryption is not None and not STRONG_ENCRYPTION.match(encryption):
        yield f"encryptionAlgorithm is {encryption}; use aes-256 (or an aes-256 GCM/CCM/CTR mode)"
    if values["authAlgorithm"] not in {None, *STRONG_AUTH}:
        yield f"authAlgorithm is {values['authAlgorithm']}; use sha256, sha384 or sha512"
    if values["pfs"] not in {None, *STRONG_PFS}:
        yield f"pfs is {values['pfs']}; use DH group 14 or stronger (14-21, 31)"
    protocol = text(r.props.get("transformProtocol"))
    if not ike and isinstance(protocol, Unknown):
        yield "transformProtocol could not be verified during preview (unknown value)"
    elif not ike and isinstance(protocol, str) and protocol.lower() == "ah":
        yield "transformProtocol is ah, which authenticates but does not encrypt; use esp"


def _ike(r: Resource) -> Iterator[str]:
    yield from _crypto(r, ike=True)


def _ipsec(r: Resource) -> Iterator[str]:
    yield from _crypto(r, ike=False)


RULES: Final = [
    Rule(
        name="firewall-rule-stays-in-plan",
        description="FWaaS allow rules name a source and a destination inside the address plan.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation="Set source_ip_address and destination_ip_address of every allow rule to in-plan ranges.",
        checks={FIREWALL_RULE: _firewall_rule},
    ),
    Rule(
        name="vpn-peer-stays-in-plan",
        description="VPN site connections, endpoint groups and BGP peers only reach the partner site in the plan.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "interconnect", "network", "openstack"),
        framework=NO_INTERNET,
        remediation=(
            "Peer only with the partner site's transit address (federation.yaml sites.*.transit) and its "
            "site range; never with an address outside the plan."
        ),
        checks={SITE_CONNECTION: _site_connection, ENDPOINT_GROUP: _endpoint_group, BGP_PEER: _bgp_peer},
    ),
    Rule(
        name="vpn-crypto-is-strong",
        description="Inter-site IKE and IPsec policies use IKEv2, AES-256, SHA-256 or better and DH group 14+.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("crypto", "interconnect", "openstack"),
        framework=framework(
            "SecNumCloud", "10.2.a", "Strong cryptography for data in transit between sites (VPNaaS defaults are weak)."
        ),
        remediation=(
            "Set ike_version='v2', encryption_algorithm='aes-256', auth_algorithm='sha256' (or stronger) and "
            "pfs='group14' (or stronger) on every IkePolicy and IpSecPolicy; transform_protocol 'esp'."
        ),
        checks={IKE_POLICY: _ike, IPSEC_POLICY: _ipsec},
    ),
]
