"""What a tenant stack reads from the platform stack: the tenant link network of each site."""

from __future__ import annotations

from typing import Any, cast

import pulumi


class PlatformReference:
    """A `StackReference` to the platform stack with typed accessors for its exports."""

    def __init__(self, stack_name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        self.reference = pulumi.StackReference(stack_name, opts=opts)

    def _transit(self, site: str, field: str) -> pulumi.Output[Any]:
        transit = self.reference.require_output("transit")
        return transit.apply(lambda value: cast(dict[str, Any], value)[site][field])

    def transit_network_id(self, site: str) -> pulumi.Output[str]:
        return cast(pulumi.Output[str], self._transit(site, "networkId"))

    def transit_subnet_ids(self, site: str) -> pulumi.Output[list[str]]:
        """The link network's subnets: the site's IPv4 blocks, then its IPv6 blocks, in catalogue order."""
        return cast(pulumi.Output[list[str]], self._transit(site, "subnetIds"))

    def border_router_id(self, site: str) -> pulumi.Output[str]:
        """The site's border router, where a tenant adds the route back to its own range."""
        return cast(pulumi.Output[str], self._transit(site, "routerId"))
