"""Checks no single stack can make: across every stack of the project, no two subnets overlap.

Each stack validates its own ranges before it runs; only the check sees all stacks at once, so a
tenant allocated by hand over another tenant's range is caught here, naming both stack files.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from federation_catalogue import Catalogue

from sovcloud.results import Finding, Level, PolicyInfo, Source, StackResult

SUBNET = "openstack:networking/subnet:Subnet"
NO_OVERLAP = PolicyInfo(
    name="subnets-do-not-overlap-across-stacks",
    description="No two subnets of any two stacks overlap: the address plan is one plan.",
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("isolation", "address-plan"),
    remediation_steps="Allocate tenant ranges with `sovcloud tenant new`, which skips every range already in stacks/.",
    policy_type="stack",
)


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
                        Finding(
                            policy=NO_OVERLAP.name,
                            level=Level.MANDATORY,
                            severity=NO_OVERLAP.severity,
                            source=Source.PROJECT,
                            urn=record.urn,
                            resource_type=record.type,
                            resource_name=record.name,
                            file=stack.file,
                            message=f"subnet {net} overlaps {other} ({other_name}) of {other_stack.file}",
                        )
                    )
            seen.append((net, stack, record.name))
    return findings
