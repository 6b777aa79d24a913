"""A tenant's project on one site: the project, its quotas, who may act in it, and a provider scoped to it.

Keystone is per site, so each site gets its own project and its own copy of the tenant's groups.
Role assignments go to the tenant's own groups, and to the partners whose catalogue entry lists
`tenant_project_roles` (the operations partner runs the tenants' projects); the hosting partner and
the vendor get nothing. Nova, Cinder and Swift have no project argument: they create in the
project of the token, so compute and storage go through `scoped_provider`, an OpenStack provider
of the same site scoped to this project.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Catalogue, Site

from components.project_quotas import ProjectQuotas, ProjectQuotasArgs
from model.config.common import Quotas
from model.config.tenant import SiteRole, TenantGroup


@dataclass(frozen=True)
class TenantProjectArgs:
    """The tenant, the site and the site's role for it (primary or replica)."""

    tenant: str
    site: Site
    catalogue: Catalogue
    role: SiteRole
    quotas: Quotas
    groups: tuple[TenantGroup, ...]
    description: str = ""
    cloud: str | None = None  # clouds.yaml entry of the site; defaults to sovcloud-<site>


def group_name(tenant: str, group: str) -> str:
    """Keystone group name of one of the tenant's groups (the same on both sites)."""
    return f"tenant-{tenant}-{group}"


class TenantProject(pulumi.ComponentResource):
    """Project + quotas + role assignments + a provider scoped to the project."""

    project: openstack.identity.Project
    groups: dict[str, openstack.identity.GroupV3]
    assignments: list[openstack.identity.RoleAssignment]
    scoped_provider: openstack.Provider

    def __init__(self, name: str, args: TenantProjectArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant_project:TenantProject", name, None, opts)
        site = args.site
        self.project = openstack.identity.Project(
            f"{name}-project",
            name=f"tenant-{args.tenant}",
            description=args.description or f"Tenant {args.tenant} on site {site.key} ({args.role})",
            tags=["sovcloud", "tenant", f"tenant:{args.tenant}", f"role:{args.role}"],
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )
        ProjectQuotas(
            f"{name}-quotas", ProjectQuotasArgs(self.project.id, args.quotas), pulumi.ResourceOptions(parent=self)
        )
        self.groups = {}
        self.assignments = []
        self._role_ids: dict[str, pulumi.Output[str]] = {}
        self._tenant_groups(name, args)
        self._partner_roles(name, args)
        self.scoped_provider = openstack.Provider(
            f"{name}-scoped",
            auth_url=str(site.identity_endpoint),
            region=site.region,
            cloud=args.cloud or f"sovcloud-{site.key}",
            tenant_id=self.project.id,
            endpoint_type="internal",
            # Scoping needs the operations partner's role in the project first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(self.assignments)),
        )
        self.register_outputs({"project_id": self.project.id, "groups": list(self.groups)})

    def _role_id(self, role: str) -> pulumi.Output[str]:
        """A role's ID on this site, looked up once per role (every assignment of it reuses the answer)."""
        if role not in self._role_ids:
            self._role_ids[role] = openstack.identity.get_role_output(
                name=role, opts=pulumi.InvokeOutputOptions(parent=self)
            ).id
        return self._role_ids[role]

    def _tenant_groups(self, name: str, args: TenantProjectArgs) -> None:
        for group in args.groups:
            keystone_name = group_name(args.tenant, group.name)
            created = openstack.identity.GroupV3(
                f"{name}-group-{group.name}",
                name=keystone_name,
                description=group.description or f"Tenant {args.tenant}: {group.name}",
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.groups[group.name] = created
            for role in group.roles:
                self.assignments.append(
                    openstack.identity.RoleAssignment(
                        f"{name}-group-{group.name}-{role}",
                        group_id=created.id,
                        project_id=self.project.id,
                        role_id=self._role_id(role),
                        opts=pulumi.ResourceOptions(parent=self),
                    )
                )

    def _partner_roles(self, name: str, args: TenantProjectArgs) -> None:
        """The partners that run tenant projects (catalogue `tenant_project_roles`), by their platform group."""
        for partner_key, partner in args.catalogue.partners.items():
            if partner.group is None or not partner.tenant_project_roles:
                continue
            group_id = openstack.identity.get_group_output(
                name=partner.group, opts=pulumi.InvokeOutputOptions(parent=self)
            ).id
            for role in partner.tenant_project_roles:
                self.assignments.append(
                    openstack.identity.RoleAssignment(
                        f"{name}-{partner_key}-{role}",
                        group_id=group_id,
                        project_id=self.project.id,
                        role_id=self._role_id(role),
                        opts=pulumi.ResourceOptions(parent=self),
                    )
                )
