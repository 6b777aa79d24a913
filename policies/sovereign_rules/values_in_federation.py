"""Closed world, by value: every destination in any input of any resource or provider is inside.

Every string of every resource's and provider's inputs (documents held in strings included:
kubeconfigs, endpoint overrides, chart values, JSON policies) is read for addresses, ranges,
URLs and host names (`core/destinations.py`); anything outside the federation is a mandatory
violation naming the field. A second policy reports the same destinations again, tagged
`placement`, where the field says data lands there (backups, replicas, storage, sync, sinks).

Not read: the fields in `EXCEPTIONS` (descriptive, never dialled; each with its reason), and the
fields in `JUDGED_ELSEWHERE`, whose structural rule applies a stricter allow-list to the same
value (so one bad image URL is one violation). An unknown value fails closed unless its field
only refers to another resource (an ID) or holds a secret.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from pulumi_policy import Severity

from .core.destinations import Destination, destinations, host_destination, outside, strings
from .core.framework import MANDATORY, Check, Resource, Rule
from .core.references import EU_PLACEMENT, NO_INTERNET
from .core.values import Unknown, dotted


@dataclass(frozen=True)
class FieldException:
    """Fields never read for destinations: `path` matches the end of a field's path (`*` is any
    one step); `types` limits it to type tokens starting with one of these prefixes."""

    path: tuple[str, ...]
    reason: str
    types: tuple[str, ...] = ()

    def matches(self, resource_type: str, path: tuple[str, ...]) -> bool:
        if self.types and not resource_type.startswith(self.types):
            return False
        if len(path) < len(self.path):
            return False
        tail = path[len(path) - len(self.path) :]
        return all(p == "*" or p == t for p, t in zip(self.path, tail, strict=True))


EXCEPTIONS: Final = (
    FieldException(("description",), "free text for people; nothing dials it"),
    FieldException(("displayName",), "a name shown to people"),
    FieldException(
        ("properties", "image_source"),
        "SCS-0102 provenance: the image's upstream origin, recorded, never fetched (the bytes come from the mirror)",
        ("openstack:images/image:Image",),
    ),
    FieldException(
        ("properties", "image_description"),
        "SCS-0102 metadata: a link for people describing the image",
        ("openstack:images/image:Image",),
    ),
    FieldException(("apiVersion",), "an API group and version (`networking.k8s.io/v1`), not a host"),
    FieldException(("kind",), "a type name"),
    FieldException(
        ("metadata", "name"), "an object's name (DNS-subdomain syntax: `widgets.example.com`)", ("kubernetes:",)
    ),
    FieldException(("metadata", "generateName"), "a prefix for generated object names", ("kubernetes:",)),
    FieldException(("metadata", "namespace"), "a namespace's name", ("kubernetes:",)),
    FieldException(("webhooks", "*", "name"), "a webhook's qualified name, required to look like a host"),
    FieldException(("metadata", "labels", "*"), "label values select objects; nothing dials them"),
    FieldException(("matchLabels", "*"), "label selector values"),
    FieldException(("matchExpressions", "*", "key"), "a label key (`topology.kubernetes.io/region`)"),
    FieldException(("topologyKey",), "a label key"),
    FieldException(("apiGroups", "*"), "RBAC API groups (`networking.k8s.io`)"),
    FieldException(("apiGroup",), "an API group name"),
    FieldException(("finalizers", "*"), "finalizer names (`kubernetes.io/pvc-protection`)"),
    FieldException(("provisioner",), "a storage provisioner's name (`cinder.csi.openstack.org`)"),
    FieldException(("controller",), "an ingress controller's name (`k8s.io/ingress-nginx`)"),
    FieldException(("controllerName",), "a Gateway API controller's name"),
    FieldException(("__provider",), "a dynamic provider's serialised code, run by the program itself"),
    FieldException(("spec", "group"), "a CustomResourceDefinition's API group", ("kubernetes:apiextensions.k8s.io/",)),
)
# A version or tag that merely looks like an address (`1.2.3.4`, `v10.1`) is not one.
VERSION_FIELD: Final = re.compile(r"(?i)(version|tag)$")
VERSION_TEXT: Final = re.compile(r"^v?\d+(\.\d+){1,3}([-+][\w.+-]*)?$")

# Fields a structural rule judges against a stricter allow-list (a site mirror, registry, chart
# repository or object storage): reporting them here as well would report one mistake twice.
JUDGED_ELSEWHERE: Final = (
    FieldException(("imageSourceUrl",), "image-imported-from-site-mirror", ("openstack:images/image:Image",)),
    FieldException(("containerSyncTo",), "object-storage-sync-in-eu-site", ("openstack:objectstorage/",)),
    FieldException(("containers", "*", "image"), "container-image-from-site-registry", ("kubernetes:",)),
    FieldException(("initContainers", "*", "image"), "container-image-from-site-registry", ("kubernetes:",)),
    FieldException(("ephemeralContainers", "*", "image"), "container-image-from-site-registry", ("kubernetes:",)),
    FieldException(("chart",), "helm-chart-from-federation-repository", ("kubernetes:helm.sh/",)),
    FieldException(("spec", "externalName"), "service-stays-internal", ("kubernetes:core/v1:Service",)),
    FieldException(("repositoryOpts", "repo"), "helm-chart-from-federation-repository", ("kubernetes:helm.sh/",)),
)
# Fields whose value is by its name a host, where a bare `*` or a single word is a host too.
HOST_FIELDS: Final = frozenset({"host", "hosts", "hostname", "hostnames", "externalName", "server", "servers"})
# An unknown value in these fields decides nothing: an ID of a related resource, or a secret.
REFERENCE: Final = frozenset(
    {
        "id",
        "ids",
        "uuid",
        "ref",
        "key",
        "secret",
        "password",
        "token",
        "port",
        "group",
        "groups",
        "tenant",
        "project",
        "subnet",
        "network",
        "router",
        "volume",
        "snapshot",
        "keypair",
        "certificate",
        "owner",
    }
)
# ... unless a word of the field's name says it is dialled: then an unknown value decides.
DIALLED: Final = frozenset(
    {
        "url",
        "urls",
        "uri",
        "uris",
        "endpoint",
        "endpoints",
        "host",
        "hosts",
        "hostname",
        "server",
        "servers",
        "address",
        "addresses",
        "addr",
        "cidr",
        "cidrs",
        "prefix",
        "peer",
        "remote",
        "proxy",
        "dns",
        "nameservers",
        "to",
        "target",
        "destination",
    }
)
# Where the field says data lands (the placement concern as well as egress).
DATA_LANDS: Final = re.compile(
    r"(?i)(backup|snapshot|replica|sync|storage|bucket|s3|archive|remotewrite|sink|export|upload|dump|"
    r"destination|store|location|repository|logging|syslog)"
)
SECRET_DATA: Final = ("kubernetes:core/v1:Secret", "kubernetes:core/v1:SecretPatch")


def _words(field: str) -> list[str]:
    """`securityGroupIds` -> [security, group, ids]; `container_sync_to` -> [container, sync, to]."""
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", field)]


def _unknown_decides(field: str) -> bool:
    """An unknown value decides unless its field names a related resource or a secret (and no word of
    it says the value is dialled)."""
    words = _words(field)
    if words and words[-1] in {"id", "ids", "uuid", "ref"}:
        return False  # `remoteGroupId`: an ID, whatever it refers to
    return not words or bool(set(words) & DIALLED) or words[-1] not in REFERENCE


@lru_cache(maxsize=65536)
def _skipped(resource_type: str, path: tuple[str, ...]) -> bool:
    """Is this field excepted or judged elsewhere? (Cached: a fleet repeats the same shapes.)"""
    return any(e.matches(resource_type, path) for e in (*EXCEPTIONS, *JUDGED_ELSEWHERE))


@lru_cache(maxsize=65536)
def _destinations(text: str) -> tuple[Destination, ...]:
    return tuple(destinations(text))


def _decoded_secret_data(r: Resource) -> Iterator[tuple[tuple[str, ...], Any]]:
    """A Secret's `data` values are base64: read what they decode to."""
    if r.type not in SECRET_DATA:
        return
    data = r.props.get("data")
    for key, value in data.items() if isinstance(data, dict) else ():
        if isinstance(value, str):
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                continue
            yield from strings(decoded, ("data", key, "(base64)"))


def findings(r: Resource) -> Iterator[tuple[tuple[str, ...], str]]:
    """(field path, problem) for every destination outside the federation in the inputs."""
    for path, value in (*strings(r.props), *_decoded_secret_data(r)):
        if _skipped(r.type, path):
            continue
        field = next((step for step in reversed(path) if not step.isdigit()), "")
        if isinstance(value, Unknown):
            if _unknown_decides(field):
                yield path, "could not be verified during preview (unknown value)"
            continue
        if VERSION_FIELD.search(field) and VERSION_TEXT.match(value.strip()):
            continue
        found: list[Destination] = list(_destinations(value))
        if (not found and field in HOST_FIELDS and value.strip()) or (
            field in HOST_FIELDS and value.strip() in {"*", "*/*"}
        ):
            found = [host_destination(value)]
        for destination in found:
            problem = outside(destination, r.catalogue)
            if problem is not None:
                yield path, f"{destination.token!r}: {problem}"


def _report(path: tuple[str, ...], problem: str) -> str:
    return f"{dotted(path)} {problem}" if problem.startswith("could not") else f"{dotted(path)} names {problem}"


def _egress(r: Resource) -> Iterator[str]:
    for path, problem in findings(r):
        yield _report(path, problem)


def _placement(r: Resource) -> Iterator[str]:
    lands = bool(DATA_LANDS.search(r.type.rpartition(":")[2]))
    for path, problem in findings(r):
        if lands or any(DATA_LANDS.search(step) for step in path):
            yield _report(path, problem) + " (data would land there)"


def _every(check: Check) -> Any:
    def fallback(_resource_type: str) -> Check | None:
        return check

    return fallback


RULES: Final = [
    Rule(
        name="value-stays-in-federation",
        description=(
            "Every address, range, URL and host name in any input of any resource or provider (documents "
            "inside strings included) is inside the federation."
        ),
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "openstack", "kubernetes"),
        framework=NO_INTERNET,
        remediation=(
            "Point the field at a federation endpoint (the plan's addresses, hosts under the internal domain, "
            "cluster-internal names); if the field is descriptive and never dialled, add it to the pack's "
            "reviewed exceptions with its reason and a test."
        ),
        fallback=_every(_egress),
    ),
    Rule(
        name="data-lands-in-federation",
        description="Backup, replica, storage, sync and sink destinations in any input are inside the federation.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("placement", "openstack", "kubernetes"),
        framework=EU_PLACEMENT,
        remediation="Send backups, replicas, exports and logs to the partner site's endpoints from federation.yaml.",
        fallback=_every(_placement),
    ),
]
