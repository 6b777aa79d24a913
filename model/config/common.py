"""Config pieces shared by every kind of stack."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class Strict(BaseModel):
    """Base of every config model: unknown keys are errors (a typo never silently drops a value)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DualStackRange(Strict):
    """An IPv4 range and an IPv6 range, allocated together."""

    ipv4: ipaddress.IPv4Network
    ipv6: ipaddress.IPv6Network

    def networks(self) -> tuple[ipaddress.IPv4Network, ipaddress.IPv6Network]:
        return (self.ipv4, self.ipv6)


OPENSTACK_QUOTA_MAX = 2**31 - 1
"""Nova, Cinder and Neutron store quota limits as 32-bit integers and refuse anything larger."""


class Quotas(Strict):
    """Per-project quotas on one site. Negative values are refused (no 'unlimited' -1 either), and so
    is anything OpenStack would refuse (RAM is set in MiB, so its GiB bound is 1024 times smaller)."""

    instances: int = Field(default=10, ge=0, le=OPENSTACK_QUOTA_MAX)
    cores: int = Field(default=20, ge=0, le=OPENSTACK_QUOTA_MAX)
    ram_gib: int = Field(default=64, ge=0, le=OPENSTACK_QUOTA_MAX // 1024, alias="ramGiB")
    volumes: int = Field(default=20, ge=0, le=OPENSTACK_QUOTA_MAX)
    gigabytes: int = Field(default=1000, ge=0, le=OPENSTACK_QUOTA_MAX)
    snapshots: int = Field(default=20, ge=0, le=OPENSTACK_QUOTA_MAX)
    networks: int = Field(default=4, ge=0, le=OPENSTACK_QUOTA_MAX)
    subnets: int = Field(default=8, ge=0, le=OPENSTACK_QUOTA_MAX)
    routers: int = Field(default=2, ge=0, le=OPENSTACK_QUOTA_MAX)
    ports: int = Field(default=100, ge=0, le=OPENSTACK_QUOTA_MAX)
    security_groups: int = Field(default=20, ge=0, le=OPENSTACK_QUOTA_MAX, alias="securityGroups")
    security_group_rules: int = Field(default=200, ge=0, le=OPENSTACK_QUOTA_MAX, alias="securityGroupRules")
    floating_ips: int = Field(default=0, ge=0, le=0, alias="floatingIps")


class KeycloakAccess(Strict):
    """How a stack's program reaches the federation's Keycloak: a service-account client, never a person."""

    client_id: str = Field(alias="clientId", pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    client_secret: SecretStr = Field(alias="clientSecret")  # a `secure:` value in the stack file
    admin_realm: str = Field(default="master", alias="adminRealm", min_length=1)
