"""Security groups: no rule reaches outside the address plan, no group keeps Neutron's defaults.

Neutron creates every security group with allow-all egress rules (IPv4 and IPv6) unless
`deleteDefaultRules` is set, and attaches the project's `default` group (allow-all egress) to any
instance or port that names no group. A rule without a remote prefix or group matches every
address; a remote *group* or *address group* is fine (its members are ports and address groups
of the plan, and their IDs may well be unknown during preview).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import Severity

from .core.addresses import outside_plan
from .core.catalogue import plan
from .core.framework import MANDATORY, Resource, Rule
from .core.references import NO_INTERNET
from .core.types import INSTANCE, PORT
from .core.values import UNKNOWN, Unknown, flag, get, items, text

SEC_GROUP_RULE: Final = "openstack:networking/secGroupRule:SecGroupRule"
SEC_GROUP: Final = "openstack:networking/secGroup:SecGroup"
ADDRESS_GROUP: Final = "openstack:networking/addressGroupV2:AddressGroupV2"


def _rule_in_plan(r: Resource) -> Iterator[str]:
    props = r.props
    direction = text(props.get("direction"))
    label = direction if isinstance(direction, str) else "security group"
    prefix = props.get("remoteIpPrefix")
    by_group = text(props.get("remoteGroupId")) is not None or text(props.get("remoteAddressGroupId")) is not None
    if by_group and text(prefix) is None and not isinstance(prefix, Unknown):
        return  # remote group / address group: members are ports and groups of the plan
    if text(prefix) is None and not isinstance(prefix, Unknown):
        yield (
            f"this {label} rule has no remoteIpPrefix and no remote group, so it matches every address "
            "(0.0.0.0/0 or ::/0)"
        )
        return
    message = outside_plan(prefix, plan(r.catalogue), f"remoteIpPrefix of this {label} rule")
    if message:
        yield message


def _group_drops_defaults(r: Resource) -> Iterator[str]:
    delete = flag(r.props.get("deleteDefaultRules"))
    if isinstance(delete, Unknown):
        yield "deleteDefaultRules could not be verified during preview (unknown value); it must be true"
    elif delete is not True:
        yield (
            "deleteDefaultRules is not true, so Neutron keeps its default allow-all egress rules "
            "(IPv4 0.0.0.0/0 and IPv6 ::/0)"
        )


def _instance_groups(r: Resource) -> Iterator[str]:
    groups = items(r.props.get("securityGroups"))
    if isinstance(groups, Unknown):
        yield "securityGroups could not be verified during preview (unknown value)"
        return
    names = [text(g) for g in groups]
    if "default" in names:
        yield "securityGroups names the project's 'default' group, which allows all egress"
    if groups:
        return
    networks = items(r.props.get("networks"))
    if isinstance(networks, Unknown):
        yield "networks could not be verified during preview (unknown value), and securityGroups is empty"
        return
    if not networks and text(r.props.get("networkMode")) == "none":
        return
    if not networks or any(text(get(n, "port")) is None and get(n, "port") is not UNKNOWN for n in networks):
        yield (
            "the instance names no security group and attaches a network without a pre-made port, so "
            "Nova falls back to the project's 'default' group (allow-all egress)"
        )


def _port_groups(r: Resource) -> Iterator[str]:
    if flag(r.props.get("noSecurityGroups")) is True or flag(r.props.get("portSecurityEnabled")) is False:
        return  # no group at all, or port security off (reported by port-security-stays-on)
    groups = items(r.props.get("securityGroupIds"))
    if isinstance(groups, Unknown) or groups:
        return  # IDs of related groups: unknown during preview is fine
    yield "the port names no securityGroupIds, so Neutron attaches the project's 'default' group (allow-all egress)"


def _address_group_in_plan(r: Resource) -> Iterator[str]:
    addresses = items(r.props.get("addresses"))
    if isinstance(addresses, Unknown):
        yield "addresses could not be verified during preview (unknown value)"
        return
    for index, address in enumerate(addresses):
        message = outside_plan(address, plan(r.catalogue), f"addresses[{index}]")
        if message:
            yield message


RULES: Final = [
    Rule(
        name="security-group-rule-stays-in-plan",
        description="Security group rules (ingress and egress, IPv4 and IPv6) only reach the federation address plan.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation=(
            "Set remoteIpPrefix to a range inside the federation plan (a site, pool or service range of "
            "federation.yaml), or use remoteGroupId; never leave both empty."
        ),
        checks={SEC_GROUP_RULE: _rule_in_plan, ADDRESS_GROUP: _address_group_in_plan},
    ),
    Rule(
        name="security-group-drops-default-egress",
        description="Security groups are created with deleteDefaultRules so Neutron's allow-all egress rules go.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation="Create every SecGroup with delete_default_rules=True and add explicit in-plan rules.",
        checks={SEC_GROUP: _group_drops_defaults},
    ),
    Rule(
        name="no-fallback-to-default-security-group",
        description="Instances and ports name their security groups instead of falling back to 'default'.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "network", "openstack"),
        framework=NO_INTERNET,
        remediation=(
            "Give every instance security_groups (or attach only pre-made ports) and every port "
            "security_group_ids; never use the project's 'default' group."
        ),
        checks={INSTANCE: _instance_groups, PORT: _port_groups},
    ),
]
