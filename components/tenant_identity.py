"""A tenant's people in the federation: its groups in the realm, and its rules in each site's mapping.

The tenant stack's projects already hold the tenant's Keystone groups (`tenant-<tenant>-<group>`,
with roles in the tenant's own project of each site: components/tenant_project.py). This adds the
other half: the realm group `tenant-<tenant>` with one subgroup per tenant group (through the
Keycloak provider the program hands down with `providers=[...]`), and on each site the rules that
map a realm subgroup to the Keystone group of the same name, inside the site's federation mapping
(which the platform stack owns). A tenant's people so get roles in its own projects, on both sites,
and nowhere else; no rule names another tenant or a partner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_keycloak as keycloak
from federation_catalogue import Catalogue, Site

from components.keystone_federation import mapping_rules
from components.keystone_federation.resources import KeystoneMappingRules, KeystoneTarget


@dataclass(frozen=True)
class TenantIdentitySite:
    """One site of the tenant, and its Keystone groups there (mapped only once they exist)."""

    site: Site
    cloud: str | None = None  # clouds.yaml entry of the site; defaults to sovcloud-<site>
    keystone_groups: Sequence[pulumi.Resource] = field(default=())


@dataclass(frozen=True)
class TenantIdentityArgs:
    tenant: str
    catalogue: Catalogue
    groups: tuple[str, ...]  # the tenant's group names (config `groups[].name`)
    sites: tuple[TenantIdentitySite, ...]
    # False when the stack has no Keycloak credential (`identity` unset): only the Keystone rules.
    realm_groups: bool = True

    def __post_init__(self) -> None:
        for group in self.groups:
            mapping_rules.tenant_member_group(self.tenant, group)  # raises on an invalid name
        if len(set(self.groups)) != len(self.groups):
            raise ValueError(f"tenant {self.tenant!r}: a group name repeats ({', '.join(self.groups)})")
        keys = [entry.site.key for entry in self.sites]
        if len(set(keys)) != len(keys):
            raise ValueError(f"tenant {self.tenant!r}: a site appears twice ({', '.join(keys)})")


class TenantIdentity(pulumi.ComponentResource):
    """The tenant's realm groups, and its mapping rules on every site of the tenant."""

    realm_group: keycloak.Group | None
    realm_subgroups: dict[str, keycloak.Group]
    mapping_rules: dict[str, KeystoneMappingRules]

    def __init__(self, name: str, args: TenantIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant_identity:TenantIdentity", name, None, opts)
        realm = args.catalogue.identity_provider.realm
        parent_name = mapping_rules.tenant_group(args.tenant)
        self.realm_group = None
        self.realm_subgroups = {}
        if args.realm_groups:
            self.realm_group = keycloak.Group(
                f"{name}-realm-group",
                realm_id=realm,
                name=parent_name,
                attributes={"tenant": args.tenant},
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.realm_subgroups = {
                group: keycloak.Group(
                    f"{name}-realm-group-{group}",
                    realm_id=realm,
                    parent_id=self.realm_group.id,
                    name=mapping_rules.tenant_member_group(args.tenant, group),
                    attributes={"tenant": args.tenant},
                    opts=pulumi.ResourceOptions(parent=self),
                )
                for group in args.groups
            }
        self.mapping_rules = {}
        if args.groups:  # a tenant without groups has nobody to map
            rules = mapping_rules.tenant_rules(args.catalogue, args.tenant, args.groups)
            for entry in args.sites:
                self.mapping_rules[entry.site.key] = KeystoneMappingRules(
                    f"{name}-{entry.site.key}-mapping-rules",
                    KeystoneTarget.for_site(entry.site, entry.cloud),
                    mapping_id=mapping_rules.mapping_id(args.catalogue),
                    owner=parent_name,
                    rules=rules,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=list(entry.keystone_groups)),
                )
        self.register_outputs({"group": parent_name, "sites": sorted(self.mapping_rules)})
