"""A site's explicit providers: every resource on a site goes through these, never a default.

Both the platform stack and every tenant stack create one `SiteProviders` per site and hand it
down with `providers=[...]`, so a resource can only land where its provider points. Credentials
never appear here: the OpenStack provider reads the application credential of the named
`clouds.yaml` entry, and the Kubernetes provider logs in through the federation's identity
provider (OIDC, kubelogin), so stack files hold no secret for either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s
import pulumi_openstack as openstack
from federation_catalogue import Catalogue, Site


@dataclass(frozen=True)
class SiteProvidersArgs:
    """Which catalogue site the providers point at."""

    site: Site
    catalogue: Catalogue
    # The clouds.yaml entry holding this site's application credential (never the secret itself).
    cloud: str | None = None


def kubeconfig_for(site: Site, catalogue: Catalogue) -> str:
    """A kubeconfig (JSON is YAML) whose only cluster is the site's API, logging in via the IdP."""
    idp = catalogue.identity_provider
    issuer = f"{str(idp.url).rstrip('/')}/realms/{idp.realm}"
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": site.region, "cluster": {"server": str(site.kubernetes_api).rstrip("/")}}],
            "users": [
                {
                    "name": f"oidc-{site.region}",
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1",
                            "command": "kubectl",
                            "args": [
                                "oidc-login",
                                "get-token",
                                f"--oidc-issuer-url={issuer}",
                                f"--oidc-client-id=kubernetes-{site.region}",
                            ],
                            "interactiveMode": "IfAvailable",
                        }
                    },
                }
            ],
            "contexts": [{"name": site.region, "context": {"cluster": site.region, "user": f"oidc-{site.region}"}}],
            "current-context": site.region,
        },
        sort_keys=True,
    )


class SiteProviders(pulumi.ComponentResource):
    """The OpenStack and Kubernetes providers of one site."""

    openstack: openstack.Provider
    kubernetes: k8s.Provider

    def __init__(self, name: str, args: SiteProvidersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:site_providers:SiteProviders", name, None, opts)
        site = args.site
        self.site = site
        self.openstack = openstack.Provider(
            f"{name}-openstack",
            auth_url=str(site.identity_endpoint),
            region=site.region,
            cloud=args.cloud or f"sovcloud-{site.key}",
            endpoint_type="internal",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.kubernetes = k8s.Provider(
            f"{name}-kubernetes",
            kubeconfig=kubeconfig_for(site, args.catalogue),
            context=site.region,
            cluster=site.region,
            enable_server_side_apply=True,
            delete_unreachable=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"region": site.region})

    @property
    def all(self) -> list[pulumi.ProviderResource]:
        """Both providers, for `ResourceOptions(providers=...)`."""
        return [self.openstack, self.kubernetes]
