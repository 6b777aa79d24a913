"""Keystone federation mapping rules, generated from the catalogue: who gets which group on a site.

Pure data in, pure data out (no Pulumi), so the operations split can be unit-tested rule by rule.
A rule maps a person authenticated by the federation's realm (issuer pinned in every rule) and
carrying one IdP group to one Keystone group of the same name; the roles come from that group's
role assignments on the site. So a mapping only decides *membership*, and it grants it only as
`federation.md` allows: the hosting partner's group on its own sites only, the operations
partner's group on both, a tenant's group (added by the tenant's stack) on both sites, and
nothing at all for the technology vendor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from federation_catalogue import Catalogue

# mod_auth_openidc hands claims to Keystone as `OIDC-<claim>` (OIDCClaimPrefix "OIDC-"); the groups
# claim is the realm's group-membership mapper (see components/identity_provider.py).
USER_CLAIM = "OIDC-preferred_username"
ISSUER_CLAIM = "OIDC-iss"
GROUPS_CLAIM = "OIDC-groups"
# Keystone groups of the operations split and of tenants live in the sites' default domain.
GROUP_DOMAIN = "Default"
PROTOCOL = "openid"
TENANT_GROUP_PREFIX = "tenant-"
_TENANT_NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}[a-z0-9]$")

Rule = dict[str, Any]


def realm_issuer(catalogue: Catalogue) -> str:
    """The federation realm's issuer URL: the only identity Keystone trusts (`remote_ids`)."""
    idp = catalogue.identity_provider
    return f"{str(idp.url).rstrip('/')}/realms/{idp.realm}"


def identity_provider_id(catalogue: Catalogue) -> str:
    """Keystone's id for the federation's identity provider (it appears in WebSSO URLs)."""
    return catalogue.identity_provider.realm


def mapping_id(catalogue: Catalogue) -> str:
    return f"{catalogue.identity_provider.realm}-{PROTOCOL}"


def tenant_group(tenant: str) -> str:
    """The realm group of one tenant (its people sit in its subgroups, one per tenant group)."""
    if not _TENANT_NAME.fullmatch(tenant):
        raise ValueError(f"tenant name {tenant!r} must be lowercase letters, digits and dashes (2-42 characters)")
    return f"{TENANT_GROUP_PREFIX}{tenant}"


def tenant_member_group(tenant: str, group: str) -> str:
    """One of a tenant's groups: the realm subgroup and the Keystone group of that name on each site
    (the tenant stack creates it with roles in the tenant's projects: components/tenant_project.py)."""
    if not _TENANT_NAME.fullmatch(group) and not re.fullmatch(r"^[a-z0-9]$", group):
        raise ValueError(f"tenant group name {group!r} must be lowercase letters, digits and dashes")
    return f"{tenant_group(tenant)}-{group}"


def group_rule(catalogue: Catalogue, group: str) -> Rule:
    """People of the realm in IdP group `group` become members of Keystone group `group`."""
    return {
        "local": [
            {"user": {"name": "{0}", "type": "ephemeral"}},
            {"group": {"name": group, "domain": {"name": GROUP_DOMAIN}}},
        ],
        "remote": [
            {"type": USER_CLAIM},
            {"type": ISSUER_CLAIM, "any_one_of": [realm_issuer(catalogue)]},
            {"type": GROUPS_CLAIM, "any_one_of": [group]},
        ],
    }


def partner_groups(catalogue: Catalogue, site_key: str) -> list[str]:
    """The partner groups that earn a role on `site_key`; the vendor never appears."""
    if site_key not in catalogue.sites:
        raise ValueError(f"unknown site {site_key!r} (catalogue sites: {', '.join(catalogue.sites)})")
    vendor = catalogue.partners.get("vendor")
    if vendor is not None and (vendor.group or vendor.roles or vendor.tenant_project_roles):
        raise ValueError("infra/federation.yaml: partners.vendor: the technology vendor has no group and no role")
    groups: list[str] = []
    for key, partner in catalogue.partners.items():
        if key == "vendor" or partner.group is None or not partner.roles.get(site_key):
            continue
        groups.append(partner.group)
    return groups


def site_rules(catalogue: Catalogue, site_key: str) -> list[Rule]:
    """The platform's rules on one site: one per partner group with a role there."""
    return [group_rule(catalogue, group) for group in partner_groups(catalogue, site_key)]


def tenant_rules(catalogue: Catalogue, tenant: str, groups: Sequence[str]) -> list[Rule]:
    """A tenant's rules (the same on both sites): each of its realm groups to the Keystone group of the
    same name, whose role assignments exist only in the tenant's own projects."""
    partner = {p.group for p in catalogue.partners.values() if p.group}
    rules: list[Rule] = []
    for group in groups:
        name = tenant_member_group(tenant, group)
        if name in partner:
            raise ValueError(f"tenant group {name!r} would collide with a partner group")
        rules.append(group_rule(catalogue, name))
    return rules


def mapped_groups(rules: list[Rule]) -> set[str]:
    """Every Keystone group a list of rules can put someone in (for tests and reviews)."""
    names: set[str] = set()
    for rule in rules:
        for local in rule.get("local", []):
            group = local.get("group")
            if isinstance(group, dict) and isinstance(group.get("name"), str):
                names.add(group["name"])
    return names
