"""Turn the pack's example files (`policies/sovereign_rules/*.examples.yaml`) into analyzable stacks.

A file maps a policy name to baselines; each baseline is one compliant resource (or, for a
stack policy, one compliant stack) and its `allow` / `deny` cases, each changing one field with
JSON pointers (`set`, `unset`, `provider_set`, `protect`). Special values: `"$unknown"` (unknown
during preview), `{"$json": …}` (a JSON-encoded string), `{"$secret": …}` (a secret on the wire).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sovcloud.results import ResourceRecord

REPO = Path(__file__).resolve().parents[2]
PACK_DIR = REPO / "policies"
RULES_DIR = PACK_DIR / "sovereign_rules"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_KEY, SECRET_SIG = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"
STACK = "examples"


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::sovcloud::{resource_type}::{name}"


def materialize(value: Any) -> Any:
    """Example notation → wire form (what MessageToDict(RegisterResourceRequest.object) gives)."""
    if value == "$unknown":
        return UNKNOWN_STRING
    if isinstance(value, dict):
        if set(value) == {"$json"}:
            return json.dumps(materialize(value["$json"]), sort_keys=True)
        if set(value) == {"$secret"}:
            return {SECRET_KEY: SECRET_SIG, "value": materialize(value["$secret"])}
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialize(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # numbers arrive as floats
    return value


def _tokens(pointer: str) -> list[str]:
    if not pointer.startswith("/"):
        raise ValueError(f"{pointer!r} is not a JSON pointer")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _step(container: Any, token: str) -> Any:
    return container[int(token)] if isinstance(container, list) else container[token]


def set_pointer(document: Any, pointer: str, value: Any) -> None:
    *parents, last = _tokens(pointer)
    node = document
    for token in parents:
        if isinstance(node, dict) and token not in node:
            node[token] = {}
        node = _step(node, token)
    if isinstance(node, list):
        if last == "-" or int(last) == len(node):
            node.append(value)
        else:
            node[int(last)] = value
    else:
        node[last] = value


def unset_pointer(document: Any, pointer: str) -> None:
    *parents, last = _tokens(pointer)
    node = document
    for token in parents:
        node = _step(node, token)
    if isinstance(node, list):
        del node[int(last)]
    else:
        node.pop(last, None)


@dataclass(frozen=True)
class Case:
    policy: str
    verdict: str  # allow | deny
    name: str
    records: tuple[ResourceRecord, ...]
    target: str | None  # URN the violation must name (None: stack policy, anywhere)
    expect: str | None
    source: str

    @property
    def id(self) -> str:
        return f"{self.policy}:{self.verdict}:{self.name}"


def load_providers() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load((RULES_DIR / "examples.providers.yaml").read_text(encoding="utf-8"))
    return dict(loaded)


def _provider_record(key: str, spec: dict[str, Any], changes: dict[str, Any]) -> ResourceRecord:
    inputs = materialize(copy.deepcopy(spec.get("inputs", {})))
    for pointer, value in changes.items():
        set_pointer(inputs, pointer, materialize(value))
    return ResourceRecord(
        urn=urn(spec["type"], spec["name"]), type=spec["type"], name=spec["name"], custom=True, inputs=inputs
    )


def _record(spec: dict[str, Any], providers: dict[str, ResourceRecord], default_name: str) -> ResourceRecord:
    name = spec.get("name", default_name)
    provider = providers.get(spec.get("provider", "")) if spec.get("provider") else None
    return ResourceRecord(
        urn=urn(spec["type"], name),
        type=spec["type"],
        name=name,
        custom=True,
        provider=provider.urn if provider else None,
        inputs=spec.get("inputs", {}),
        protect=bool(spec.get("protect", False)),
        dependencies=tuple(spec.get("dependencies", ())),
        property_dependencies={k: tuple(v) for k, v in spec.get("property_dependencies", {}).items()},
    )


def _build(
    policy: str,
    baseline: dict[str, Any],
    verdict: str,
    change: dict[str, Any],
    source: str,
    provider_specs: dict[str, dict[str, Any]],
) -> Case:
    stack_policy = "stack" in baseline
    document = materialize(copy.deepcopy(baseline["stack"] if stack_policy else baseline["resource"]["inputs"]))
    for pointer in change.get("unset", []):
        unset_pointer(document, pointer)
    for pointer, value in change.get("set", {}).items():
        set_pointer(document, pointer, materialize(value))
    specs = document if stack_policy else [{**baseline["resource"], "inputs": document}]
    if not stack_policy and "provider" in change:
        specs[0]["provider"] = change["provider"]
    if not stack_policy and "protect" in change:
        specs[0]["protect"] = change["protect"]
    used = {s.get("provider") for s in specs if s.get("provider")}
    providers = {
        key: _provider_record(key, provider_specs[key], change.get("provider_set", {})) for key in sorted(used)
    }
    records: list[ResourceRecord] = list(providers.values())
    for index, spec in enumerate(specs):
        spec = dict(spec)
        # names in dependencies refer to other resources of the example stack
        names = {s.get("name", f"r{i}"): urn(s["type"], s.get("name", f"r{i}")) for i, s in enumerate(specs)}
        spec["dependencies"] = [names.get(n, n) for n in spec.get("dependencies", [])]
        spec["property_dependencies"] = {
            k: [names.get(n, n) for n in v] for k, v in spec.get("property_dependencies", {}).items()
        }
        records.append(_record(spec, providers, f"r{index}"))
    target = None if stack_policy else records[-1].urn
    return Case(policy, verdict, str(change.get("case", "?")), tuple(records), target, change.get("expect"), source)


def load_cases() -> list[Case]:
    provider_specs = load_providers()
    cases: list[Case] = []
    for path in sorted(RULES_DIR.glob("*.examples.yaml")):
        if path.name == "examples.providers.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for policy, baselines in data.items():
            for baseline in baselines:
                # A baseline is compliant unless it says otherwise (a floating IP is never compliant).
                verdict_of_baseline = baseline.get("baseline", "allow")
                cases.append(
                    _build(policy, baseline, verdict_of_baseline, {"case": "baseline"}, path.name, provider_specs)
                )
                for verdict in ("allow", "deny"):
                    for change in baseline.get(verdict, []):
                        cases.append(_build(policy, baseline, verdict, change, path.name, provider_specs))
    return cases
