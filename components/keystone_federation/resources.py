"""The Keystone federation objects as Pulumi resources (dynamic, see provider.py).

Inputs are plain values known at preview (ids are ours to choose), so the policy pack can read
every rule and issuer before anything is created.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic
from federation_catalogue import Site

from components.keystone_federation.provider import (
    KIND_IDENTITY_PROVIDER,
    KIND_MAPPING,
    KIND_MAPPING_RULES,
    KIND_PROTOCOL,
    IdentityProviderProvider,
    MappingProvider,
    MappingRulesProvider,
    ProtocolProvider,
)


@dataclass(frozen=True)
class KeystoneTarget:
    """Which Keystone: the site's identity endpoint and region, and the clouds.yaml entry (a name,
    never a secret) whose credentials reach it."""

    cloud: str
    auth_url: str
    region: str

    @classmethod
    def for_site(cls, site: Site, cloud: str | None = None) -> KeystoneTarget:
        """The same defaults as the site's OpenStack provider (components/site_providers.py)."""
        return cls(cloud=cloud or f"sovcloud-{site.key}", auth_url=str(site.identity_endpoint), region=site.region)

    def inputs(self, kind: str) -> dict[str, Any]:
        return {"kind": kind, "cloud": self.cloud, "auth_url": self.auth_url, "region": self.region}


class KeystoneIdentityProvider(pulumi.dynamic.Resource):
    """A Keystone identity provider trusting the given issuers."""

    idp_id: pulumi.Output[str]
    remote_ids: pulumi.Output[list[str]]
    domain_id: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        target: KeystoneTarget,
        idp_id: str,
        remote_ids: Sequence[str],
        description: str = "",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **target.inputs(KIND_IDENTITY_PROVIDER),
            "idp_id": idp_id,
            "remote_ids": list(remote_ids),
            "enabled": True,
            "description": description,
            "domain_id": None,
        }
        super().__init__(IdentityProviderProvider(), name, props, opts)


class KeystoneMapping(pulumi.dynamic.Resource):
    """A Keystone mapping holding the platform's rules of one site."""

    mapping_id: pulumi.Output[str]
    rules: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        name: str,
        target: KeystoneTarget,
        mapping_id: str,
        rules: Sequence[dict[str, Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {**target.inputs(KIND_MAPPING), "mapping_id": mapping_id, "rules": list(rules)}
        super().__init__(MappingProvider(), name, props, opts)


class KeystoneMappingRules(pulumi.dynamic.Resource):
    """One owner's rules (a tenant's) inside a mapping that another stack owns."""

    mapping_id: pulumi.Output[str]
    owner: pulumi.Output[str]
    rules: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        name: str,
        target: KeystoneTarget,
        mapping_id: str,
        owner: str,
        rules: Sequence[dict[str, Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {**target.inputs(KIND_MAPPING_RULES), "mapping_id": mapping_id, "owner": owner, "rules": list(rules)}
        super().__init__(MappingRulesProvider(), name, props, opts)


class KeystoneFederationProtocol(pulumi.dynamic.Resource):
    """A protocol of an identity provider, and the mapping its logins go through."""

    idp_id: pulumi.Output[str]
    protocol_id: pulumi.Output[str]
    mapping_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        target: KeystoneTarget,
        idp_id: str,
        protocol_id: str,
        mapping_id: str,
        remote_id_attribute: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **target.inputs(KIND_PROTOCOL),
            "idp_id": idp_id,
            "protocol_id": protocol_id,
            "mapping_id": mapping_id,
            "remote_id_attribute": remote_id_attribute,
        }
        super().__init__(ProtocolProvider(), name, props, opts)
