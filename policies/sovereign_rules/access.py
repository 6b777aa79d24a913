"""Access through federation: the operations split holds for every federated identity and role.

Keystone federation resources are Python dynamic resources (`pulumi-python:dynamic:Resource`) that
carry a `kind` input (`keystone-identity-provider`, `keystone-mapping`, `keystone-mapping-rules`,
`keystone-federation-protocol`); role assignments are `openstack:identity/roleAssignment`.

- Only the realm: an identity provider trusts only the catalogue realm's issuer; every mapping rule
  pins that issuer and never maps onto a local Keystone user.
- The split in mappings: a partner group is mapped only from that partner's own IdP group, and only
  on sites where the catalogue gives it roles; a tenant group only from that same tenant group
  (a tenant's rule set only into its own groups and projects); the hosting partner never into a
  tenant group or project; nobody into the vendor; no group names passed through from the token.
- The split in role assignments (stack policy): resolved through property dependencies to the
  declared group and project, the hosting partner holds no role in a tenant project nor on a site
  the catalogue does not list for it, and no group holds roles in several tenants' projects.

Tenant projects and groups follow the project's naming: projects `tenant-<tenant>` tagged
`tenant:<tenant>`, groups `tenant-<tenant>` and `tenant-<tenant>-<group>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Severity

from .core.catalogue import Catalogue, catalogue_for
from .core.framework import MANDATORY, Check, Resource, Rule, StackRule, framework
from .core.values import UNKNOWN, get, items, text

DYNAMIC_PREFIX: Final = "pulumi-python:dynamic"
ROLE_ASSIGNMENT: Final = "openstack:identity/roleAssignment:RoleAssignment"
GROUP: Final = "openstack:identity/groupV3:GroupV3"
PROJECT: Final = "openstack:identity/project:Project"
KIND_IDP: Final = "keystone-identity-provider"
MAPPING_KINDS: Final = ("keystone-mapping", "keystone-mapping-rules")
TENANT_PREFIX: Final = "tenant-"

REALM_ONLY = framework(
    "SecNumCloud",
    "19.2.d",
    "Identities are technical data of the federation: only its own EU-hosted identity provider is trusted.",
)
OPERATIONS_SPLIT = framework(
    "SecNumCloud",
    "19.6",
    "Provider staff reach tenants only as the operations split allows; tenants reach only their own "
    "projects; the vendor nothing (SNC 9.7.d, 19.2.e, BSI C5 IDM-07).",
)


@dataclass(frozen=True)
class AccessFacts:
    """The access facts of the catalogue: the realm's issuer and who may hold roles where."""

    issuer: str
    partner_of_group: Mapping[str, str]  # IdP/Keystone group -> partner key
    partner_sites: Mapping[str, frozenset[str]]  # partner key -> sites where it holds roles
    runs_tenants: frozenset[str]  # partners with roles in tenant projects
    vendor_words: frozenset[str]
    site_of_region: Mapping[str, str]

    def partner(self, group: str) -> str | None:
        return self.partner_of_group.get(group)


def _facts_of(catalogue: Catalogue) -> AccessFacts:
    idp = catalogue.identity_provider
    issuer = f"{str(idp.url).rstrip('/')}/realms/{idp.realm}"
    groups: dict[str, str] = {}
    sites: dict[str, frozenset[str]] = {}
    runs: set[str] = set()
    vendor = {"vendor"}
    for key, partner in catalogue.partners.items():
        if key == "vendor":
            if partner.group:
                vendor.add(partner.group.lower())
            continue
        if partner.group:
            groups[partner.group] = key
        sites[key] = frozenset(site for site, granted in partner.roles.items() if granted)
        if partner.tenant_project_roles:
            runs.add(key)
    regions = {site.region: key for key, site in catalogue.sites.items()}
    return AccessFacts(issuer, groups, sites, frozenset(runs), frozenset(vendor), regions)


# Catalogues are loaded once per distinct override and kept, so their identity is a stable key.
_FACTS: dict[int, tuple[Catalogue, AccessFacts]] = {}


def access_facts(config: Mapping[str, Any]) -> AccessFacts:
    catalogue = catalogue_for(config)
    cached = _FACTS.get(id(catalogue))
    if cached is None or cached[0] is not catalogue:
        cached = _FACTS[id(catalogue)] = (catalogue, _facts_of(catalogue))
    return cached[1]


def _list(value: Any) -> list[Any] | None:
    """A list (missing or wrongly typed values count as empty), or None when unknown during preview."""
    found = items(value)
    return found if isinstance(found, list) else None


def _same_issuer(value: Any, issuer: str) -> bool:
    return isinstance(value, str) and value.strip().rstrip("/") == issuer.rstrip("/")


def _claim(entry: Any) -> str:
    kind = get(entry, "type")
    return kind.lower().replace("_", "-") if isinstance(kind, str) else ""


def _is_issuer_claim(entry: Any) -> bool:
    claim = _claim(entry)
    return claim == "iss" or claim.endswith("-iss")


def _is_groups_claim(entry: Any) -> bool:
    return _claim(entry).endswith("groups")


def _vendor(name: str, facts: AccessFacts) -> bool:
    words = {w for w in name.lower().replace("_", "-").split("-") if w}
    return bool(words & facts.vendor_words) or name.lower() in facts.vendor_words


def _is_tenant(name: str) -> bool:
    return name.startswith(TENANT_PREFIX)


def _tenant_owns(tenant_group: str, name: str) -> bool:
    """`name` (a group or project) is `tenant_group` itself or inside its namespace."""
    return name == tenant_group or name.startswith(f"{tenant_group}-")


# --- only the realm ------------------------------------------------------------------------------


def _remote_ids(r: Resource, facts: AccessFacts) -> Iterator[str]:
    remote_ids = _list(r.props.get("remote_ids"))
    if remote_ids is None:
        yield "remote_ids could not be verified during preview (unknown value)"
        return
    for value in remote_ids:
        if value is UNKNOWN:
            yield "a remote id could not be verified during preview (unknown value)"
        elif not _same_issuer(value, facts.issuer):
            yield f"remote id {value!r} is not the realm's issuer {facts.issuer}: an identity outside the realm"


def _rule_stays_in_realm(index: int, rule: Any, facts: AccessFacts) -> Iterator[str]:
    remote, local = _list(get(rule, "remote")), _list(get(rule, "local"))
    if remote is None or local is None or UNKNOWN in remote or UNKNOWN in local:
        yield f"rule {index} could not be verified during preview (unknown value)"
        return
    pinned = refused = False
    for entry in (e for e in remote if _is_issuer_claim(e)):
        values = _list(get(entry, "any_one_of"))
        if values is None:
            yield f"rule {index}: the issuer condition could not be verified during preview (unknown value)"
            continue
        outside = [v for v in values if not _same_issuer(v, facts.issuer)]
        if outside:
            refused = True
            yield f"rule {index} accepts issuer {outside[0]!r}, outside the federation realm {facts.issuer}"
        elif values and get(entry, "regex") is True:
            refused = True
            yield f"rule {index} matches the issuer by pattern, which other issuers can satisfy"
        elif values:
            pinned = True
    if not pinned and not refused:
        yield f"rule {index} does not pin the issuer to the federation realm {facts.issuer} (any_one_of on OIDC-iss)"
    for entry in local:
        user = get(entry, "user")
        if isinstance(user, dict) and str(user.get("type", "")).lower() == "local":
            yield f"rule {index} maps onto local Keystone user {user.get('name')!r}, an identity outside the realm"


def _rules_of(r: Resource) -> list[Any] | None:
    return _list(r.props.get("rules"))


def _realm_only(r: Resource) -> Iterator[str]:
    facts = access_facts(r.config)
    kind = r.props.get("kind")
    if kind == KIND_IDP:
        yield from _remote_ids(r, facts)
    elif kind in MAPPING_KINDS:
        rules = _rules_of(r)
        if rules is None:
            yield "rules could not be verified during preview (unknown value)"
            return
        for index, rule in enumerate(rules):
            yield from _rule_stays_in_realm(index, rule, facts)


# --- the split in mappings -----------------------------------------------------------------------


def _subject(remote: list[Any]) -> set[str] | None:
    """The IdP groups a rule requires (one of), or None when it matches every identity of the realm."""
    subject: set[str] | None = None
    for entry in (e for e in remote if _is_groups_claim(e)):
        values = _list(get(entry, "any_one_of"))
        if not values or get(entry, "regex") is True:
            continue
        names = {str(v) for v in values if isinstance(v, str)}
        subject = names if subject is None else subject & names
    return subject


@dataclass
class _Grants:
    groups: list[str]
    projects: list[str]
    problems: list[str]


def _grants(index: int, local: list[Any]) -> _Grants:
    grants = _Grants([], [], [])
    for entry in local:
        if not isinstance(entry, dict):
            continue
        group = entry.get("group")
        if isinstance(group, dict):
            name = group.get("name")
            if isinstance(name, str) and "{" in name:
                grants.problems.append(
                    f"rule {index} passes a group name through from the token ({name}): "
                    "anyone could name any tenant's or partner's group"
                )
            elif isinstance(name, str):
                grants.groups.append(name)
            else:
                grants.problems.append(f"rule {index} names a Keystone group by id, which cannot be verified")
        names = entry.get("groups")
        if isinstance(names, str) and "{" in names:
            grants.problems.append(
                f"rule {index} passes group names through from the token ({names}): "
                "anyone could name any tenant's or partner's group"
            )
        elif isinstance(names, str):
            grants.groups += [n.strip(" '\"[]") for n in names.split(",") if n.strip(" '\"[]")]
        elif isinstance(names, list):
            grants.groups += [str(n) for n in names]
        if entry.get("group_ids") is not None:
            grants.problems.append(f"rule {index} names Keystone groups by id, which cannot be verified")
        for project in _list(entry.get("projects")) or []:
            name = get(project, "name")
            grants.projects.append(name if isinstance(name, str) else "<unnamed>")
    return grants


def _who(subject: set[str] | None) -> str:
    return "every identity of the realm" if subject is None else f"IdP group(s) {', '.join(sorted(subject))}"


def _into_group(
    index: int, group: str, subject: set[str] | None, site: str | None, owner: str | None, facts: AccessFacts
) -> Iterator[str]:
    partner = facts.partner(group)
    hosting_like = {g for g, p in facts.partner_of_group.items() if p not in facts.runs_tenants}
    if _vendor(group, facts):
        yield f"rule {index} maps into group {group!r} of the technology vendor, which holds no role anywhere"
    elif partner is not None:
        if owner is not None:
            yield f"rule {index}: the rules of {owner} map into partner group {group!r}"
        if subject != {group}:
            yield f"rule {index} maps {_who(subject)} into partner group {group!r}: only that partner's own group may"
        if site is not None and site not in facts.partner_sites.get(partner, frozenset()):
            yield f"rule {index} maps the {partner} partner's group {group!r} on site {site}, where it holds no role"
    elif _is_tenant(group):
        if owner is not None and not _tenant_owns(owner, group):
            yield f"rule {index}: {owner}'s rules map into {group!r}, another tenant's group: a role across tenants"
        if subject is None or subject & hosting_like:
            yield (
                f"rule {index} maps {_who(subject)} into tenant group {group!r}: it gives the hosting partner "
                "a role in a tenant project"
            )
        elif subject != {group}:
            others = ", ".join(sorted(subject - {group}))
            yield f"rule {index} maps {others} into tenant group {group!r}: a role across tenants"
    else:
        yield (
            f"rule {index} maps into group {group!r}, which is neither a partner group of the catalogue "
            "nor a tenant group"
        )


def _into_project(
    index: int, project: str, subject: set[str] | None, site: str | None, owner: str | None, facts: AccessFacts
) -> Iterator[str]:
    tenant_project = _is_tenant(project)
    if owner is not None and not _tenant_owns(owner, project):
        yield f"rule {index}: the rules of {owner} grant roles in project {project!r}, not the tenant's own"
    if subject is None:
        yield f"rule {index} grants roles in project {project!r} to every identity of the realm"
        return
    for group in sorted(subject):
        partner = facts.partner(group)
        if _vendor(group, facts):
            yield f"rule {index} grants the technology vendor's group {group!r} roles in project {project!r}"
        elif partner is not None:
            if tenant_project and partner not in facts.runs_tenants:
                yield (
                    f"rule {index} gives the {partner} partner ({group!r}) roles in tenant project {project!r}: "
                    "the hosting partner holds no role in a tenant project"
                )
            if site is not None and site not in facts.partner_sites.get(partner, frozenset()):
                yield f"rule {index} gives the {partner} partner roles on site {site}, where it holds none"
        elif _is_tenant(group):
            if not tenant_project or not _tenant_owns(project, group):
                yield f"rule {index} gives tenant group {group!r} roles in project {project!r}: a role across tenants"
        else:
            yield f"rule {index} gives group {group!r}, unknown to the catalogue, roles in project {project!r}"


def _mapping_split(r: Resource) -> Iterator[str]:
    if r.props.get("kind") not in MAPPING_KINDS:
        return
    facts = access_facts(r.config)
    rules = _rules_of(r)
    if rules is None:
        yield "rules could not be verified during preview (unknown value)"
        return
    region = text(r.props.get("region"))
    if region is UNKNOWN:
        yield "region could not be verified during preview (unknown value)"
        return
    site = facts.site_of_region.get(str(region)) if region else None
    owner_value = text(r.props.get("owner")) if r.props.get("kind") == "keystone-mapping-rules" else None
    if owner_value is UNKNOWN:
        yield "owner could not be verified during preview (unknown value)"
        return
    owner = str(owner_value) if owner_value else None
    if owner is not None and not _is_tenant(owner):
        yield f"owner {owner!r} of a tenant's rules is not a tenant group (tenant-<name>)"
    for index, rule in enumerate(rules):
        remote, local = _list(get(rule, "remote")), _list(get(rule, "local"))
        if remote is None or local is None or UNKNOWN in remote or UNKNOWN in local:
            yield f"rule {index} could not be verified during preview (unknown value)"
            continue
        subject = _subject(remote)
        if subject is not None and any(_vendor(g, facts) for g in subject):
            yield f"rule {index} maps the technology vendor's group, which holds no role anywhere"
        grants = _grants(index, local)
        yield from grants.problems
        for group in grants.groups:
            yield from _into_group(index, group, subject, site, owner, facts)
        for project in grants.projects:
            yield from _into_project(index, project, subject, site, owner, facts)


def _dynamic(check: Check) -> Any:
    def for_type(resource_type: str) -> Check | None:
        return check if resource_type.startswith(DYNAMIC_PREFIX) else None

    return for_type


# --- the split in role assignments (stack policy) ------------------------------------------------


def _project_tenant(project: Resource) -> str | None:
    """The tenant group prefix (`tenant-<name>`) a project belongs to, or None for a platform project."""
    for tag in _list(project.props.get("tags")) or []:
        if isinstance(tag, str) and tag.startswith("tenant:") and len(tag) > len("tenant:"):
            return f"{TENANT_PREFIX}{tag.removeprefix('tenant:')}"
    name = project.props.get("name")
    if isinstance(name, str) and _is_tenant(name):
        return name
    return None


def _site_of(r: Resource, facts: AccessFacts) -> str | None:
    region = r.props.get("region")
    if not isinstance(region, str) and r.provider is not None:
        region = r.provider.props.get("region")
    return facts.site_of_region.get(region) if isinstance(region, str) else None


def _declared(r: Resource, field: str, by_urn: Mapping[str, Resource], resource_type: str) -> Resource | None:
    for urn in r.property_dependencies.get(field, ()):
        found = by_urn.get(urn)
        if found is not None and found.type == resource_type:
            return found
    return None


def _role_assignments(
    resources: list[Resource], _catalogue: Catalogue, config: Mapping[str, Any]
) -> Iterable[tuple[str, str | None]]:
    facts = access_facts(config)
    by_urn = {r.urn: r for r in resources}
    tenants_of_group: dict[str, set[str]] = {}
    for assignment in (r for r in resources if r.type == ROLE_ASSIGNMENT):
        group = _declared(assignment, "groupId", by_urn, GROUP)
        project = _declared(assignment, "projectId", by_urn, PROJECT)
        if group is None or project is None:
            continue  # a group or project of another stack (read by id): that stack's policy run decides
        group_name, project_name = group.props.get("name"), project.props.get("name")
        if not isinstance(group_name, str):
            yield "the group's name could not be verified during preview (unknown value)", assignment.urn
            continue
        tenant = _project_tenant(project)
        where = f"project {project_name!r}" if isinstance(project_name, str) else f"project {project.name!r}"
        partner = facts.partner(group_name)
        site = _site_of(assignment, facts)
        if _vendor(group_name, facts):
            yield f"group {group_name!r} of the technology vendor holds a role in {where}", assignment.urn
        elif partner is not None:
            if tenant is not None and partner not in facts.runs_tenants:
                yield (
                    f"gives the {partner} partner ({group_name!r}) a role in tenant {where}: the hosting partner "
                    "holds no role in a tenant project",
                    assignment.urn,
                )
            if site is not None and site not in facts.partner_sites.get(partner, frozenset()):
                yield (
                    f"gives the {partner} partner ({group_name!r}) a role on site {site}, where it holds none",
                    (assignment.urn),
                )
        elif _is_tenant(group_name) and (tenant is None or not _tenant_owns(tenant, group_name)):
            yield (
                f"tenant group {group_name!r} holds a role in {where}, not its own tenant's: a role across tenants",
                (assignment.urn),
            )
        if tenant is not None and (partner is None or partner not in facts.runs_tenants):
            tenants_of_group.setdefault(group.urn, set()).add(tenant)
    for group_urn, tenants in tenants_of_group.items():
        if len(tenants) > 1:
            name = by_urn[group_urn].props.get("name")
            yield (
                f"group {name!r} holds roles in the projects of several tenants ({', '.join(sorted(tenants))})",
                (group_urn),
            )


RULES: Final = [
    Rule(
        name="federation-trusts-only-the-realm",
        description="Keystone trusts only the federation realm's issuer; mapping rules pin it and map no local user.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("access", "identity"),
        framework=REALM_ONLY,
        remediation=(
            "Set remote_ids to the catalogue realm's issuer only, and generate mapping rules with "
            "components/keystone_federation/mapping_rules.py (each pins OIDC-iss to that issuer)."
        ),
        fallback=_dynamic(_realm_only),
    ),
    Rule(
        name="federation-mapping-follows-operations-split",
        description=(
            "Federation mappings give partners and tenants only the groups the operations split allows, "
            "never the hosting partner a tenant role, nobody a role across tenants, the vendor nothing."
        ),
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("access", "identity", "isolation"),
        framework=OPERATIONS_SPLIT,
        remediation=(
            "Map each IdP group only to the Keystone group of the same name: partner groups on the sites the "
            "catalogue lists for them, a tenant's groups only in that tenant's rules (components/tenant_identity.py)."
        ),
        fallback=_dynamic(_mapping_split),
    ),
    StackRule(
        name="role-assignment-follows-operations-split",
        description=(
            "Role assignments never give the hosting partner a role in a tenant project or on a site it does not "
            "serve, nor any group roles across tenants."
        ),
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("access", "isolation", "openstack"),
        framework=OPERATIONS_SPLIT,
        remediation=(
            "Assign tenant groups only in their own tenant's projects; give the hosting partner's group roles only "
            "in the platform project of its own sites (components/operations_split.py)."
        ),
        check=_role_assignments,
    ),
]
