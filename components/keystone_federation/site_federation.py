"""One site's Keystone trusts the federation's identity provider: identity provider, mapping, protocol.

Keystone (with mod_auth_openidc in front) accepts a login only from the realm's issuer, and the
mapping, generated from the catalogue, gives each person only the Keystone groups the operations
split allows on this site. Tenant stacks add their own rules to the same mapping
(components/tenant_identity.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from federation_catalogue import Catalogue, Site

from components.keystone_federation import mapping_rules
from components.keystone_federation.resources import (
    KeystoneFederationProtocol,
    KeystoneIdentityProvider,
    KeystoneMapping,
    KeystoneTarget,
)

# mod_auth_openidc passes the token's issuer to Keystone as this variable (OIDCClaimPrefix "OIDC-").
REMOTE_ID_ATTRIBUTE = "HTTP_OIDC_ISS"


@dataclass(frozen=True)
class SiteFederationArgs:
    """The site whose Keystone trusts the realm, and the clouds.yaml entry that administers it."""

    site: Site
    catalogue: Catalogue
    cloud: str | None = None  # defaults to sovcloud-<site>, as for the site's OpenStack provider


class SiteFederation(pulumi.ComponentResource):
    """Keystone federation of one site with the realm."""

    identity_provider: KeystoneIdentityProvider
    mapping: KeystoneMapping
    protocol: KeystoneFederationProtocol

    def __init__(self, name: str, args: SiteFederationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:keystone_federation:SiteFederation", name, None, opts)
        catalogue = args.catalogue
        target = KeystoneTarget.for_site(args.site, args.cloud)
        idp_id = mapping_rules.identity_provider_id(catalogue)
        mapping_id = mapping_rules.mapping_id(catalogue)
        self.identity_provider = KeystoneIdentityProvider(
            f"{name}-idp",
            target,
            idp_id=idp_id,
            remote_ids=[mapping_rules.realm_issuer(catalogue)],
            description=f"The federation's identity provider (realm {catalogue.identity_provider.realm})",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.mapping = KeystoneMapping(
            f"{name}-mapping",
            target,
            mapping_id=mapping_id,
            rules=mapping_rules.site_rules(catalogue, args.site.key),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.protocol = KeystoneFederationProtocol(
            f"{name}-{mapping_rules.PROTOCOL}",
            target,
            idp_id=idp_id,
            protocol_id=mapping_rules.PROTOCOL,
            mapping_id=mapping_id,
            remote_id_attribute=REMOTE_ID_ATTRIBUTE,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.identity_provider, self.mapping]),
        )
        self.register_outputs({"idp_id": idp_id, "mapping_id": mapping_id, "region": args.site.region})
