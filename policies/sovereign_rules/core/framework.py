"""How a rule is declared, dispatched by resource type, and turned into a pulumi-policy Policy.

A rule is data (name, description, severity, level, tags, framework clause, remediation) plus
a table from type token to the check that applies; a check is a function of a plain
`Resource` view returning violation messages. The wrapper copies the proxied properties once,
resolves the catalogue from the policy's config, and never lets an exception escape: anything
unexpected becomes a violation saying the resource could not be verified (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .catalogue import CATALOGUE_SCHEMA, Catalogue, catalogue_for
from .values import UNKNOWN, Unknown, items, plain, text

INTERNAL_ERROR: Final = "could not be verified: the policy failed on this input"

MANDATORY: Final = EnforcementLevel.MANDATORY
ADVISORY: Final = EnforcementLevel.ADVISORY


@dataclass(frozen=True)
class Provider:
    """The resource's provider as the engine describes it (type, name, URN, its own inputs)."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]

    @property
    def is_default(self) -> bool:
        return self.name == "default" or self.name.startswith("default_")


@dataclass(frozen=True)
class Resource:
    """A plain view of one resource: dicts and lists, unknown values as `UNKNOWN`."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    provider: Provider | None
    protect: bool
    catalogue: Catalogue
    config: Mapping[str, Any]
    parent: Resource | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


Check = Callable[[Resource], Iterable[str]]
StackCheck = Callable[[list[Resource], Catalogue, Mapping[str, Any]], Iterable[tuple[str, str | None]]]


def framework(name: str, reference: str, specification: str) -> PolicyComplianceFramework:
    versions = {"SecNumCloud": "3.2", "BSI C5": "2020", "EUCS": "2020 draft", "SCS": "R8"}
    return PolicyComplianceFramework(
        name=name, version=versions.get(name, ""), reference=reference, specification=specification
    )


@dataclass(frozen=True)
class Rule:
    """One policy: its metadata and the checks that apply, keyed by type token."""

    name: str
    description: str
    severity: Severity
    enforcement: EnforcementLevel
    tags: tuple[str, ...]
    framework: PolicyComplianceFramework
    remediation: str
    checks: Mapping[str, Check] = field(default_factory=dict)
    # For open-ended type families (every `openstack:` resource, any custom resource kind).
    fallback: Callable[[str], Check | None] | None = None
    config_properties: Mapping[str, dict[str, Any]] = field(default_factory=dict)

    def policy(self) -> ResourceValidationPolicy:
        dispatch: dict[str, Check | None] = {}

        def check_for(resource_type: str) -> Check | None:
            if resource_type not in dispatch:
                found = self.checks.get(resource_type)
                if found is None and self.fallback is not None:
                    found = self.fallback(resource_type)
                dispatch[resource_type] = found
            return dispatch[resource_type]

        def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
            resource_type = str(args.resource_type)
            if not is_list_kind(resource_type) and check_for(resource_type) is None:
                return
            try:
                resource = resource_from_args(args)
                for prefix, target in judged(resource):
                    check = check_for(target.type)
                    for message in check(target) if check is not None else ():
                        report(f"{prefix}{message}", None)
            except Exception as error:  # never crash the preview: fail closed instead
                report(f"{INTERNAL_ERROR} ({type(error).__name__}: {error})", None)

        return ResourceValidationPolicy(validate=validate, **_metadata(self))


@dataclass(frozen=True)
class StackRule:
    """A policy over the whole stack (coverage that no single resource can show)."""

    name: str
    description: str
    severity: Severity
    enforcement: EnforcementLevel
    tags: tuple[str, ...]
    framework: PolicyComplianceFramework
    remediation: str
    check: StackCheck
    config_properties: Mapping[str, dict[str, Any]] = field(default_factory=dict)

    def policy(self) -> StackValidationPolicy:
        def validate(args: StackValidationArgs, report: ReportViolation) -> None:
            try:
                config = plain(args.get_config()) or {}
                catalogue = catalogue_for(config)
                declared = [resource_from_stack(r, catalogue, config) for r in args.resources]
                resources = [item for r in declared for _, item in judged(r)]
                for message, urn in self.check(resources, catalogue, config):
                    report(message, urn)
            except Exception as error:  # never crash the preview: fail closed instead
                report(f"{INTERNAL_ERROR} ({type(error).__name__}: {error})", None)

        return StackValidationPolicy(validate=validate, **_metadata(self))


def is_list_kind(resource_type: str) -> bool:
    """A Kubernetes `*List` kind (`kubernetes:core/v1:ConfigMapList`, `kubernetes:core/v1:List`)."""
    return resource_type.startswith("kubernetes:") and resource_type.endswith("List")


def judged(r: Resource) -> Iterator[tuple[str, Resource]]:
    """What a rule judges: the resource itself, or each item of a `*List` kind as a resource of the
    item's kind (from the list's type, or the item's own apiVersion/kind for a plain `List`)."""
    if not is_list_kind(r.type):
        yield "", r
        return
    version, _, list_kind = r.type.removeprefix("kubernetes:").rpartition(":")
    listed = items(r.props.get("items"))
    if isinstance(listed, Unknown):
        yield (
            "items: ",
            replace(r, type=f"kubernetes:{version}:{list_kind.removesuffix('List')}", props={"items": UNKNOWN}),
        )
        return
    for index, item in enumerate(listed):
        props = item if isinstance(item, dict) else {}
        kind: str | Unknown | None = list_kind.removesuffix("List")
        item_version: str | Unknown | None = version
        if not kind:
            item_version, kind = text(props.get("apiVersion")), text(props.get("kind"))
            item_version = (
                item_version
                if isinstance(item_version, str) and "/" in item_version
                else (f"core/{item_version}" if isinstance(item_version, str) else None)
            )
        if not isinstance(kind, str) or not isinstance(item_version, str):
            yield f"items[{index}]: ", replace(r, type=f"kubernetes:unknown:{UNKNOWN!r}", props=props)
            continue
        yield f"items[{index}]: ", replace(r, type=f"kubernetes:{item_version}:{kind}", props=props)


def _metadata(rule: Rule | StackRule) -> dict[str, Any]:
    """What every policy declares about itself, whether it checks resources or the whole stack."""
    return {
        "name": rule.name,
        "description": rule.description,
        "enforcement_level": rule.enforcement,
        "config_schema": PolicyConfigSchema(properties={"catalogue": CATALOGUE_SCHEMA, **rule.config_properties}),
        "severity": rule.severity,
        "framework": rule.framework,
        "tags": list(rule.tags),
        "remediation_steps": rule.remediation,
    }


def _provider(raw: Any) -> Provider | None:
    if raw is None:
        return None
    return Provider(
        type=str(getattr(raw, "resource_type", "") or ""),
        name=str(getattr(raw, "name", "") or ""),
        urn=str(getattr(raw, "urn", "") or ""),
        props=_as_dict(plain(getattr(raw, "props", None))),
    )


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def resource_from_args(args: ResourceValidationArgs) -> Resource:
    config = _as_dict(plain(args.get_config()))
    opts = getattr(args, "opts", None)
    return Resource(
        type=str(args.resource_type),
        name=str(args.name),
        urn=str(args.urn),
        props=_as_dict(plain(args.props)),
        provider=_provider(args.provider),
        protect=bool(getattr(opts, "protect", False)),
        catalogue=catalogue_for(config),
        config=config,
    )


def resource_from_stack(raw: Any, catalogue: Catalogue, config: Mapping[str, Any]) -> Resource:
    opts = getattr(raw, "opts", None)
    parent = getattr(raw, "parent", None)
    deps = getattr(raw, "dependencies", None) or []
    prop_deps = getattr(raw, "property_dependencies", None) or {}
    return Resource(
        type=str(raw.resource_type),
        name=str(raw.name),
        urn=str(raw.urn),
        props=_as_dict(plain(raw.props)),
        provider=_provider(getattr(raw, "provider", None)),
        protect=bool(getattr(opts, "protect", False)),
        catalogue=catalogue,
        config=config,
        parent=None
        if parent is None
        else Resource(str(parent.resource_type), str(parent.name), str(parent.urn), {}, None, False, catalogue, config),
        dependencies=tuple(str(getattr(d, "urn", "")) for d in deps),
        property_dependencies={str(k): tuple(str(getattr(d, "urn", "")) for d in v) for k, v in prop_deps.items()},
    )
