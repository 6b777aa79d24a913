"""The Pulumi state container: the project's own backend, on the federation's object storage.

Pulumi state holds every resource's inputs and outputs (addresses, identities, certificates): the
technical data SecNumCloud 19.2.d keeps in the EU. So the backend is a Swift container reached
through the S3 API of the catalogue's `state_backend` site (operations partner, `be`):

- versioned on both sites, so an overwritten or deleted checkpoint can be recovered;
- synchronised (Swift container sync, realm form `//<realm>/<region>/AUTH_<project>/<container>`)
  to a twin container on the `replica_site` (hosting partner, `lu`), so losing one site loses no
  state; the sync key is generated and kept only in the (encrypted) state, never in a stack file;
- protected and retained on delete: no `pulumi destroy` or refactoring removes the state;
- in the Swift account of the operations partner's automation project, with read and write ACLs
  naming only the automation identity (`<project_id>:<user_id>`). Swift's keystoneauth gives full
  access to holders of an operator role in the account's project, so that project must have the
  automation user as its only member (an operations-split fact, not declared here);
- an EC2 credential of the automation identity on each site: what `pulumi login s3://...` uses
  (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`); the replica site's one is for a takeover.

Every resource goes through the explicit provider of its own site.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
import pulumi_random as random

from components.site_providers import SiteProviders

SYNC_KEY_LENGTH = 48


@dataclass(frozen=True)
class StateBackendArgs:
    """Where the state lives, its replica, and the one identity that may use it."""

    bucket: str  # the container's name, catalogue `state_backend.bucket`
    primary: SiteProviders  # catalogue `state_backend.site`
    replica: SiteProviders  # catalogue `state_backend.replica_site`
    automation_project: str  # Keystone project (same name on both sites) owning the containers
    automation_user: str  # its only member, the automation identity
    sync_realm: str = "sovcloud"

    def __post_init__(self) -> None:
        if self.primary.site.key == self.replica.site.key:
            raise ValueError("the state's replica must live on the other site")


def sync_target(realm: str, replica_region: str, project_id: pulumi.Input[str], bucket: str) -> pulumi.Output[str]:
    """`X-Container-Sync-To` in realm form: the twin container in the replica site's cluster."""
    return pulumi.Output.concat("//", realm, "/", replica_region, "/AUTH_", project_id, "/", bucket)


@dataclass(frozen=True)
class _Identity:
    project_id: pulumi.Output[str]
    user_id: pulumi.Output[str]

    @property
    def acl(self) -> pulumi.Output[str]:
        """A Swift ACL entry naming this user in this project only."""
        return pulumi.Output.concat(self.project_id, ":", self.user_id)


class StateBackend(pulumi.ComponentResource):
    """The state container on the primary site, its synchronised twin, and the automation credentials."""

    container: openstack.objectstorage.Container
    replica_container: openstack.objectstorage.Container
    credentials: dict[str, openstack.identity.Ec2CredentialV3]

    def __init__(self, name: str, args: StateBackendArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:state_backend:StateBackend", name, None, opts)
        primary, replica = args.primary, args.replica
        identities = {p.site.key: self._identity(name, args, p) for p in (primary, replica)}
        sync_key = random.RandomPassword(
            f"{name}-sync-key", length=SYNC_KEY_LENGTH, special=False, opts=pulumi.ResourceOptions(parent=self)
        )
        self.replica_container = self._container(
            f"{name}-{replica.site.key}",
            args,
            replica,
            identities[replica.site.key],
            sync_key.result,
            metadata={"sovcloud-purpose": "pulumi-state", "sovcloud-replica-of": primary.site.region},
        )
        self.container = self._container(
            f"{name}-{primary.site.key}",
            args,
            primary,
            identities[primary.site.key],
            sync_key.result,
            metadata={"sovcloud-purpose": "pulumi-state", "sovcloud-replica": replica.site.region},
            sync_to=sync_target(
                args.sync_realm, replica.site.region, identities[replica.site.key].project_id, args.bucket
            ),
            depends_on=[self.replica_container],
        )
        self.credentials = {
            key: openstack.identity.Ec2CredentialV3(
                f"{name}-ec2-{key}",
                user_id=identity.user_id,
                project_id=identity.project_id,
                opts=pulumi.ResourceOptions(parent=self, provider=providers.openstack),
            )
            for (key, identity), providers in zip(identities.items(), (primary, replica), strict=True)
        }
        self.register_outputs({"bucket": args.bucket, "primary": primary.site.key, "replica": replica.site.key})

    def _identity(self, name: str, args: StateBackendArgs, providers: SiteProviders) -> _Identity:
        """The automation project and user as that site's Keystone knows them (they exist already)."""
        invoke = pulumi.InvokeOutputOptions(parent=self, provider=providers.openstack)
        project = openstack.identity.get_project_output(name=args.automation_project, opts=invoke)
        user = openstack.identity.get_user_output(name=args.automation_user, opts=invoke)
        return _Identity(project_id=project.id, user_id=user.id)

    def _container(
        self,
        resource_name: str,
        args: StateBackendArgs,
        providers: SiteProviders,
        identity: _Identity,
        sync_key: pulumi.Input[str],
        *,
        metadata: dict[str, str],
        sync_to: pulumi.Input[str] | None = None,
        depends_on: list[pulumi.Resource] | None = None,
    ) -> openstack.objectstorage.Container:
        return openstack.objectstorage.Container(
            resource_name,
            name=args.bucket,
            region=providers.site.region,
            versioning=True,
            container_read=identity.acl,
            container_write=identity.acl,
            container_sync_key=sync_key,
            container_sync_to=sync_to,
            metadata=metadata,
            force_destroy=False,
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=providers.openstack,
                protect=True,
                retain_on_delete=True,
                depends_on=depends_on,
            ),
        )
