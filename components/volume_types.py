"""A site's volume types, described per scs-0114: at least one encrypted and one replicated."""

from __future__ import annotations

import pulumi
import pulumi_openstack as openstack

from model.scs import volume_type_description

# name -> (scs-0114 aspects, text). `encrypted-replicated` is the default for tenant data.
VOLUME_TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "encrypted": (("encrypted",), "LUKS-encrypted volumes on this site's storage."),
    "encrypted-replicated": (
        ("encrypted", "replicated"),
        "LUKS-encrypted volumes, replicated inside this site's storage cluster.",
    ),
}


class SiteVolumeTypes(pulumi.ComponentResource):
    """Public volume types whose descriptions carry their scs-0114 aspects."""

    volume_types: dict[str, openstack.blockstorage.VolumeTypeV3]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:volume_types:SiteVolumeTypes", name, None, opts)
        self.volume_types = {}
        for type_name, (aspects, text) in VOLUME_TYPES.items():
            self.volume_types[type_name] = openstack.blockstorage.VolumeTypeV3(
                f"{name}-{type_name}",
                name=type_name,
                description=volume_type_description(aspects, text),
                is_public=True,
                extra_specs={"encrypted": "True" if "encrypted" in aspects else "False"},
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"names": list(self.volume_types)})
