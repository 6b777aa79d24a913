"""Checks no single stack can make: across every stack of the project, one address plan.

Each stack validates its own ranges before it runs; only the check sees all stacks at once. Two
producers feed the check's result:

- `subnet_overlaps`: no two subnets declared by two previewed stacks overlap (the backbone, which
  every site declares with the same CIDR, excepted);
- `stack_file_conflicts`: over *every* stack file in `stacks/`, whichever stacks were named on the
  command line, no two files define the same tenant name or project, and no two hold overlapping
  ranges or the same link address. A cloned tenant file fails here, naming both files.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from federation_catalogue import Catalogue

from model.bounded_text import UnreadableFile
from model.safe_yaml import load_yaml_file
from sovcloud.results import Finding, Source, StackResult
from sovcloud.results.builtin_policies import NO_OVERLAP, UNIQUE_ALLOCATIONS

SUBNET = "openstack:networking/subnet:Subnet"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def subnet_overlaps(stacks: Sequence[StackResult], catalogue: Catalogue) -> list[Finding]:
    """One finding per pair of overlapping subnets in different stacks (the shared backbone excluded)."""
    shared = {str(catalogue.address_plan.backbone.ipv4), str(catalogue.address_plan.backbone.ipv6)}
    seen: list[tuple[Network, StackResult, str]] = []
    findings: list[Finding] = []
    for stack in stacks:
        for record in stack.resources:
            cidr = record.inputs.get("cidr") if record.type == SUBNET else None
            if not isinstance(cidr, str) or cidr in shared:
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


@dataclass(frozen=True)
class Claim:
    """One thing a stack file holds that no other file may: a name, a range or an address."""

    kind: str  # "tenant name" | "project" | "range" | "link address"
    value: str | Network | Address
    file: str
    key: str


def _claims(body: dict[str, Any], file: str, kind: str) -> Iterator[Claim]:
    """What one stack file's `sovcloud:<kind>` body claims, read leniently (a broken file still claims)."""
    prefix = f"sovcloud:{kind}"
    if kind == "tenant":
        name = body.get("name")
        if isinstance(name, str):
            yield Claim("tenant name", name, file, f"{prefix}.name")
            yield Claim("project", f"tenant-{name}", file, f"{prefix}.name")
    sites = body.get("sites")
    for site_key, site in sites.items() if isinstance(sites, dict) else ():
        entries: list[tuple[str, Any]] = []
        if kind == "tenant" and isinstance(site, dict):
            entries = [(f"sites.{site_key}.{v}", site.get(v)) for v in ("ipv4", "ipv6")]
            transit = site.get("transit")
            if isinstance(transit, dict):
                entries += [(f"sites.{site_key}.transit.{v}", transit.get(v)) for v in ("ipv4", "ipv6")]
        elif kind == "platform" and isinstance(site, dict) and isinstance(site.get("networks"), list):
            for index, network in enumerate(site["networks"]):
                if isinstance(network, dict):
                    entries += [(f"sites.{site_key}.networks[{index}].{v}", network.get(v)) for v in ("ipv4", "ipv6")]
        for key, raw in entries:
            if not isinstance(raw, str):
                continue
            try:
                if "/" in raw:
                    yield Claim("range", ipaddress.ip_network(raw, strict=False), file, f"{prefix}.{key}")
                else:
                    yield Claim("link address", ipaddress.ip_address(raw), file, f"{prefix}.{key}")
            except ValueError:
                continue  # the file's own validation names it


def read_claims(stacks_dir: Path, root: Path) -> list[Claim]:
    """The claims of every `Pulumi.*.yaml` in `stacks_dir` (unreadable files claim nothing: the check
    reports them on their own)."""
    claims: list[Claim] = []
    for path in sorted(stacks_dir.glob("Pulumi.*.yaml")):
        try:
            shown = str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            shown = str(path)
        try:
            document = load_yaml_file(path)  # within limits: a pipe or an alias bomb never hangs this
        except UnreadableFile:
            continue
        config = document.get("config") if isinstance(document, dict) else None
        if not isinstance(config, dict):
            continue
        for kind in ("tenant", "platform"):
            body = config.get(f"sovcloud:{kind}")
            if isinstance(body, dict):
                claims.extend(_claims(body, shown, kind))
    return claims


def _clash(a: Claim, b: Claim) -> bool:
    if a.kind != b.kind or a.file == b.file:
        return False
    if isinstance(a.value, ipaddress.IPv4Network | ipaddress.IPv6Network) and isinstance(
        b.value, ipaddress.IPv4Network | ipaddress.IPv6Network
    ):
        return a.value.version == b.value.version and a.value.overlaps(b.value)  # type: ignore[arg-type]
    return a.value == b.value


def stack_file_conflicts(stacks_dir: Path, root: Path, catalogue: Catalogue) -> list[Finding]:
    """One finding per pair of stack files claiming the same name, project, range or link address
    (a range outside the federation plan is left to the file's own validation, which names it)."""
    claims = [
        claim
        for claim in read_claims(stacks_dir, root)
        if not isinstance(claim.value, ipaddress.IPv4Network | ipaddress.IPv6Network) or catalogue.in_plan(claim.value)
    ]
    by_kind: dict[str, list[Claim]] = {}
    for claim in claims:
        by_kind.setdefault(claim.kind, []).append(claim)
    findings: list[Finding] = []
    for kind, group in by_kind.items():
        if kind == "range":
            pairs = _overlapping_ranges(group)
        else:
            first: dict[object, Claim] = {}
            pairs = []
            for claim in group:
                earlier = first.setdefault(claim.value, claim)
                if earlier is not claim and earlier.file != claim.file:
                    pairs.append((earlier, claim))
        for earlier, claim in pairs:
            verb = "overlaps" if kind == "range" else "is also"
            findings.append(
                Finding.of(
                    UNIQUE_ALLOCATIONS,
                    f"{kind} {claim.value} {verb} {earlier.value} at {earlier.key} of {earlier.file}",
                    Source.PROJECT,
                    file=claim.file,
                    key=claim.key,
                )
            )
    return findings


def _overlapping_ranges(claims: list[Claim]) -> list[tuple[Claim, Claim]]:
    """Pairs of overlapping ranges from different files: sorted sweep, so thousands of tenants stay fast."""
    pairs: list[tuple[Claim, Claim]] = []
    for version in (4, 6):
        spans = sorted(
            (int(c.value.network_address), int(c.value.broadcast_address), index, c)  # type: ignore[union-attr]
            for index, c in enumerate(claims)
            if c.value.version == version  # type: ignore[union-attr]
        )
        open_spans: list[tuple[int, Claim]] = []  # (last address, claim) of spans that may still overlap
        for low, high, _, claim in spans:
            open_spans = [(end, c) for end, c in open_spans if end >= low]
            # blamed: the claim of the file read later (stack files are read in name order)
            pairs += [(c, claim) if c.file < claim.file else (claim, c) for _, c in open_spans if c.file != claim.file]
            open_spans.append((high, claim))
    return pairs
