"""A site's flavors: the scs-0103 mandatory set, exactly sized, plus any extra SCS-named flavor."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack

from model.scs import MANDATORY_FLAVORS, parse_flavor_name


@dataclass(frozen=True)
class SiteFlavorsArgs:
    """Flavors beyond the mandatory set, by scs-0100 name."""

    extra: tuple[str, ...] = field(default=())


class SiteFlavors(pulumi.ComponentResource):
    """Public flavors named and sized per scs-0100/0103, with the `scs:` extra specs."""

    flavors: dict[str, openstack.compute.Flavor]

    def __init__(self, name: str, args: SiteFlavorsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:flavors:SiteFlavors", name, None, opts)
        self.flavors = {}
        for flavor_name in (*MANDATORY_FLAVORS, *args.extra):
            spec = parse_flavor_name(flavor_name)
            self.flavors[flavor_name] = openstack.compute.Flavor(
                f"{name}-{flavor_name.lower()}",
                name=flavor_name,
                vcpus=spec.vcpus,
                ram=spec.ram_mib,
                disk=spec.disk_gb,
                is_public=True,
                extra_specs=spec.extra_specs,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"names": list(self.flavors)})
