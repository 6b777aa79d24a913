"""Config of a tenant stack: one tenant (a ministry, a hospital, a bank) on two sites of the federation.

The tenant's primary site holds its data; its replica site (any other site of the catalogue) holds
the replicas and backups and can take over. `failover: true` swaps the two without touching
anything else, so the switch is one line in the stack file. Everything the program needs is
validated here, before any resource is declared: exactly those two sites, ranges inside each
site's tenant pool, link addresses in the site's tenant link network outside the platform's
reserved hosts, SCS flavors, encrypted volume types, images from the site registry, and totals
that fit the tenant's own quotas.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Literal

from federation_catalogue import Catalogue
from federation_catalogue.catalogue import PLATFORM_LINK_HOSTS
from pydantic import Field, field_validator

from model.config.address_plan import Problem, outside, overlapping
from model.config.common import KeycloakAccess, Quotas, Strict
from model.scs import MANDATORY_FLAVORS, parse_flavor_name

TENANT_NAME = r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$"
_LABEL = r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$"
DEFAULT_PLATFORM_STACK = "organization/sovcloud/platform"
# Hosts 1..15 of each tenant link block belong to the platform (border router and spares).
FIRST_TENANT_TRANSIT_HOST = PLATFORM_LINK_HOSTS + 1
# Volume types every site declares (components/volume_types.py); all of them are encrypted.
ENCRYPTED_VOLUME_TYPES = ("encrypted", "encrypted-replicated")
# A repository path inside a site registry: `team/app:tag` or `team/app@sha256:...`, never a host.
_IMAGE_PATH = re.compile(
    r"^(?P<path>[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(?P<digest>sha256:[0-9a-f]{64}))$"
)

SiteRole = Literal["primary", "replica"]


class TransitAddress(Strict):
    """The tenant router's addresses on its site's tenant link network (where the border router is)."""

    ipv4: ipaddress.IPv4Address
    ipv6: ipaddress.IPv6Address


class TenantSite(Strict):
    """The tenant's allocation on one site: its ranges and its router's transit addresses."""

    ipv4: ipaddress.IPv4Network
    ipv6: ipaddress.IPv6Network
    transit: TransitAddress
    cloud: str | None = None  # clouds.yaml entry; defaults to sovcloud-<site>


class TenantGroup(Strict):
    """One of the tenant's own groups, with roles in the tenant's projects (and nowhere else)."""

    name: str = Field(pattern=_LABEL)
    description: str = ""
    roles: tuple[str, ...] = Field(min_length=1)


class ServerGroup(Strict):
    """A set of identical instances kept apart on different hosts (anti-affinity)."""

    name: str = Field(pattern=_LABEL)
    policy: Literal["anti-affinity", "soft-anti-affinity"] = "anti-affinity"
    count: int = Field(default=2, ge=0, le=50)
    flavor: str
    image: str = Field(default="Ubuntu 24.04", min_length=1)
    boot_volume_gb: int = Field(default=20, ge=1, alias="bootVolumeGB")
    placement: Literal["primary", "both"] = "primary"  # `both`: also run the group on the replica site


class Compute(Strict):
    server_groups: tuple[ServerGroup, ...] = Field(default=(), alias="serverGroups")


class Volume(Strict):
    """A block storage volume in the primary site, protected by a replica or backups in the partner site."""

    name: str = Field(pattern=_LABEL)
    size_gb: int = Field(ge=1, le=16384, alias="sizeGB")
    type: str = "encrypted-replicated"
    protection: Literal["replica", "backup"] = "replica"


class ObjectContainer(Strict):
    """A Swift container in the primary site, synchronised to the partner site."""

    name: str = Field(pattern=_LABEL)
    versioning: bool = True


class ObjectStorage(Strict):
    containers: tuple[ObjectContainer, ...] = ()


class Workload(Strict):
    """A Deployment pinned to each site's region, pulling only from that site's registry."""

    name: str = Field(pattern=_LABEL)
    image: str  # repository path in the site registry, e.g. `finance/portal:1.4.2`
    replicas: int = Field(default=2, ge=0, le=100)
    standby_replicas: int = Field(default=0, ge=0, le=100, alias="standbyReplicas")  # on the replica site
    port: int | None = Field(default=None, ge=1024, le=65535)
    cpu: str = Field(default="250m", pattern=r"^[0-9]+(\.[0-9]+)?m?$")
    memory: str = Field(default="256Mi", pattern=r"^[0-9]+(Ki|Mi|Gi)$")

    @field_validator("image")
    @classmethod
    def _registry_path(cls, image: str) -> str:
        match = _IMAGE_PATH.match(image)
        if not match:
            raise ValueError(
                "must be a repository path in the site registry with a tag or digest, "
                "e.g. 'finance/portal:1.4.2' (the program prefixes registry.<region>.sov.internal/)"
            )
        first = match["path"].split("/", 1)[0]
        if "." in first and "/" in match["path"]:
            raise ValueError("must not name a registry host: images come only from the site's own registry")
        return image


class ContainerLimits(Strict):
    """LimitRange defaults for containers that state no resources."""

    default: dict[str, str] = Field(default_factory=lambda: {"cpu": "500m", "memory": "512Mi"})
    default_request: dict[str, str] = Field(
        default_factory=lambda: {"cpu": "100m", "memory": "128Mi"}, alias="defaultRequest"
    )


class Kubernetes(Strict):
    enabled: bool = False
    quota: dict[str, str] = Field(
        default_factory=lambda: {
            "requests.cpu": "4",
            "requests.memory": "8Gi",
            "limits.cpu": "8",
            "limits.memory": "16Gi",
            "pods": "40",
        }
    )
    limits: ContainerLimits = ContainerLimits()
    workloads: tuple[Workload, ...] = ()


class TenantConfig(Strict):
    """`sovcloud:tenant` in stacks/Pulumi.tenant-<name>.yaml."""

    name: str = Field(pattern=TENANT_NAME)
    description: str = ""
    primary_site: str = Field(alias="primarySite")
    # Where the replicas and backups live; stack files made for the two-site federation leave it out
    # and name it only under `sites` (the key that is not the primary).
    replica_site: str | None = Field(default=None, alias="replicaSite")
    failover: bool = False  # true: the replica site takes over (primary and replica swap)
    platform_stack: str = Field(
        default=DEFAULT_PLATFORM_STACK, alias="platformStack", pattern=r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+){0,2}$"
    )
    sites: dict[str, TenantSite]
    quotas: Quotas = Quotas()
    services: tuple[str, ...] = ("dns", "ntp", "object-storage")  # platform services the tenant may reach
    groups: tuple[TenantGroup, ...] = ()
    compute: Compute = Compute()
    volumes: tuple[Volume, ...] = ()
    object_storage: ObjectStorage = Field(default=ObjectStorage(), alias="objectStorage")
    kubernetes: Kubernetes = Kubernetes()
    # Keycloak access for the tenant's realm group; without it only the Keystone side is declared.
    identity: KeycloakAccess | None = None

    # --- what the program reads -------------------------------------------------------------------------

    @property
    def replica(self) -> str:
        """The replica site: `replicaSite`, or else the one site under `sites` that is not the primary."""
        if self.replica_site is not None:
            return self.replica_site
        return next((key for key in self.sites if key != self.primary_site), "")

    @property
    def site_keys(self) -> tuple[str, str]:
        """The tenant's two sites, primary first (as configured, whatever the failover)."""
        return (self.primary_site, self.replica)

    def active_site(self, catalogue: Catalogue | None = None) -> str:
        """Where the tenant's data and workloads live now: the primary site, or the replica after failover."""
        return self.replica if self.failover else self.primary_site

    def other_site(self, site: str) -> str:
        """The tenant's other site: where its range is routed to from `site`, and where copies go."""
        return self.replica if site == self.primary_site else self.primary_site

    def site_role(self, site: str, catalogue: Catalogue | None = None) -> SiteRole:
        return "primary" if site == self.active_site() else "replica"

    @property
    def project_name(self) -> str:
        return f"tenant-{self.name}"

    # --- what needs the catalogue -----------------------------------------------------------------------

    def problems(self, catalogue: Catalogue) -> list[Problem]:
        """Sites and ranges against the catalogue, then names, flavors, types, services and totals."""
        found: list[Problem] = []
        if self.primary_site not in catalogue.sites:
            found.append(
                (("primarySite",), f"unknown site {self.primary_site!r} (catalogue sites: {_list(catalogue.sites)})")
            )
        found += self._replica_problems(catalogue)
        found += self._site_problems(catalogue)
        found += self._name_problems()
        for index, group in enumerate(self.groups):
            for role_index, role in enumerate(group.roles):
                if role not in catalogue.tenant_roles:
                    found.append(
                        (
                            ("groups", index, "roles", role_index),
                            f"role {role!r} is not a tenant role (valid: {_list(catalogue.tenant_roles)})",
                        )
                    )
        for index, service in enumerate(self.services):
            missing = [key for key, site in catalogue.sites.items() if service not in site.services]
            if missing:
                known = sorted(set.intersection(*(set(s.services) for s in catalogue.sites.values())))
                found.append((("services", index), f"unknown platform service {service!r} (valid: {_list(known)})"))
        for index, server_group in enumerate(self.compute.server_groups):
            loc: tuple[int | str, ...] = ("compute", "serverGroups", index, "flavor")
            try:
                parse_flavor_name(server_group.flavor)
            except ValueError as error:
                found.append((loc, str(error)))
                continue
            if server_group.flavor not in MANDATORY_FLAVORS:
                found.append(
                    (
                        loc,
                        f"{server_group.flavor} is not a scs-0103 mandatory flavor, the only ones every site has "
                        f"(valid: {_list(MANDATORY_FLAVORS)})",
                    )
                )
        for index, volume in enumerate(self.volumes):
            if volume.type not in ENCRYPTED_VOLUME_TYPES:
                found.append(
                    (
                        ("volumes", index, "type"),
                        f"{volume.type!r} is not an encrypted volume type (valid: {_list(ENCRYPTED_VOLUME_TYPES)})",
                    )
                )
        if self.kubernetes.workloads and not self.kubernetes.enabled:
            found.append((("kubernetes", "enabled"), "workloads are declared but Kubernetes is not enabled"))
        if not found:
            found += self._quota_problems()
        return found

    def _site_problems(self, catalogue: Catalogue) -> list[Problem]:
        found: list[Problem] = []
        allocations: list[tuple[tuple[int | str, ...], ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
        for site_key, allocation in self.sites.items():
            loc: tuple[int | str, ...] = ("sites", site_key)
            if site_key not in catalogue.sites:
                found.append((loc, f"unknown site {site_key!r} (catalogue sites: {_list(catalogue.sites)})"))
                continue
            site = catalogue.sites[site_key]
            pool = site.pools.tenants
            found += outside((*loc, "ipv4"), allocation.ipv4, pool.ipv4, f"site {site_key}'s tenant pool")
            found += outside((*loc, "ipv6"), allocation.ipv6, pool.ipv6, f"site {site_key}'s tenant pool")
            if not 16 <= allocation.ipv4.prefixlen <= 28:
                found.append(
                    ((*loc, "ipv4"), f"/{allocation.ipv4.prefixlen} is not a tenant network size (/16 to /28)")
                )
            if allocation.ipv6.prefixlen != 64:
                found.append(
                    ((*loc, "ipv6"), f"/{allocation.ipv6.prefixlen} must be a /64 (one IPv6 subnet per network)")
                )
            allocations += [((*loc, "ipv4"), allocation.ipv4), ((*loc, "ipv6"), allocation.ipv6)]
            for version, address in (("ipv4", allocation.transit.ipv4), ("ipv6", allocation.transit.ipv6)):
                blocks = site.tenant_links.blocks(address.version)
                found += _transit_problems((*loc, "transit", version), address, blocks, site_key)
        found += overlapping(allocations)
        return found

    def _replica_problems(self, catalogue: Catalogue) -> list[Problem]:
        """Two different catalogue sites, and `sites` naming exactly those two."""
        found: list[Problem] = []
        if self.replica_site is not None and self.replica_site not in catalogue.sites:
            found.append(
                (("replicaSite",), f"unknown site {self.replica_site!r} (catalogue sites: {_list(catalogue.sites)})")
            )
        elif self.replica_site is not None and self.replica_site == self.primary_site:
            found.append((("replicaSite",), "must differ from primarySite: the replica is the other copy"))
        if found or self.primary_site not in catalogue.sites:
            return found  # an unknown primary is reported at primarySite, and nowhere else
        replica = self.replica
        if self.replica_site is None and len(self.sites) != 2:
            others = [key for key in catalogue.sites if key != self.primary_site]
            if len(self.sites) < 2 and len(others) == 1:
                replica = others[0]  # the two-site federation: the replica can only be the other site
            else:
                return [
                    (("replicaSite",), f"is required when `sites` names {len(self.sites)} sites (it names the replica)")
                ]
        wanted = (self.primary_site, replica)
        if set(self.sites) != set(wanted):
            missing = [key for key in wanted if key not in self.sites]
            extra = [key for key in self.sites if key not in wanted]
            if missing:
                found.append(
                    (("sites",), f"site {missing[0]!r} is missing: the tenant lives on {' and '.join(wanted)}")
                )
            for key in extra:
                found.append(
                    (
                        ("sites", key),
                        f"is neither the primary nor the replica site ({self.primary_site}, {self.replica})",
                    )
                )
        return found

    def _name_problems(self) -> list[Problem]:
        found: list[Problem] = []
        collections: list[tuple[tuple[str, ...], Iterable[str]]] = [
            (("groups",), (g.name for g in self.groups)),
            (("compute", "serverGroups"), (g.name for g in self.compute.server_groups)),
            (("volumes",), (v.name for v in self.volumes)),
            (("objectStorage", "containers"), (c.name for c in self.object_storage.containers)),
            (("kubernetes", "workloads"), (w.name for w in self.kubernetes.workloads)),
        ]
        for loc, names in collections:
            seen: set[str] = set()
            for index, name in enumerate(names):
                if name in seen:
                    found.append(((*loc, index, "name"), f"name {name!r} repeats"))
                seen.add(name)
        lists: list[tuple[tuple[int | str, ...], tuple[str, ...]]] = [
            (("services",), self.services),
            *((("groups", index, "roles"), group.roles) for index, group in enumerate(self.groups)),
        ]
        for list_loc, values in lists:
            for index, value in enumerate(values):
                if value in values[:index]:
                    found.append(((*list_loc, index), f"{value!r} repeats"))
        return found

    def _quota_problems(self) -> list[Problem]:
        """What the config declares must fit the tenant's own quotas, on each site."""
        found: list[Problem] = []
        q = self.quotas
        for role in ("primary", "replica"):
            groups = [g for g in self.compute.server_groups if role == "primary" or g.placement == "both"]
            instances = sum(g.count for g in groups)
            cores = sum(g.count * parse_flavor_name(g.flavor).vcpus for g in groups)
            ram_mib = sum(g.count * parse_flavor_name(g.flavor).ram_mib for g in groups)
            boot = [g for g in groups if parse_flavor_name(g.flavor).disk_gb == 0]
            volumes = sum(g.count for g in boot) + len(self.volumes if role == "primary" else self._replicated())
            gigabytes = sum(g.count * g.boot_volume_gb for g in boot) + sum(
                v.size_gb for v in (self.volumes if role == "primary" else self._replicated())
            )
            for what, used, limit, key in (
                ("instances", instances, q.instances, "instances"),
                ("vCPUs", cores, q.cores, "cores"),
                ("GiB of RAM", -(-ram_mib // 1024), q.ram_gib, "ramGiB"),
                ("volumes", volumes, q.volumes, "volumes"),
                ("GB of volumes", gigabytes, q.gigabytes, "gigabytes"),
            ):
                if used > limit:
                    found.append(
                        (("quotas", key), f"the {role} site needs {used} {what}, more than the quota of {limit}")
                    )
        return found

    def _replicated(self) -> list[Volume]:
        return [v for v in self.volumes if v.protection == "replica"]


def _transit_problems(
    loc: tuple[int | str, ...],
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    blocks: tuple[ipaddress.IPv4Network, ...] | tuple[ipaddress.IPv6Network, ...],
    site_key: str,
) -> list[Problem]:
    pool = next((block for block in blocks if address in block), None)
    if pool is None:
        return [(loc, f"{address} is outside site {site_key}'s tenant link network ({_list(map(str, blocks))})")]
    host = int(address) - int(pool.network_address)
    last = pool.num_addresses - 1
    if host < FIRST_TENANT_TRANSIT_HOST:
        return [
            (loc, f"{address} is one of the platform's link addresses (hosts 1..15 of {pool}); use host 16 or above")
        ]
    if host >= last:
        return [(loc, f"{address} is the last address of {pool}; use one below it")]
    return []


def _list(values: Iterable[str]) -> str:
    return ", ".join(values)
