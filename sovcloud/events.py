"""Read the engine event log of a real `pulumi preview --policy-pack policies --event-log FILE` into
the same CheckResult the offline check produces, so the same reporters render it.

The log holds one engine event per line (Pulumi's `apitype.EngineEvent`, the shapes the Automation
API's `pulumi.automation.events` mirrors): a `preludeEvent` with the stack's config, a
`resourcePreEvent` per step with the resource's new state (type, URN, parent, provider, inputs),
a `policyEvent` per violation (message with colour markup, policy, pack, enforcement level,
severity in newer engines), `policyAnalyzeSummaryEvent` per analyzed resource and
`policyAnalyzeStackSummaryEvent` once (the policies that passed and failed), `diagnosticEvent`s
and a closing `summaryEvent`. Unknown event types and lines that are not JSON are counted and
skipped: a report from a partial log is better than none.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from federation_catalogue import Catalogue, ConfigError, load_catalogue, project_catalogue
from federation_catalogue.sites import Placement, provider_site, resource_site

from sovcloud.results import (
    CheckResult,
    Finding,
    Level,
    PolicyInfo,
    ResourceRecord,
    Source,
    StackResult,
    builtin_policies,
    name_from_urn,
    stack_from_urn,
    type_from_urn,
    without_id,
)

COLOR_MARKUP = re.compile(r"<\{%[^%]*%\}>")
CONFIG_ERROR_LINE = re.compile(r"^(?P<file>\S+\.ya?ml): (?P<key>[\w:.\[\]-]+): (?P<message>.+)$", re.MULTILINE)
STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"
KNOWN_EVENTS = {
    "cancelEvent",
    "stdoutEvent",
    "diagnosticEvent",
    "preludeEvent",
    "summaryEvent",
    "resourcePreEvent",
    "resOutputsEvent",
    "resOpFailedEvent",
    "policyEvent",
    "policyRemediationEvent",
    "policyLoadEvent",
    "policyAnalyzeSummaryEvent",
    "policyRemediateSummaryEvent",
    "policyAnalyzeStackSummaryEvent",
    "startDebuggingEvent",
    "progressEvent",
    "errorEvent",
}
LEVELS = {
    "mandatory": Level.MANDATORY,
    "advisory": Level.ADVISORY,
    "warning": Level.ADVISORY,  # the name older engines and the Automation API docs use
    "remediate": Level.REMEDIATE,
    "disabled": Level.DISABLED,
    "none": Level.DISABLED,
}
BUILTIN_POLICIES = {p.name: p for p in (builtin_policies.ENGINE_ERROR, builtin_policies.CONFIG)}


def strip_markup(text: str) -> str:
    """Pulumi's colour markup (`<{%fg 1%}>`, `<{%reset%}>`) removed, surrounding blank space trimmed."""
    return COLOR_MARKUP.sub("", text).strip()


@dataclass
class _Run:
    """What one preview (one prelude ... summary) said."""

    config: dict[str, str] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)  # urn -> new state
    violations: list[dict[str, Any]] = field(default_factory=list)
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    policies_run: set[str] = field(default_factory=set)
    packs: dict[str, str] = field(default_factory=dict)
    duration: float = 0.0
    stacks: set[str] = field(default_factory=set)


@dataclass
class EventLog:
    """The parse, with what had to be skipped."""

    result: CheckResult
    events: int = 0
    skipped_lines: int = 0
    unknown_events: dict[str, int] = field(default_factory=dict)
    known_events: dict[str, int] = field(default_factory=dict)  # event type -> how many were read
    first_skipped_line: int | None = None  # 1-based number of the first line that was not an event
    unfinished_runs: int = 0  # runs (prelude ... summary) the log holds no summaryEvent for


def _event_kind(event: Mapping[str, Any]) -> str | None:
    kinds = [k for k, v in event.items() if k.endswith("Event") and isinstance(v, dict)]
    return kinds[0] if kinds else None


def _runs(lines: Iterable[str], log: EventLog) -> list[_Run]:
    runs: list[_Run] = []
    current: _Run | None = None
    finished = False  # whether the current run has reached its summaryEvent
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            event = json.loads(line)
        except ValueError:
            _skip(log, number)
            continue
        if not isinstance(event, dict):
            _skip(log, number)
            continue
        if "cancelEvent" in event:
            log.events += 1
            log.known_events["cancelEvent"] = log.known_events.get("cancelEvent", 0) + 1
            continue
        kind = _event_kind(event)
        if kind is None:
            _skip(log, number)
            continue
        log.events += 1
        if kind in KNOWN_EVENTS:
            log.known_events[kind] = log.known_events.get(kind, 0) + 1
        body: dict[str, Any] = event[kind]
        # The engine writes its plugin and policy-pack loading (diagnostics, policyLoadEvent) before the
        # prelude: those belong to the run the prelude opens, not to a stack of their own.
        if current is None or (kind == "preludeEvent" and (current.steps or current.violations or current.stacks)):
            if runs and not finished:
                log.unfinished_runs += 1
            current = _Run()
            runs.append(current)
            finished = False
        if kind == "summaryEvent":
            finished = True
        if kind not in KNOWN_EVENTS:
            log.unknown_events[kind] = log.unknown_events.get(kind, 0) + 1
            continue
        try:
            _apply(current, kind, body)
        except (TypeError, ValueError, AttributeError):
            _skip(log, number)
    if runs and not finished:
        log.unfinished_runs += 1
    return runs


def _skip(log: EventLog, number: int) -> None:
    log.skipped_lines += 1
    if log.first_skipped_line is None:
        log.first_skipped_line = number


def _apply(run: _Run, kind: str, body: dict[str, Any]) -> None:
    if kind == "preludeEvent":
        config = body.get("config") or {}
        run.config = {str(k): str(v) for k, v in config.items()}
    elif kind in ("resourcePreEvent", "resOutputsEvent"):
        metadata = body.get("metadata") or {}
        new = metadata.get("new")
        urn = str(metadata.get("urn") or "")
        if urn:
            run.stacks.add(stack_from_urn(urn))
        if metadata.get("op") in ("delete", "delete-replaced", "discard", "discard-replaced"):
            run.steps.pop(urn, None)
        elif isinstance(new, dict) and urn:
            merged = {**run.steps.get(urn, {}), **{k: v for k, v in new.items() if v is not None}}
            if kind == "resOutputsEvent" and urn in run.steps:
                merged["inputs"] = run.steps[urn].get("inputs") or merged.get("inputs")
            run.steps[urn] = merged
    elif kind == "policyEvent":
        run.violations.append(body)
        urn = str(body.get("resourceUrn") or "")
        if urn:
            run.stacks.add(stack_from_urn(urn))
        run.packs.setdefault(str(body.get("policyPackName", "")), str(body.get("policyPackVersion", "")))
    elif kind in ("policyAnalyzeSummaryEvent", "policyAnalyzeStackSummaryEvent"):
        for name in (*(body.get("passed") or ()), *(body.get("failed") or ())):
            run.policies_run.add(str(name))
        run.packs.setdefault(str(body.get("policyPackName", "")), str(body.get("policyPackVersion", "")))
    elif kind == "diagnosticEvent":
        run.diagnostics.append(body)
        if body.get("urn"):
            run.stacks.add(stack_from_urn(str(body["urn"])))
    elif kind == "errorEvent":
        run.diagnostics.append({"severity": "error", "message": str(body.get("error", ""))})
    elif kind == "summaryEvent":
        run.duration = float(body.get("durationSeconds") or 0)
        for name, version in (body.get("PolicyPacks") or {}).items():
            run.packs.setdefault(str(name), str(version).removeprefix("v"))


def _level(value: Any) -> Level:
    return LEVELS.get(str(value).lower(), Level.ADVISORY)


def _message(text: str, description: str) -> str:
    """The violation's own message: the analyzer prefixes it with the policy's description."""
    message = strip_markup(text)
    if description and message.startswith(description):
        message = message[len(description) :].strip()
    elif "\n" in message:
        first, rest = message.split("\n", 1)
        message = rest.strip() or first
    return message or description


def _records(run: _Run, stack: str, catalogue: Catalogue | None) -> list[ResourceRecord]:
    """ResourceRecords from the steps, with links rebuilt from resource IDs and sites from providers."""
    states = [s for urn, s in run.steps.items() if stack_from_urn(urn) == stack and s.get("type") != STACK_TYPE]
    ids: dict[str, str] = {}
    for state in states:
        ident = state.get("id") or (state.get("outputs") or {}).get("id")
        if isinstance(ident, str) and ident:
            ids[ident] = str(state.get("urn"))
    records: list[ResourceRecord] = []
    for state in states:
        urn = str(state.get("urn"))
        inputs = dict(state.get("inputs") or {})
        provider_ref = str(state.get("provider") or "")
        records.append(
            ResourceRecord(
                urn=urn,
                type=str(state.get("type") or type_from_urn(urn)),
                name=name_from_urn(urn),
                custom=bool(state.get("custom", False)),
                parent=str(state.get("parent") or "") or None,
                provider=without_id(provider_ref) if provider_ref else None,
                inputs=inputs,
                protect=bool(state.get("protect", False)),
                retain_on_delete=bool(state.get("retainOnDelete", False)),
                property_dependencies=_links(inputs, ids),
            )
        )
    return _with_sites(records, catalogue)


def _links(inputs: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Top-level inputs whose value is another resource's ID: the dependency a real run had."""
    links: dict[str, tuple[str, ...]] = {}
    for key, value in inputs.items():
        values = value if isinstance(value, list) else [value]
        urns = tuple(ids[v] for v in values if isinstance(v, str) and v in ids)
        if urns:
            links[key] = urns
    return links


def _with_sites(records: Sequence[ResourceRecord], catalogue: Catalogue | None) -> list[ResourceRecord]:
    """Each record's site, by the catalogue's one resolver (the pack and the offline run use it too)."""
    if catalogue is None:
        return list(records)
    providers: dict[str, Placement] = {
        r.urn: provider_site(catalogue, r.type, r.inputs) for r in records if r.type.startswith(PROVIDER_PREFIX)
    }
    placed: list[ResourceRecord] = []
    for record in records:
        if record.urn in providers:
            site = providers[record.urn].site
        else:
            provider = providers.get(record.provider or "", Placement(None))
            site = resource_site(catalogue, provider, record.inputs).site
        placed.append(replace(record, site=site))
    return placed


def _load_catalogue(project_root: Path | None) -> Catalogue | None:
    try:
        return project_catalogue(project_root) if project_root else load_catalogue()
    except (ConfigError, OSError, ValueError):  # sites are a nicety of the report: without a catalogue, none
        return None


def _config_errors(message: str) -> list[Finding]:
    """The program's ConfigError lines (`file: key: message`), as the offline check reports them."""
    return [
        Finding.of(builtin_policies.CONFIG, match["message"], Source.CONFIG, file=match["file"], key=match["key"])
        for match in CONFIG_ERROR_LINE.finditer(message)
    ]


def _stack_result(
    run: _Run,
    stack: str,
    project: str,
    stack_config_dir: str,
    policies: Mapping[str, PolicyInfo],
    catalogue: Catalogue | None,
) -> StackResult:
    file = f"{stack_config_dir}/Pulumi.{stack}.yaml"
    records = _records(run, stack, catalogue)
    by_urn = {r.urn: r for r in records}
    findings: list[Finding] = []
    for violation in run.violations:
        urn = str(violation.get("resourceUrn") or "") or None
        if urn and stack_from_urn(urn) != stack:
            continue
        name = str(violation.get("policyName", ""))
        policy = policies.get(name)
        record = by_urn.get(urn or "")
        findings.append(
            Finding(
                policy=name,
                level=_level(violation.get("enforcementLevel")),
                message=_message(str(violation.get("message", "")), policy.description if policy else ""),
                source=Source.POLICY,
                severity=str(violation.get("severity") or (policy.severity if policy else "unspecified")),
                urn=urn,
                resource_type=record.type if record else (type_from_urn(urn) if urn else None),
                resource_name=record.name if record else (name_from_urn(urn) if urn else None),
                file=file,
                pack=str(violation.get("policyPackName") or "") or None,
                pack_version=str(violation.get("policyPackVersion") or "") or None,
            )
        )
    for diagnostic in run.diagnostics:
        if str(diagnostic.get("severity")) != "error":
            continue
        config_errors = _config_errors(strip_markup(str(diagnostic.get("message", ""))))
        if config_errors:
            findings += config_errors
            continue
        urn = str(diagnostic.get("urn") or "") or None
        findings.append(
            Finding.of(
                builtin_policies.ENGINE_ERROR,
                strip_markup(str(diagnostic.get("message", ""))),
                Source.PROGRAM,
                urn=urn,
                resource_name=name_from_urn(urn) if urn else None,
                resource_type=type_from_urn(urn) if urn else None,
                file=file,
            )
        )
    return StackResult(
        stack=stack,
        file=file,
        kind=run.config.get(f"{project}:kind", "unknown"),
        resources=records,
        findings=findings,
        duration_seconds=run.duration,
        policies_run=tuple(sorted(run.policies_run)),
    )


def parse_event_log(
    lines: Iterable[str],
    *,
    stack: str | None = None,
    project: str = "sovcloud",
    stack_config_dir: str = "stacks",
    policies: Sequence[PolicyInfo] = (),
    project_root: Path | None = None,
) -> EventLog:
    """Parse event-log lines; `policies` (the pack's GetAnalyzerInfo) adds descriptions, tags, remediation."""
    result = CheckResult()
    log = EventLog(result=result)
    runs = _runs(lines, log)
    known = {p.name: p for p in policies}
    catalogue = _load_catalogue(project_root)
    stacks: dict[str, StackResult] = {}
    for run in runs:
        names = sorted(s for s in run.stacks if s) or [stack or "unknown"]
        for name in names:
            partial = _stack_result(run, name, project, stack_config_dir, known, catalogue)
            if name in stacks:  # the same stack previewed twice in one log: the last run wins
                result.notes.append(f"stack {name} appears in more than one run of the log; the last one is shown")
            stacks[name] = partial
        for pack, version in run.packs.items():
            if pack and not result.pack_name:
                result.pack_name, result.pack_version = pack, version
    result.stacks = list(stacks.values())
    seen = {f.policy for f in result.all_findings()} | {p for s in result.stacks for p in s.policies_run or ()}
    result.policies = [*policies, *(_described(name, result) for name in sorted(seen - set(known)))]
    result.policies = [BUILTIN_POLICIES.get(p.name, p) if p.name not in known else p for p in result.policies]
    result.notes.append(f"rendered from an engine event log of a real run ({log.events} events)")
    if log.skipped_lines:
        result.notes.append(f"{log.skipped_lines} line(s) of the event log were not engine events and were skipped")
    if log.unknown_events:
        kinds = ", ".join(f"{k} x{n}" for k, n in sorted(log.unknown_events.items()))
        result.notes.append(f"event types this version does not read were skipped: {kinds}")
    if not policies and result.policies:
        result.notes.append(
            "the event log names policies but not their descriptions, tags or remediation: "
            "render it from the project directory so they are read from the policy pack"
        )
    return log


def _described(name: str, result: CheckResult) -> PolicyInfo:
    """A policy known only by name from the log (its level from its findings, if any)."""
    levels = [f.level for f in result.all_findings() if f.policy == name]
    level = Level.MANDATORY if Level.MANDATORY in levels else (levels[0] if levels else Level.ADVISORY)
    return PolicyInfo(name=name, description="", enforcement_level=level)


def load_event_log(
    path: Path,
    *,
    policies: Sequence[PolicyInfo] = (),
    project_root: Path | None = None,
    stack: str | None = None,
) -> CheckResult:
    """The CheckResult of an event-log file; a note on stderr when lines had to be skipped."""
    with path.open(encoding="utf-8", errors="replace") as stream:
        log = parse_event_log(stream, policies=policies, project_root=project_root, stack=stack or None)
    if log.skipped_lines or log.unknown_events:
        unknown = sum(log.unknown_events.values())
        sys.stderr.write(f"{path}: skipped {log.skipped_lines} malformed line(s), {unknown} unknown event(s)\n")
    return log.result
