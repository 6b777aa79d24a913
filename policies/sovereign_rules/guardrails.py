"""Guardrails beyond egress and placement: isolation, data protection, access, secrets.

Each is a requirement of sovereignty-controls.md that a declared stack can show: tenants do not
share networks; stateful resources are protected and volumes encrypted; the technology vendor
holds no identity anywhere; credentials never sit in the program or its stack files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from pulumi_policy import Severity

from .core.catalogue import vendor_identifiers
from .core.framework import ADVISORY, MANDATORY, Resource, Rule, framework
from .core.sites import kubeconfig
from .core.types import INSTANCE, NETWORK, RBAC_POLICY
from .core.values import Unknown, dotted, flag, get, items, mapping, text, walk

VOLUME: Final = "openstack:blockstorage/volume:Volume"
VOLUME_TYPE: Final = "openstack:blockstorage/volumeTypeV3:VolumeTypeV3"
STATEFUL: Final = (
    "openstack:identity/project:Project",
    VOLUME,
    "openstack:objectstorage/container:Container",
    "openstack:database/instance:Instance",
    "openstack:sharedfilesystem/share:Share",
    "openstack:keymanager/secretV1:SecretV1",
    "kubernetes:core/v1:PersistentVolumeClaim",
)
IDENTITIES: Final = {
    "openstack:identity/user:User": ("name",),
    "openstack:identity/groupV3:GroupV3": ("name",),
    "openstack:identity/role:Role": ("name",),
    "openstack:identity/applicationCredential:ApplicationCredential": ("name",),
    "openstack:identity/project:Project": ("name",),
    "keycloak:index/user:User": ("username", "email"),
    "keycloak:index/group:Group": ("name",),
    "keycloak:index/role:Role": ("name",),
    "keycloak:openid/client:Client": ("clientId", "name"),
}
SECRET_NAME: Final = re.compile(
    r"(?i)(^|[-_.])(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credentials?)($|[-_.])"
)
OPENSTACK_CREDENTIALS: Final = ("password", "token", "applicationCredentialSecret", "key")
KUBECONFIG_CREDENTIALS: Final = ("token", "password", "client-key-data", "client-key")
SCS_ASPECTS: Final = ("encrypted", "replicated")

ISOLATION = framework("SecNumCloud", "19.6", "Tenants' resources are isolated from one another.")
DATA_PROTECTION = framework(
    "SecNumCloud", "12.5.d", "Data and its backups are protected and encrypted (BSI C5 OPS-09, SCS-0114)."
)
NO_VENDOR = framework(
    "SecNumCloud", "19.2.e", "The technology vendor has no role, account or support access (SNC 9.7.d, C5 IDM-07)."
)
SECRETS = framework("SecNumCloud", "19.2.d", "Credentials are technical data kept out of programs and stack files.")


def _network_shared(r: Resource) -> Iterator[str]:
    shared = flag(r.props.get("shared"))
    if isinstance(shared, Unknown):
        yield "shared could not be verified during preview (unknown value)"
    elif shared is True:
        yield "the network is shared with every project; share it with one project through an RBAC policy"


def _rbac_wildcard(r: Resource) -> Iterator[str]:
    target = r.props.get("targetTenant")
    if isinstance(target, Unknown):
        return  # the ID of the tenant's project, created alongside
    if text(target) in {None, "*"}:
        yield "targetTenant is '*' (or missing): the object is shared with every project"


def _protected(r: Resource) -> Iterator[str]:
    if not r.protect:
        yield "the resource holds data but is not protected (ResourceOptions(protect=True))"


def _encrypted_volume(r: Resource) -> Iterator[str]:
    volume_type = r.props.get("volumeType")
    if isinstance(volume_type, Unknown):
        yield "volumeType could not be verified during preview (unknown value)"
        return
    name = text(volume_type)
    if not isinstance(name, str):
        if text(r.props.get("sourceVolId")) is None and text(r.props.get("snapshotId")) is None:
            yield "volumeType is not set, so the volume gets the default type, which may not be encrypted"
        return
    configured = items(r.config.get("encryptedVolumeTypes"))
    allowed = configured if isinstance(configured, list) else []
    if name not in allowed and "encrypted" not in name.lower().replace("_", "-").split("-"):
        yield f"volumeType {name!r} is not an encrypted volume type"


def _volume_type_aspects(r: Resource) -> Iterator[str]:
    description = text(r.props.get("description"))
    if isinstance(description, Unknown):
        yield "description could not be verified during preview (unknown value)"
        return
    match = re.match(r"^\[scs:([a-z, ]*)\]", description) if isinstance(description, str) else None
    if match is None:
        yield "description does not start with the SCS-0114 aspects, e.g. '[scs:encrypted, replicated]'"
        return
    aspects = [a.strip() for a in match.group(1).split(",") if a.strip()]
    if any(a not in SCS_ASPECTS for a in aspects) or aspects != sorted(set(aspects)):
        yield f"aspects {aspects} must be a sorted, unrepeated subset of {list(SCS_ASPECTS)}"


def _vendor_identity(r: Resource) -> Iterator[str]:
    markers = {m.lower() for m in vendor_identifiers(r.catalogue)}
    extra = items(r.config.get("vendorIdentifiers"))
    markers |= {str(m).lower() for m in (extra if isinstance(extra, list) else [])}
    for field in IDENTITIES.get(r.type, ()):
        value = text(r.props.get(field))
        if isinstance(value, str):
            words = set(re.split(r"[^a-z0-9]+", value.lower()))
            if words & markers:
                yield f"{field} {value!r} names the technology vendor, which holds no identity or role anywhere"


def _present(value: Any) -> bool:
    return isinstance(value, Unknown) or text(value) is not None


def _openstack_provider_credentials(r: Resource) -> Iterator[str]:
    for field in OPENSTACK_CREDENTIALS:
        if _present(r.props.get(field)):
            yield f"{field} is set on the provider; credentials come from the clouds.yaml entry named by `cloud`"


def _kubernetes_provider_credentials(r: Resource) -> Iterator[str]:
    config = kubeconfig(r.props.get("kubeconfig"))
    users = items(get(config, "users")) if config else []
    for index, user in enumerate(users if isinstance(users, list) else []):
        for field in KUBECONFIG_CREDENTIALS:
            if _present(get(user, "user", field)):
                yield f"kubeconfig users[{index}].user.{field} embeds a credential; log in through the IdP (exec)"


def _instance_credentials(r: Resource) -> Iterator[str]:
    if _present(r.props.get("adminPass")):
        yield "adminPass is set; use a key pair and the IdP, never a password in the program"
    metadata = mapping(r.props.get("metadata"))
    for key in metadata if isinstance(metadata, dict) else {}:
        if SECRET_NAME.search(key):
            yield f"metadata.{key} looks like a credential in plain metadata"


def _config_map_credentials(r: Resource) -> Iterator[str]:
    data = mapping(r.props.get("data"))
    for key in data if isinstance(data, dict) else {}:
        if SECRET_NAME.search(key):
            yield f"data.{key} looks like a credential in a ConfigMap; use a Secret"


def _env_credentials(r: Resource) -> Iterator[str]:
    for path, node in walk(r.props):
        env = node.get("env")
        if not isinstance(env, list) or "image" not in node:
            continue
        for index, variable in enumerate(env):
            name = get(variable, "name")
            if isinstance(name, str) and SECRET_NAME.search(name) and get(variable, "value") is not None:
                yield f"{dotted((*path, 'env'))}[{index}] {name} holds a literal value; use valueFrom.secretKeyRef"


def _kubernetes_credentials(r: Resource) -> Iterator[str]:
    if r.type in {"kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:ConfigMapPatch"}:
        yield from _config_map_credentials(r)
    yield from _env_credentials(r)


def _secrets_fallback(resource_type: str) -> Any:
    if resource_type.startswith("kubernetes:"):
        return _kubernetes_credentials
    return None


RULES: Final = [
    Rule(
        name="network-not-shared-across-tenants",
        description="Networks are never shared with every project; RBAC policies target one project.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("isolation", "openstack"),
        framework=ISOLATION,
        remediation="Set shared=False and share explicitly with one target_tenant through RbacPolicyV2.",
        checks={NETWORK: _network_shared, RBAC_POLICY: _rbac_wildcard},
    ),
    Rule(
        name="stateful-resource-is-protected",
        description="Resources that hold data (projects, volumes, containers, shares, PVCs…) are protected.",
        severity=Severity.MEDIUM,
        enforcement=MANDATORY,
        tags=("data-protection", "openstack", "kubernetes"),
        framework=DATA_PROTECTION,
        remediation="Pass ResourceOptions(protect=True) to every stateful resource.",
        checks={t: _protected for t in STATEFUL},
    ),
    Rule(
        name="volume-uses-encrypted-type",
        description="Block storage volumes use an encrypted volume type.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("data-protection", "openstack"),
        framework=DATA_PROTECTION,
        remediation="Set volume_type to an encrypted type (its name contains 'encrypted', or list it in config).",
        checks={VOLUME: _encrypted_volume},
        config_properties={
            "encryptedVolumeTypes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Volume type names known to be encrypted (besides names containing 'encrypted').",
                "default": [],
            }
        },
    ),
    Rule(
        name="volume-type-declares-scs-aspects",
        description="Volume types describe their SCS-0114 aspects ([scs:encrypted, replicated]).",
        severity=Severity.LOW,
        enforcement=ADVISORY,
        tags=("data-protection", "scs", "openstack"),
        framework=framework("SCS", "scs-0114", "Volume types declare their aspects."),
        remediation="Start the description with '[scs:encrypted, replicated]' (sorted, no repeats).",
        checks={VOLUME_TYPE: _volume_type_aspects},
    ),
    Rule(
        name="no-vendor-identity",
        description="No user, group, role, project or client for the technology vendor.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("access", "identity"),
        framework=NO_VENDOR,
        remediation="Remove the identity; support goes through the operations partner's audited break-glass.",
        checks={t: _vendor_identity for t in IDENTITIES},
        config_properties={
            "vendorIdentifiers": {
                "type": "array",
                "items": {"type": "string"},
                "description": "More words naming the technology vendor in identity names.",
                "default": [],
            }
        },
    ),
    Rule(
        name="no-plaintext-credentials",
        description="No credential in provider or resource inputs where a secret reference is expected.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("secrets",),
        framework=SECRETS,
        remediation=(
            "Use the clouds.yaml entry (`cloud`) for OpenStack, OIDC exec for Kubernetes, key pairs for "
            "instances and Secrets with secretKeyRef for workloads."
        ),
        checks={
            "pulumi:providers:openstack": _openstack_provider_credentials,
            "pulumi:providers:kubernetes": _kubernetes_provider_credentials,
            INSTANCE: _instance_credentials,
        },
        fallback=_secrets_fallback,
    ),
]
