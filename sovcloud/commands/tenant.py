"""`sovcloud tenant new NAME`: stamp out a tenant stack with ranges no other stack uses.

The new stack file is built in memory, validated exactly as the program validates its config
(`infra.stack_kinds.parse_stack_config`), and only then written, never over an existing file.
Reading what is taken, allocating and writing happen under the lock of the stacks directory, and
the allocation is checked again against a fresh read just before writing, so concurrent runs never
hand out the same range or address. Any refusal (invalid or duplicate name, invalid size or quota,
exhausted address plan) is one line on stderr (the capacity report after it when the plan is
exhausted), exit code 2, and nothing written.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from federation_catalogue import Catalogue, load_catalogue
from federation_catalogue.errors import ConfigError
from pulumi import automation as auto

from infra.stack_kinds import parse_stack_config
from model.config.common import OPENSTACK_QUOTA_MAX, Quotas
from model.config.loader import read_stack_file
from model.config.tenant import DEFAULT_PLATFORM_STACK, TENANT_NAME
from sovcloud.allocation import PlanExhausted, SiteAllocation, Taken, allocate, read_taken, reserve
from sovcloud.capacity import default_replica, federation_capacity
from sovcloud.capacity import render as render_capacity
from sovcloud.passphrase import new_encryption_salt, passphrase_from_environment
from sovcloud.stacks_lock import StacksBusy, stacks_lock

app = typer.Typer(
    help="Create tenant stacks: ranges on a primary and a replica site, quotas, groups, validated.",
    no_args_is_help=True,
)


@app.callback()
def tenant() -> None:
    """Tenant stacks: one stack per tenant, on its primary and replica sites."""


class Size(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


# size -> (IPv4 prefix per site, project quotas, Kubernetes ResourceQuota)
SIZES: dict[Size, tuple[int, dict[str, int], dict[str, str]]] = {
    Size.small: (
        24,
        {"instances": 10, "cores": 20, "ramGiB": 64, "volumes": 20, "gigabytes": 1000, "snapshots": 20,
         "networks": 2, "subnets": 4, "routers": 1, "ports": 50, "securityGroups": 10, "securityGroupRules": 100},
        {"requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8", "limits.memory": "16Gi", "pods": "40"},
    ),
    Size.medium: (
        23,
        {"instances": 20, "cores": 64, "ramGiB": 256, "volumes": 40, "gigabytes": 4000, "snapshots": 40,
         "networks": 4, "subnets": 8, "routers": 2, "ports": 100, "securityGroups": 20, "securityGroupRules": 200},
        {"requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "16", "limits.memory": "32Gi", "pods": "60"},
    ),
    Size.large: (
        22,
        {"instances": 40, "cores": 160, "ramGiB": 640, "volumes": 80, "gigabytes": 8000, "snapshots": 40,
         "networks": 4, "subnets": 8, "routers": 2, "ports": 200, "securityGroups": 20, "securityGroupRules": 200},
        {"requests.cpu": "16", "requests.memory": "32Gi", "limits.cpu": "32", "limits.memory": "64Gi", "pods": "100"},
    ),
}  # fmt: skip
DEFAULT_GROUPS = (
    {"name": "admins", "description": "The tenant's administrators", "roles": ["member", "load-balancer_member"]},
    {"name": "readers", "description": "Read-only access (auditors, support)", "roles": ["reader"]},
)


class Refusal(Exception):
    """A reason not to write the stack file, in one line (and, when the plan is full, the capacity report)."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def quota_keys() -> list[str]:
    return [field.alias or name for name, field in Quotas.model_fields.items()]


def parse_quota_overrides(overrides: list[str]) -> dict[str, int]:
    """`cores=32` pairs; keys as in the stack file (camelCase), values integers."""
    valid = quota_keys()
    parsed: dict[str, int] = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise Refusal(f"--quota {item!r}: expected KEY=VALUE, e.g. cores=32")
        if key not in valid:
            raise Refusal(f"--quota {item!r}: unknown quota {key!r} (valid: {', '.join(valid)})")
        if not re.fullmatch(r"-?[0-9]+", value):
            raise Refusal(f"--quota {item!r}: {value!r} is not a whole number")
        if len(value.lstrip("-")) > len(str(OPENSTACK_QUOTA_MAX)):
            raise Refusal(f"--quota {key}: more than OpenStack accepts (at most {OPENSTACK_QUOTA_MAX})")
        parsed[key] = int(value)
    return parsed


def build_document(
    name: str,
    *,
    catalogue: Catalogue,
    stacks_dir: Path,
    primary_site: str,
    replica_site: str | None = None,
    size: Size,
    quota_overrides: dict[str, int],
    kubernetes: bool,
    description: str,
    passphrase: str | None,
    taken: Taken | None = None,
) -> dict[str, Any]:
    """The whole stack file for a new tenant, with freshly allocated ranges. `taken` (what the stack
    files hold; read from `stacks_dir` when not given) gets the new allocation reserved in it."""
    if not re.fullmatch(TENANT_NAME, name):
        raise Refusal(
            f"invalid tenant name {name!r}: use 3 to 32 lowercase letters, digits and dashes, "
            "starting with a letter and not ending with a dash"
        )
    taken = read_taken(stacks_dir) if taken is None else taken
    if name in taken.tenant_names:
        raise Refusal(f"tenant {name!r} already exists in {taken.tenant_names[name]}")
    if primary_site not in catalogue.sites:
        raise Refusal(f"unknown primary site {primary_site!r} (catalogue sites: {', '.join(catalogue.sites)})")
    if replica_site is None:
        replica_site = default_replica(catalogue, taken, primary_site, size.value)
    elif replica_site not in catalogue.sites:
        raise Refusal(f"unknown replica site {replica_site!r} (catalogue sites: {', '.join(catalogue.sites)})")
    elif replica_site == primary_site:
        raise Refusal(f"--replica-site {replica_site} is the primary site: the replica lives on another site")
    prefix, quotas, k8s_quota = SIZES[size]
    try:
        allocations = allocate(catalogue, taken, prefix, (primary_site, replica_site))
    except PlanExhausted as error:
        raise Refusal(
            f"the address plan is exhausted for a {size.value} tenant: {error}",
            render_capacity(federation_capacity(catalogue, taken)),
        ) from None
    reserve(taken, allocations)
    taken.tenant_names[name] = stacks_dir / f"Pulumi.tenant-{name}.yaml"
    body: dict[str, Any] = {
        "name": name,
        "description": description or f"Tenant {name}",
        "primarySite": primary_site,
        "replicaSite": replica_site,
        "failover": False,
        "platformStack": DEFAULT_PLATFORM_STACK,
        "sites": {key: allocations[key].as_config() for key in catalogue.sites if key in allocations},
        "quotas": {**quotas, **quota_overrides},
        "services": ["dns", "ntp", "object-storage"],
        "groups": [dict(group) for group in DEFAULT_GROUPS],
        "kubernetes": {"enabled": kubernetes, **({"quota": k8s_quota} if kubernetes else {})},
    }
    document: dict[str, Any] = {"secretsprovider": "passphrase"}
    if passphrase is not None:
        document["encryptionsalt"] = new_encryption_salt(passphrase)
    document["config"] = {"sovcloud:kind": "tenant", "sovcloud:tenant": body}
    return document


def render_stack(document: dict[str, Any], name: str, size: Size) -> str:
    header = (
        f"# Tenant stack: {name} ({size.value}), created by `sovcloud tenant new`.\n"
        f"# Run: pulumi stack select tenant-{name} && pulumi preview --policy-pack policies\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def validate(text: str, shown: str) -> None:
    """Validate the file's text exactly as the program will read it; raises ConfigError."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "Pulumi.tenant.yaml"
        path.write_text(text, encoding="utf-8")
        parse_stack_config(read_stack_file(path), shown)


def recheck(document: dict[str, Any], stacks_dir: Path) -> None:
    """Under the lock, just before writing: nothing allocated may have been taken meanwhile (a hand edit
    or a writer that did not take the lock); refuses naming what clashes."""
    body = document["config"]["sovcloud:tenant"]
    taken = read_taken(stacks_dir)
    if body["name"] in taken.tenant_names:
        raise Refusal(f"tenant {body['name']!r} appeared meanwhile in {taken.tenant_names[body['name']]}")
    for key, entry in body["sites"].items():
        allocation = SiteAllocation(
            ipv4=ipaddress.IPv4Network(entry["ipv4"]),
            ipv6=ipaddress.IPv6Network(entry["ipv6"]),
            transit_ipv4=ipaddress.IPv4Address(entry["transit"]["ipv4"]),
            transit_ipv6=ipaddress.IPv6Address(entry["transit"]["ipv6"]),
        )
        clashes = allocation.clashes(taken)
        if clashes:
            raise Refusal(f"site {key}: {clashes[0]} in another stack file, taken meanwhile; run it again")


def find_project_root(start: Path) -> Path | None:
    for candidate in (start, *start.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    return None


def deploy(stack: str, stacks_dir: Path) -> None:
    """Create the stack and run `pulumi up` through the Automation API, when the CLI is installed."""
    root = find_project_root(stacks_dir.resolve())
    if shutil.which("pulumi") is None or root is None:
        typer.echo(
            "The Pulumi CLI is not installed, so the stack was not created nor deployed. With the CLI and "
            f"credentials: pulumi stack init {stack} --secrets-provider passphrase && "
            f"pulumi up --stack {stack} --policy-pack policies"
        )
        return
    workspace = auto.LocalWorkspaceOptions(secrets_provider="passphrase")
    created = auto.create_or_select_stack(stack_name=stack, work_dir=str(root), opts=workspace)
    created.up(on_output=typer.echo, policy_packs=[str(root / "policies")])


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Tenant name: lowercase letters, digits and dashes.")],
    primary_site: Annotated[str, typer.Option("--primary-site", "-p", help="Site holding the tenant's data.")] = "lu",
    replica_site: Annotated[
        str | None,
        typer.Option(
            "--replica-site",
            "-r",
            help="Site holding the replicas and backups; default: the other site with room for the most "
            "more tenants of this size (the first in catalogue order on a tie).",
        ),
    ] = None,
    size: Annotated[Size, typer.Option(help="Network size and default quotas.")] = Size.medium,
    quota: Annotated[
        list[str] | None, typer.Option("--quota", "-q", help="Quota override KEY=VALUE (e.g. cores=32); repeatable.")
    ] = None,
    kubernetes: Annotated[bool, typer.Option("--kubernetes/--no-kubernetes", help="A namespace on each site.")] = True,
    description: Annotated[str, typer.Option(help="What the tenant is.")] = "",
    stacks_dir: Annotated[Path, typer.Option(help="Where stack files live.")] = Path("stacks"),
    up: Annotated[
        bool, typer.Option("--up", help="Also create the stack and run `pulumi up` (needs the CLI).")
    ] = False,
) -> None:
    """Allocate ranges on the primary and replica sites, write stacks/Pulumi.tenant-NAME.yaml, validate it
    like the program does."""
    stack = f"tenant-{name}"
    path = stacks_dir / f"Pulumi.{stack}.yaml"
    try:
        if not stacks_dir.is_dir():
            raise Refusal(f"no stacks directory {stacks_dir}")
        passphrase = passphrase_from_environment()
        overrides = parse_quota_overrides(quota or [])
        with stacks_lock(stacks_dir):
            if path.exists():
                raise Refusal(f"{path} already exists")
            document = build_document(
                name,
                catalogue=load_catalogue(),
                stacks_dir=stacks_dir,
                primary_site=primary_site,
                replica_site=replica_site,
                size=size,
                quota_overrides=overrides,
                kubernetes=kubernetes,
                description=description,
                passphrase=passphrase,
            )
            text = render_stack(document, name, size)
            validate(text, str(path))
            recheck(document, stacks_dir)
            with path.open("x", encoding="utf-8") as stream:
                stream.write(text)
    except Refusal as refusal:
        typer.echo(f"sovcloud tenant new: {refusal}; nothing written", err=True)
        if refusal.details:
            typer.echo(refusal.details, err=True)
        raise typer.Exit(2) from None
    except StacksBusy as busy:
        typer.echo(f"sovcloud tenant new: {busy}; nothing written", err=True)
        raise typer.Exit(2) from None
    except ConfigError as error:
        problems = "; ".join(f"{key}: {message}" for key, message in error.problems)
        typer.echo(f"sovcloud tenant new: {error.file}: {problems}; nothing written", err=True)
        raise typer.Exit(2) from None
    except FileExistsError:
        typer.echo(f"sovcloud tenant new: {path} already exists; nothing written", err=True)
        raise typer.Exit(2) from None
    sites = document["config"]["sovcloud:tenant"]["sites"]
    typer.echo(f"wrote {path}")
    for key, allocation in sites.items():
        role = "primary" if key == document["config"]["sovcloud:tenant"]["primarySite"] else "replica"
        transit = allocation["transit"]
        typer.echo(
            f"  {key} ({role}): {allocation['ipv4']} {allocation['ipv6']}, transit {transit['ipv4']} {transit['ipv6']}"
        )
    if passphrase is None:
        typer.echo(
            "  no encryptionsalt: PULUMI_CONFIG_PASSPHRASE is not set; "
            f"`pulumi stack init {stack} --secrets-provider passphrase` adds it"
        )
    if up:
        deploy(stack, stacks_dir)
