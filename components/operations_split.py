"""Who may do what, per site: the operations split of the federation as Keystone groups and roles.

The hosting partner's operators get infrastructure roles on the sites the catalogue lists for
them (site `lu` only) and nothing in tenant projects; the operations partner runs the platform on
every site the catalogue gives it a role on; the technology vendor gets no group, no user and no
role anywhere. A site the catalogue lists for no partner gets no partner group at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Catalogue, Site

from components.site_providers import SiteProviders


@dataclass(frozen=True)
class SiteAccessArgs:
    site: Site
    catalogue: Catalogue
    platform_project_id: pulumi.Input[str]


class SiteAccess(pulumi.ComponentResource):
    """Partner groups and their role assignments on one site's platform project."""

    groups: dict[str, openstack.identity.GroupV3]
    assignments: list[openstack.identity.RoleAssignment]

    def __init__(self, name: str, args: SiteAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:operations_split:SiteAccess", name, None, opts)
        self.groups = {}
        self.assignments = []
        for partner_key, partner in args.catalogue.partners.items():
            roles = partner.roles.get(args.site.key, ())
            if partner.group is None or not roles:
                continue  # the vendor, and the hosting partner outside its sites: nothing at all
            group = openstack.identity.GroupV3(
                f"{name}-{partner.group}",
                name=partner.group,
                description=f"{partner_key} partner: {partner.description}",
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.groups[partner_key] = group
            for role in roles:
                role_id = openstack.identity.get_role_output(name=role, opts=pulumi.InvokeOutputOptions(parent=self)).id
                self.assignments.append(
                    openstack.identity.RoleAssignment(
                        f"{name}-{partner.group}-{role}",
                        group_id=group.id,
                        project_id=args.platform_project_id,
                        role_id=role_id,
                        opts=pulumi.ResourceOptions(parent=self),
                    )
                )
        self.register_outputs({"groups": list(self.groups)})


@dataclass(frozen=True)
class OperationsSplitSite:
    site: Site
    providers: SiteProviders
    platform_project_id: pulumi.Input[str]


@dataclass(frozen=True)
class OperationsSplitArgs:
    catalogue: Catalogue
    sites: tuple[OperationsSplitSite, ...]


class OperationsSplit(pulumi.ComponentResource):
    """The split on every catalogue site, each through its own site's provider."""

    sites: dict[str, SiteAccess]

    def __init__(self, name: str, args: OperationsSplitArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:operations_split:OperationsSplit", name, None, opts)
        self.sites = {
            entry.site.key: SiteAccess(
                f"{name}-{entry.site.key}",
                SiteAccessArgs(
                    site=entry.site, catalogue=args.catalogue, platform_project_id=entry.platform_project_id
                ),
                pulumi.ResourceOptions(parent=self, providers=entry.providers.all),
            )
            for entry in args.sites
        }
        self.register_outputs({})
