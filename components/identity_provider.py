"""The federation's one identity provider: a Keycloak realm, run by the operations partner.

People log in once, here; both sites' Keystones and Kubernetes API servers trust this realm's
issuer and nothing else. The realm holds the partners' operator groups (tenant stacks add one group
per tenant), an OpenID Connect client per site for Keystone WebSSO and one per site for Kubernetes
(kubelogin, see components/site_providers.kubeconfig_for), each putting the person's groups in the
token. The technology vendor gets no group, no client and no role: it is refused from the catalogue
before anything is declared.

The Keycloak provider is created by the program (`keycloak_provider`) and handed down with
`providers=[...]`, like the sites' providers; it logs in as a service-account client whose secret
comes from a `secure:` stack config value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_keycloak as keycloak
from federation_catalogue import Catalogue, Site

from components.keystone_federation import mapping_rules

GROUPS_CLAIM = "groups"  # the token claim Keystone reads as OIDC-groups and Kubernetes as --oidc-groups-claim
KUBELOGIN_REDIRECTS = ("http://localhost:8000", "http://localhost:18000")  # kubelogin's loopback listeners


def keycloak_provider(
    name: str,
    catalogue: Catalogue,
    client_id: str,
    client_secret: pulumi.Input[str],
    admin_realm: str = "master",
    opts: pulumi.ResourceOptions | None = None,
) -> keycloak.Provider:
    """The explicit Keycloak provider, at the catalogue's URL, as a service-account client.

    The secret is wrapped as a Pulumi secret whatever the caller passes, so it is encrypted in state.
    """
    return keycloak.Provider(
        name,
        url=str(catalogue.identity_provider.url).rstrip("/"),
        realm=admin_realm,
        client_id=client_id,
        client_secret=pulumi.Output.secret(client_secret),
        initial_login=False,  # previews must not need the identity provider to be reachable
        opts=opts,
    )


def realm_groups(catalogue: Catalogue) -> dict[str, str]:
    """Partner key -> realm group, for partners that hold a role somewhere. Refuses a vendor entry
    that would give the technology vendor any group or role."""
    vendor = catalogue.partners.get("vendor")
    if vendor is not None and (vendor.group or vendor.roles or vendor.tenant_project_roles):
        raise ValueError("infra/federation.yaml: partners.vendor: the technology vendor has no group and no role")
    return {
        key: partner.group
        for key, partner in catalogue.partners.items()
        if key != "vendor" and partner.group and (partner.roles or partner.tenant_project_roles)
    }


def keystone_client_id(site: Site) -> str:
    return f"keystone-{site.region}"


def kubernetes_client_id(site: Site) -> str:
    """Must match `--oidc-client-id` in components/site_providers.kubeconfig_for."""
    return f"kubernetes-{site.region}"


def keystone_redirect_uris(site: Site, catalogue: Catalogue) -> list[str]:
    """Where the realm may send a browser back to this site's Keystone (WebSSO and the CLI's flow)."""
    base = str(site.identity_endpoint).rstrip("/")
    idp = mapping_rules.identity_provider_id(catalogue)
    protocol = mapping_rules.PROTOCOL
    return [
        f"{base}/auth/OS-FEDERATION/websso/{protocol}/redirect",
        f"{base}/auth/OS-FEDERATION/identity_providers/{idp}/protocols/{protocol}/websso/redirect",
        f"{base}/OS-FEDERATION/identity_providers/{idp}/protocols/{protocol}/auth",
    ]


@dataclass(frozen=True)
class IdentityProviderArgs:
    """The catalogue says everything: realm name, sites, partner groups."""

    catalogue: Catalogue


class IdentityProvider(pulumi.ComponentResource):
    """The federation's realm, its partner groups and one Keystone and one Kubernetes client per site."""

    realm: keycloak.Realm
    groups: dict[str, keycloak.Group]
    keystone_clients: dict[str, keycloak.openid.Client]
    kubernetes_clients: dict[str, keycloak.openid.Client]
    issuer: str

    def __init__(self, name: str, args: IdentityProviderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:identity_provider:IdentityProvider", name, None, opts)
        catalogue = args.catalogue
        groups = realm_groups(catalogue)  # raises before anything is registered
        self.issuer = mapping_rules.realm_issuer(catalogue)
        self.realm = self._realm(name, catalogue)
        realm_id = self.realm.realm  # the realm's id is its name, known at preview
        self.groups = {
            key: keycloak.Group(
                f"{name}-{group}",
                realm_id=realm_id,
                name=group,
                attributes={"partner": key},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for key, group in groups.items()
        }
        self.keystone_clients = {}
        self.kubernetes_clients = {}
        for key, site in catalogue.sites.items():
            self.keystone_clients[key] = self._keystone_client(name, realm_id, site, catalogue)
            self.kubernetes_clients[key] = self._kubernetes_client(name, realm_id, site)
        self.register_outputs(
            {
                "issuer": self.issuer,
                "groups": sorted(groups.values()),
                "keystone_clients": {k: c.client_id for k, c in self.keystone_clients.items()},
                "kubernetes_clients": {k: c.client_id for k, c in self.kubernetes_clients.items()},
            }
        )

    def _realm(self, name: str, catalogue: Catalogue) -> keycloak.Realm:
        return keycloak.Realm(
            f"{name}-realm",
            realm=catalogue.identity_provider.realm,
            display_name="Sovereign cloud federation",
            enabled=True,
            ssl_required="all",
            registration_allowed=False,  # accounts are provisioned, never self-registered
            reset_password_allowed=False,
            verify_email=True,
            password_policy="length(14) and notUsername and passwordHistory(5)",
            # people and their groups live here: never lost to a `pulumi destroy` mistake
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )

    def _groups_mapper(self, name: str, realm_id: pulumi.Input[str], client: keycloak.openid.Client) -> None:
        keycloak.openid.GroupMembershipProtocolMapper(
            f"{name}-groups",
            realm_id=realm_id,
            client_id=client.id,
            name="groups",
            claim_name=GROUPS_CLAIM,
            full_path=False,  # `operations-operators`, not `/operations-operators`: the mapping matches names
            add_to_id_token=True,
            add_to_access_token=True,
            add_to_userinfo=True,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _keystone_client(
        self, name: str, realm_id: pulumi.Input[str], site: Site, catalogue: Catalogue
    ) -> keycloak.openid.Client:
        """Confidential, standard (authorization code) flow only: Keystone's mod_auth_openidc."""
        client_id = keystone_client_id(site)
        client = keycloak.openid.Client(
            f"{name}-{client_id}",
            realm_id=realm_id,
            client_id=client_id,
            name=f"Keystone {site.region}",
            access_type="CONFIDENTIAL",
            standard_flow_enabled=True,
            implicit_flow_enabled=False,
            direct_access_grants_enabled=False,
            service_accounts_enabled=False,
            valid_redirect_uris=keystone_redirect_uris(site, catalogue),
            root_url=str(site.identity_endpoint).rstrip("/"),
            opts=pulumi.ResourceOptions(parent=self),  # its generated secret is a secret output already
        )
        self._groups_mapper(f"{name}-{client_id}", realm_id, client)
        return client

    def _kubernetes_client(self, name: str, realm_id: pulumi.Input[str], site: Site) -> keycloak.openid.Client:
        """Public with PKCE: kubelogin runs on the operator's machine and holds no secret."""
        client_id = kubernetes_client_id(site)
        client = keycloak.openid.Client(
            f"{name}-{client_id}",
            realm_id=realm_id,
            client_id=client_id,
            name=f"Kubernetes {site.region}",
            access_type="PUBLIC",
            standard_flow_enabled=True,
            implicit_flow_enabled=False,
            direct_access_grants_enabled=False,
            pkce_code_challenge_method="S256",
            valid_redirect_uris=list(KUBELOGIN_REDIRECTS),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self._groups_mapper(f"{name}-{client_id}", realm_id, client)
        return client
