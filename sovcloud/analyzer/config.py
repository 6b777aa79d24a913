"""The engine's side of policy-pack configuration, as `pulumi preview --policy-pack-config` does it.

Reconciliation order (pulumi/pkg/resource/analyzer/config.go): each policy's own enforcement
level and its schema defaults, then the pack's `initialConfig`, then the config file; within each
layer an `all` entry sets the enforcement level of every policy first, then per-policy entries set
their level and merge their properties. Finally each policy's properties are validated against
its JSON schema; an invalid config aborts with one error naming pack, policy and message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from jsonschema import Draft7Validator
from pulumi.runtime.proto import analyzer_pb2

from sovcloud.results import Level

LEVEL_FROM_PROTO: dict[int, Level] = {
    analyzer_pb2.ADVISORY: Level.ADVISORY,
    analyzer_pb2.MANDATORY: Level.MANDATORY,
    analyzer_pb2.REMEDIATE: Level.REMEDIATE,
    analyzer_pb2.DISABLED: Level.DISABLED,
}
LEVEL_TO_PROTO: dict[Level, int] = {level: value for value, level in LEVEL_FROM_PROTO.items()}


class PolicyPackConfigError(ValueError):
    """The policy pack configuration cannot be used; the message is one actionable line."""


@dataclass
class PolicyConfig:
    """One entry of the reconciled config: an enforcement level (None: unchanged) and properties."""

    enforcement_level: Level | None = None
    properties: dict[str, Any] = field(default_factory=dict)


def _level(value: Any, where: str) -> Level:
    try:
        return Level(value)
    except ValueError:
        valid = ", ".join(level.value for level in Level)
        raise PolicyPackConfigError(f"{where}: {value!r} is not a valid enforcement level ({valid})") from None


def parse_config(data: Any, source: str) -> dict[str, PolicyConfig]:
    """Entries of a `--policy-pack-config` document: `"policy": "level"` or `{"enforcementLevel", ...}`."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise PolicyPackConfigError(f"{source}: expected a JSON object of policy name to config")
    result: dict[str, PolicyConfig] = {}
    for name, value in data.items():
        where = f"{source}: {name}"
        if isinstance(value, str):
            result[name] = PolicyConfig(_level(value, where))
        elif isinstance(value, Mapping):
            properties = dict(value)
            level = None
            if "enforcementLevel" in properties:
                raw = properties.pop("enforcementLevel")
                if not isinstance(raw, str):
                    raise PolicyPackConfigError(f"{where}.enforcementLevel: {raw!r} must be a string")
                level = _level(raw, f"{where}.enforcementLevel")
            if level is None and not properties:
                continue
            result[name] = PolicyConfig(level, properties)
        else:
            raise PolicyPackConfigError(f"{where}: {value!r} is not a valid value; must be a string or object")
    return result


def load_config_file(path: Path) -> dict[str, PolicyConfig]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyPackConfigError(f"{path}: cannot read the policy pack config ({error.strerror})") from error
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyPackConfigError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from error
    return parse_config(data, str(path))


def initial_config(info: analyzer_pb2.AnalyzerInfo) -> dict[str, PolicyConfig]:
    result: dict[str, PolicyConfig] = {}
    for name, config in info.initialConfig.items():
        # As the engine does: the level is always taken (proto3 has no "unset"; 0 is advisory).
        level = LEVEL_FROM_PROTO.get(config.enforcementLevel, Level.ADVISORY)
        result[name] = PolicyConfig(level, json_format.MessageToDict(config.properties))
    return result


def defaults(info: analyzer_pb2.AnalyzerInfo) -> dict[str, PolicyConfig]:
    result: dict[str, PolicyConfig] = {}
    for policy in info.policies:
        schema = json_format.MessageToDict(policy.configSchema.properties)
        properties = {
            key: prop["default"] for key, prop in schema.items() if isinstance(prop, dict) and "default" in prop
        }
        result[policy.name] = PolicyConfig(LEVEL_FROM_PROTO.get(policy.enforcementLevel, Level.ADVISORY), properties)
    return result


def apply(result: dict[str, PolicyConfig], layer: Mapping[str, PolicyConfig]) -> None:
    """Apply one layer: `all` sets every level first, then each entry sets its level and merges properties."""
    everything = layer.get("all")
    if everything is not None and everything.enforcement_level is not None:
        for config in result.values():
            config.enforcement_level = everything.enforcement_level
    for name, given in layer.items():
        current = result.setdefault(name, PolicyConfig())
        if given.enforcement_level is not None:
            current.enforcement_level = given.enforcement_level
        current.properties.update(given.properties)


def validate(info: analyzer_pb2.AnalyzerInfo, result: Mapping[str, PolicyConfig], source: str) -> None:
    errors: list[str] = []
    for policy in info.policies:
        if not policy.HasField("configSchema"):
            continue
        schema: dict[str, Any] = {"type": "object"}
        properties = json_format.MessageToDict(policy.configSchema.properties)
        if properties:
            schema["properties"] = properties
        if policy.configSchema.required:
            schema["required"] = list(policy.configSchema.required)
        config = result.get(policy.name, PolicyConfig()).properties
        for error in sorted(Draft7Validator(schema).iter_errors(config), key=lambda e: list(e.absolute_path)):
            path = ".".join(str(p) for p in error.absolute_path) or "(root)"
            errors.append(f"policy {policy.name!r}: {path}: {error.message}")
    if errors:
        raise PolicyPackConfigError(
            f"policy pack {info.name!r}: invalid config from {source}: "
            + "; ".join(errors[:5])
            + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else "")
        )


def reconcile(
    info: analyzer_pb2.AnalyzerInfo,
    config_file: Path | None = None,
    *,
    layers: Iterable[Mapping[str, PolicyConfig]] = (),
) -> dict[str, PolicyConfig]:
    """The config the engine would send to `Configure`: one entry for every policy of the pack."""
    result = defaults(info)
    apply(result, initial_config(info))
    for layer in layers:
        apply(result, layer)
    if config_file is not None:
        apply(result, load_config_file(config_file))
    validate(info, result, str(config_file) if config_file else "the pack's defaults")
    return result


def configure_request(info: analyzer_pb2.AnalyzerInfo, result: Mapping[str, PolicyConfig]) -> Any:
    """The `ConfigureAnalyzerRequest` with an entry for every policy of the pack."""
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for policy in info.policies:
        config = result.get(policy.name, PolicyConfig())
        level = config.enforcement_level or LEVEL_FROM_PROTO.get(policy.enforcementLevel, Level.ADVISORY)
        entry = request.policyConfig[policy.name]
        entry.enforcementLevel = LEVEL_TO_PROTO[level]  # type: ignore[assignment]
        if config.properties:
            entry.properties.update(config.properties)
    return request
