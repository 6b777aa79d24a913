"""A tenant's data: volumes and containers in the primary site, their replicas and backups in the partner site.

- A volume with `protection: replica` has a twin of the same size and encrypted type in the partner
  site, the target of the storage replication; `protection: backup` sends its backups to a
  container of the tenant in the partner site. Either way the copy lives in the other EU site
  (SecNumCloud 12.5.d, BSI C5 OPS-09, scs-0118).
- A container in the primary site syncs (Swift container sync) to its twin in the partner site's
  object storage endpoint; both share a generated sync key that never appears in a stack file.
Everything that holds data is protected and retained on delete: a `pulumi destroy` mistake leaves
it in place. The component spans both sites, so each child names its site's project-scoped provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
import pulumi_random as random
from federation_catalogue import Site

from model.config.tenant import ObjectContainer, Volume

SYNC_KEY_LENGTH = 48


@dataclass(frozen=True)
class TenantStorageArgs:
    """The primary and replica sites (after any failover), their providers, and what to store."""

    tenant: str
    primary: Site
    replica: Site
    primary_provider: pulumi.ProviderResource
    replica_provider: pulumi.ProviderResource
    replica_project_id: pulumi.Input[str]
    volumes: tuple[Volume, ...] = ()
    containers: tuple[ObjectContainer, ...] = ()
    failover: bool = False  # the primary here is the configured primary's partner


def sync_target(replica: Site, project_id: pulumi.Input[str], container: str) -> pulumi.Output[str]:
    """`X-Container-Sync-To` of a primary container: its twin on the partner site's object storage."""
    endpoint = str(replica.object_storage_endpoint).rstrip("/")
    return pulumi.Output.concat(endpoint, "/v1/AUTH_", project_id, "/", container)


class TenantStorage(pulumi.ComponentResource):
    """Volumes, containers and their partner-site copies."""

    volumes: dict[str, openstack.blockstorage.Volume]
    replica_volumes: dict[str, openstack.blockstorage.Volume]
    containers: dict[str, openstack.objectstorage.Container]
    replica_containers: dict[str, openstack.objectstorage.Container]
    backup_container: openstack.objectstorage.Container | None

    def __init__(self, name: str, args: TenantStorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant_storage:TenantStorage", name, None, opts)
        self.volumes, self.replica_volumes = {}, {}
        self.containers, self.replica_containers = {}, {}
        self.backup_container = None
        self._volumes(name, args)
        self._containers(name, args)
        self.register_outputs(
            {
                "primary": args.primary.key,
                "replica": args.replica.key,
                "volumes": list(self.volumes),
                "containers": list(self.containers),
            }
        )

    def _keep(self, provider: pulumi.ProviderResource, **extra: object) -> pulumi.ResourceOptions:
        """Options of a data holder: protected, retained on delete, on the given site's provider."""
        return pulumi.ResourceOptions(parent=self, provider=provider, protect=True, retain_on_delete=True, **extra)  # type: ignore[arg-type]

    def _volumes(self, name: str, args: TenantStorageArgs) -> None:
        tenant = args.tenant
        if any(v.protection == "backup" for v in args.volumes):
            # One backup target per site, so failing over moves no container: each holds the backups
            # of volumes whose primary is the other site.
            for site, provider, other in (
                (args.replica, args.replica_provider, args.primary),
                (args.primary, args.primary_provider, args.replica),
            ):
                container = openstack.objectstorage.Container(
                    f"{name}-volume-backups-{site.key}",
                    name=f"tenant-{tenant}-volume-backups",
                    metadata={"sovcloud-tenant": tenant, "sovcloud-backups-of": other.region},
                    versioning=True,
                    force_destroy=False,
                    opts=self._keep(provider),
                )
                if site is args.replica:
                    self.backup_container = container
        for volume in args.volumes:
            self.volumes[volume.name] = self._volume(
                name,
                args,
                volume,
                args.primary,
                args.primary_provider,
                f"{volume.protection} in {args.replica.key}",
                {"sovcloud.eu/protection": volume.protection, "sovcloud.eu/copy-site": args.replica.region},
            )
            if volume.protection == "replica":
                self.replica_volumes[volume.name] = self._volume(
                    name,
                    args,
                    volume,
                    args.replica,
                    args.replica_provider,
                    f"replica of {tenant}-{volume.name} in {args.primary.region}",
                    {"sovcloud.eu/replica-of": f"{args.primary.region}/{tenant}-{volume.name}"},
                )
            elif args.failover:
                # The former primary's volume is data: a config switch never deletes it. Kept, marked,
                # as the volume the new primary was restored from backups of.
                self.replica_volumes[volume.name] = self._volume(
                    name,
                    args,
                    volume,
                    args.replica,
                    args.replica_provider,
                    f"former primary of {tenant}-{volume.name}, before failover to {args.primary.region}",
                    {"sovcloud.eu/failed-over-to": args.primary.region},
                )

    def _volume(
        self,
        name: str,
        args: TenantStorageArgs,
        volume: Volume,
        site: Site,
        provider: pulumi.ProviderResource,
        what: str,
        metadata: dict[str, str],
    ) -> openstack.blockstorage.Volume:
        # Named after the site, not the role: failing over updates these in place (never replaces them).
        return openstack.blockstorage.Volume(
            f"{name}-{volume.name}-{site.key}",
            name=f"{args.tenant}-{volume.name}",
            description=f"Tenant {args.tenant}: {volume.name}, {what}",
            size=volume.size_gb,
            volume_type=volume.type,
            enable_online_resize=True,
            metadata={"sovcloud.eu/tenant": args.tenant, **metadata},
            opts=self._keep(provider),
        )

    def _containers(self, name: str, args: TenantStorageArgs) -> None:
        tenant = args.tenant
        for container in args.containers:
            swift_name = f"{tenant}-{container.name}"
            key = random.RandomPassword(
                f"{name}-{container.name}-sync-key",
                length=SYNC_KEY_LENGTH,
                special=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            replica = openstack.objectstorage.Container(
                f"{name}-{container.name}-{args.replica.key}",
                name=swift_name,
                container_sync_key=key.result,
                versioning=container.versioning,
                metadata={"sovcloud-tenant": tenant, "sovcloud-replica-of": args.primary.region},
                force_destroy=False,
                opts=self._keep(args.replica_provider),
            )
            self.replica_containers[container.name] = replica
            self.containers[container.name] = openstack.objectstorage.Container(
                f"{name}-{container.name}-{args.primary.key}",
                name=swift_name,
                container_sync_to=sync_target(args.replica, args.replica_project_id, swift_name),
                container_sync_key=key.result,
                versioning=container.versioning,
                # Known during preview, unlike the target's account (the partner project's ID):
                # the endpoint the sync goes to, for reviewers and policies.
                metadata={
                    "sovcloud-tenant": tenant,
                    "sovcloud-sync-endpoint": str(args.replica.object_storage_endpoint),
                },
                force_destroy=False,
                opts=self._keep(args.primary_provider, depends_on=[replica]),
            )
