"""Checks no single stack can make: across every stack of the project, no two subnets overlap.

Each stack validates its own ranges before it runs; only the check sees all stacks at once, so a
tenant allocated by hand over another tenant's range is caught here, naming both stack files.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from federation_catalogue import Catalogue

from sovcloud.results import Finding, Source, StackResult
from sovcloud.results.builtin_policies import NO_OVERLAP

SUBNET = "openstack:networking/subnet:Subnet"


def subnet_overlaps(stacks: Sequence[StackResult], catalogue: Catalogue) -> list[Finding]:
    """One finding per pair of overlapping subnets in different stacks (the shared transit excluded)."""
    transit = {str(catalogue.address_plan.transit_subnet.ipv4), str(catalogue.address_plan.transit_subnet.ipv6)}
    seen: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, StackResult, str]] = []
    findings: list[Finding] = []
    for stack in stacks:
        for record in stack.resources:
            cidr = record.inputs.get("cidr") if record.type == SUBNET else None
            if not isinstance(cidr, str) or cidr in transit:
                continue
            try:
                net = ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                continue  # not ours to judge here: the policy pack reports malformed ranges
            for other, other_stack, other_name in seen:
                if other_stack is not stack and net.version == other.version and net.overlaps(other):  # type: ignore[arg-type]
                    findings.append(
                        Finding.of(
                            NO_OVERLAP,
                            f"subnet {net} overlaps {other} ({other_name}) of {other_stack.file}",
                            Source.PROJECT,
                            urn=record.urn,
                            resource_type=record.type,
                            resource_name=record.name,
                            file=stack.file,
                        )
                    )
            seen.append((net, stack, record.name))
    return findings
