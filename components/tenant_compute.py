"""A tenant's instances on one site: anti-affinity server groups of SCS flavors booting mirrored images.

Each instance gets a pre-made port on the tenant network with port security on and the tenant's
security groups named explicitly, so Nova never falls back to the project's `default` group.
Instances spread over the site's availability zones. Flavors without a local disk (most of the
scs-0103 set) boot from an encrypted volume made from the image; the image is looked up by name
among the site's public images, which the platform imports only from the site's mirror.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Site

from model.config.tenant import ServerGroup
from model.scs import parse_flavor_name

BOOT_VOLUME_TYPE = "encrypted"


@dataclass(frozen=True)
class TenantComputeArgs:
    """The server groups to run on this site, and where their ports go."""

    tenant: str
    site: Site
    server_groups: tuple[ServerGroup, ...]
    subnet_ids: tuple[pulumi.Input[str], pulumi.Input[str]]  # IPv4, IPv6 subnets of the tenant network
    network_id: pulumi.Input[str]
    security_group_ids: tuple[pulumi.Input[str], ...]


class TenantCompute(pulumi.ComponentResource):
    """Server groups, ports and instances of one tenant on one site."""

    server_groups: dict[str, openstack.compute.ServerGroup]
    instances: list[openstack.compute.Instance]

    def __init__(self, name: str, args: TenantComputeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant_compute:TenantCompute", name, None, opts)
        if not args.security_group_ids:
            raise ValueError("instances attach the tenant's security groups explicitly; none were given")
        self.server_groups = {}
        self.instances = []
        for group in args.server_groups:
            self._server_group(name, args, group)
        self.register_outputs(
            {"server_groups": list(self.server_groups), "instances": [i.name for i in self.instances]}
        )

    def _server_group(self, name: str, args: TenantComputeArgs, group: ServerGroup) -> None:
        child = pulumi.ResourceOptions(parent=self)
        server_group = openstack.compute.ServerGroup(
            f"{name}-{group.name}",
            name=f"tenant-{args.tenant}-{group.name}",
            policies=group.policy,
            opts=child,
        )
        self.server_groups[group.name] = server_group
        local_disk = parse_flavor_name(group.flavor).disk_gb > 0
        image_id = (
            None
            if local_disk
            else openstack.images.get_image_output(
                name=group.image, visibility="public", most_recent=True, opts=pulumi.InvokeOutputOptions(parent=self)
            ).id
        )
        zones = args.site.availability_zones
        for index in range(group.count):
            instance_name = f"{args.tenant}-{group.name}-{index + 1}"
            port = openstack.networking.Port(
                f"{name}-{group.name}-{index + 1}-port",
                name=f"{instance_name}-port",
                network_id=args.network_id,
                fixed_ips=[openstack.networking.PortFixedIpArgs(subnet_id=subnet) for subnet in args.subnet_ids],
                port_security_enabled=True,
                security_group_ids=list(args.security_group_ids),
                admin_state_up=True,
                opts=child,
            )
            self.instances.append(
                openstack.compute.Instance(
                    f"{name}-{group.name}-{index + 1}",
                    name=instance_name,
                    flavor_name=group.flavor,
                    image_name=group.image if local_disk else None,
                    block_devices=None
                    if local_disk
                    else [
                        openstack.compute.InstanceBlockDeviceArgs(
                            source_type="image",
                            uuid=image_id,
                            destination_type="volume",
                            volume_size=group.boot_volume_gb,
                            volume_type=BOOT_VOLUME_TYPE,
                            boot_index=0,
                            delete_on_termination=True,
                        )
                    ],
                    availability_zone=zones[index % len(zones)],
                    networks=[openstack.compute.InstanceNetworkArgs(port=port.id)],
                    scheduler_hints=[openstack.compute.InstanceSchedulerHintArgs(group=server_group.id)],
                    metadata={
                        "sovcloud.eu/tenant": args.tenant,
                        "sovcloud.eu/server-group": group.name,
                        "sovcloud.eu/image": group.image,
                    },
                    config_drive=True,
                    opts=child,
                )
            )
