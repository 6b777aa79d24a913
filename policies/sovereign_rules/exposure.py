"""Exposure: no floating IP, no external network, no port that bypasses filtering.

Floating IPs, their associations and port forwarding only exist on external networks; an
external network (declared directly, through raw `valueSpecs`, or shared as external through an
RBAC policy) is a path out. A port with port security off, or with allowed address pairs
outside the plan, lets traffic past every security group.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import Severity

from .core.addresses import outside_plan
from .core.catalogue import plan
from .core.framework import MANDATORY, Resource, Rule
from .core.references import NO_INTERNET
from .core.types import CLUSTER_TEMPLATE, NETWORK, PORT, RBAC_POLICY
from .core.values import Unknown, flag, get, items, text, value_specs

FLOATING_IP: Final = "openstack:networking/floatingIp:FloatingIp"
FLOATING_IP_ASSOCIATE: Final = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
PORT_FORWARDING: Final = "openstack:networking/portForwardingV2:PortForwardingV2"
CLUSTER: Final = "openstack:containerinfra/cluster:Cluster"


def _always(what: str) -> Iterator[str]:
    yield f"{what}: floating IPs only exist on external networks, and the federation has none"


def _floating_ip(r: Resource) -> Iterator[str]:
    yield from _always("a floating IP is allocated")


def _floating_ip_associate(r: Resource) -> Iterator[str]:
    yield from _always("a floating IP is associated with a port")


def _port_forwarding(r: Resource) -> Iterator[str]:
    yield from _always("a floating IP forwards a port")


def _cluster_floating(r: Resource) -> Iterator[str]:
    enabled = flag(r.props.get("floatingIpEnabled"))
    if isinstance(enabled, Unknown):
        yield "floatingIpEnabled could not be verified during preview (unknown value); it must be false"
    elif enabled is True:
        yield from _always("floatingIpEnabled is true")


def _external_flag(r: Resource) -> Iterator[str]:
    external = flag(r.props.get("external"))
    if isinstance(external, Unknown):
        yield "external could not be verified during preview (unknown value); it must be false"
    elif external is True:
        yield "the network is external (router:external): a path out of the federation"
    for key, value in value_specs(r.props).items():
        if key.lower() == "router:external" and flag(value) is not False:
            yield "valueSpecs sets router:external: a raw external network"


def _rbac_external(r: Resource) -> Iterator[str]:
    action = r.props.get("action")
    if isinstance(action, Unknown):
        yield "action could not be verified during preview (unknown value)"
    elif text(action) == "access_as_external":
        yield "the RBAC policy shares a network as external (access_as_external)"


def _template_external(r: Resource) -> Iterator[str]:
    network = r.props.get("externalNetworkId")
    if isinstance(network, Unknown) or text(network) is not None:
        yield "externalNetworkId is set: the cluster template attaches clusters to an external network"
    yield from _cluster_floating(r)


def _port_security(r: Resource) -> Iterator[str]:
    enabled = flag(r.props.get("portSecurityEnabled"))
    if isinstance(enabled, Unknown):
        yield "portSecurityEnabled could not be verified during preview (unknown value); it must stay true"
    elif enabled is False:
        yield "portSecurityEnabled is false: the port bypasses every security group"
    for key, value in value_specs(r.props).items():
        if key.lower() == "port_security_enabled" and flag(value) is not True:
            yield "valueSpecs sets port_security_enabled: port security must stay on"
    if r.type != PORT:
        return
    pairs = items(r.props.get("allowedAddressPairs"))
    if isinstance(pairs, Unknown):
        yield "allowedAddressPairs could not be verified during preview (unknown value)"
        return
    for index, pair in enumerate(pairs):
        message = outside_plan(get(pair, "ipAddress"), plan(r.catalogue), f"allowedAddressPairs[{index}].ipAddress")
        if message:
            yield message


RULES: Final = [
    Rule(
        name="no-floating-ip",
        description="No floating IP, floating IP association or port forwarding: they only exist to reach outside.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation="Remove the floating IP; reach services through the transit network or an internal load balancer.",
        checks={
            FLOATING_IP: _floating_ip,
            FLOATING_IP_ASSOCIATE: _floating_ip_associate,
            PORT_FORWARDING: _port_forwarding,
            CLUSTER: _cluster_floating,
        },
    ),
    Rule(
        name="no-external-network",
        description="No network is external, whether declared, set through raw valueSpecs or shared by RBAC.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation="Remove external=True / valueSpecs router:external / access_as_external RBAC policies.",
        checks={NETWORK: _external_flag, RBAC_POLICY: _rbac_external, CLUSTER_TEMPLATE: _template_external},
    ),
    Rule(
        name="port-security-stays-on",
        description="Ports and networks keep port security on and allow no address pair outside the plan.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation=(
            "Leave port_security_enabled unset or true; restrict allowed_address_pairs to in-plan addresses "
            "(a VIP of the tenant's own subnet)."
        ),
        checks={PORT: _port_security, NETWORK: _port_security},
    ),
]
