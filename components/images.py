"""A site's images: imported only from the site's own mirror, carrying scs-0102 metadata.

`image_source` records the upstream origin as provenance (scs-0104); the bytes come from
`image_source_url`, which always points at the site's mirror.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack
from federation_catalogue import Site

from model.config.platform import ImageSpec


def scs_image_properties(image: ImageSpec) -> dict[str, str]:
    """The scs-0102 mandatory and recommended properties of an image."""
    properties = {
        "architecture": image.architecture,
        "hw_disk_bus": image.hw_disk_bus,
        "hw_rng_model": "virtio",
        "hypervisor_type": "qemu",
        "os_distro": image.os_distro,
        "os_version": image.os_version,
        "os_purpose": image.purpose,
        "replace_frequency": image.replace_frequency,
        "provided_until": image.provided_until,
        "uuid_validity": image.uuid_validity,
        "image_source": image.upstream_source,
        "image_description": image.description,
        "image_build_date": image.build_date,
        "image_original_user": image.original_user,
        "os_hash_algo": "sha256",
    }
    if image.checksum_sha256:
        properties["os_hash_value"] = image.checksum_sha256
    return properties


@dataclass(frozen=True)
class SiteImagesArgs:
    site: Site
    images: tuple[ImageSpec, ...]


class SiteImages(pulumi.ComponentResource):
    """Public images of one site, each fetched from that site's mirror."""

    images: dict[str, openstack.images.Image]

    def __init__(self, name: str, args: SiteImagesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:images:SiteImages", name, None, opts)
        mirror = str(args.site.image_mirror).rstrip("/")
        self.images = {}
        for image in args.images:
            slug = "".join(c if c.isalnum() else "-" for c in image.name.lower())
            self.images[image.name] = openstack.images.Image(
                f"{name}-{slug}",
                name=image.name,
                image_source_url=f"{mirror}/{image.file.lstrip('/')}",
                web_download=False,
                container_format="bare",
                disk_format="qcow2",
                min_disk_gb=image.min_disk_gb,
                min_ram_mb=image.min_ram_mb,
                visibility="public",
                protected=True,
                verify_checksum=True,
                properties=scs_image_properties(image),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"names": list(self.images)})
