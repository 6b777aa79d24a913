"""Drive a policy pack over the analyzer gRPC protocol, as the Pulumi engine does in a preview.

One pack process serves many stacks. At start: Handshake (unimplemented in Python packs:
tolerated) → ConfigureStack → GetAnalyzerInfo → engine-side config reconciliation → Configure
(an entry for every policy). Per stack: ConfigureStack, then for every resource (providers and
components included) Remediate then Analyze with its options and its provider, then AnalyzeStack
once with every resource's outputs, parent, dependencies and property dependencies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from sovcloud.results import Finding, Framework, Level, PolicyInfo, ResourceRecord, Source, parse_urn, without_id

from .config import LEVEL_FROM_PROTO, PolicyConfig, configure_request, reconcile
from .launcher import PackProcess, pack_environment, read_manifest

UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi_policy.proxy.UNKNOWN_STRING_VALUE
SEVERITY_FROM_PROTO: dict[int, str] = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "unspecified",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
POLICY_TYPE_FROM_PROTO: dict[int, str] = {
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}
RPC_TIMEOUT_SECONDS = 60.0
"""How long one call may take before the pack counts as hung (a large stack is analyzed in seconds)."""
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]


class PolicyPackError(RuntimeError):
    """The pack failed a call (a policy raised, or the process died): the preview would fail too."""


def _struct(values: Mapping[str, Any] | None) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    if values:
        json_format.ParseDict(dict(values), struct)
    return struct


def policy_info(message: analyzer_pb2.PolicyInfo) -> PolicyInfo:
    framework = None
    if message.HasField("framework"):
        f = message.framework
        framework = Framework(name=f.name, version=f.version, reference=f.reference, specification=f.specification)
    return PolicyInfo(
        name=message.name,
        description=message.description,
        enforcement_level=LEVEL_FROM_PROTO.get(message.enforcementLevel, Level.ADVISORY),
        severity=SEVERITY_FROM_PROTO.get(message.severity, "unspecified"),
        tags=tuple(message.tags),
        remediation_steps=message.remediation_steps,
        framework=framework,
        url=message.url,
        policy_type=POLICY_TYPE_FROM_PROTO.get(message.policy_type, "resource"),
    )


def violation_text(diagnostic: analyzer_pb2.AnalyzeDiagnostic) -> str:
    """The diagnostic's own message: pulumi-policy prefixes every message with the description."""
    message, description = diagnostic.message.strip(), diagnostic.description.strip()
    if description and message.startswith(description):
        rest = message[len(description) :].strip()
        return rest or description
    return message or description


class PolicyPackSession:
    """A running policy pack, configured once, analyzing any number of stacks."""

    def __init__(
        self,
        pack_dir: Path,
        *,
        project: str,
        config_file: Path | None = None,
        stack: str = "",
        organization: str = "organization",
        timeout: float = RPC_TIMEOUT_SECONDS,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.timeout = timeout
        self.project = project
        self.organization = organization
        manifest = read_manifest(self.pack_dir)
        self.pack_version: str = manifest.version
        self._process = PackProcess(
            self.pack_dir, env=pack_environment(project=project, stack=stack, organization=organization)
        )
        try:
            self._channel = grpc.insecure_channel(self._process.address, options=_CHANNEL_OPTIONS)
            self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
            self._handshake()
            self._configure_stack(stack, {})
            info: analyzer_pb2.AnalyzerInfo = self._call(
                "GetAnalyzerInfo", self._stub.GetAnalyzerInfo, empty_pb2.Empty()
            )
            self.info = info
            self.pack_name: str = info.name
            self.pack_version = self.pack_version or info.version
            self.config: dict[str, PolicyConfig] = reconcile(info, config_file)
            self._call("Configure", self._stub.Configure, configure_request(info, self.config))
            levels = {name: c.enforcement_level for name, c in self.config.items()}
            self.policies: list[PolicyInfo] = []
            for message in info.policies:
                described = policy_info(message)
                level = levels.get(described.name) or described.enforcement_level
                self.policies.append(
                    PolicyInfo(**{**described.__dict__, "enforcement_level": level})  # reconciled level
                )
        except BaseException:
            self.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> PolicyPackSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        channel = getattr(self, "_channel", None)
        if channel is not None:
            channel.close()
        self._process.close()

    # -- protocol --------------------------------------------------------------------------------

    def _call(self, name: str, method: Any, request: Any) -> Any:
        try:
            return method(request, timeout=self.timeout)
        except grpc.RpcError as error:
            details = error.details() if hasattr(error, "details") else str(error)
            if hasattr(error, "code") and error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                raise PolicyPackError(
                    f"policy pack {self.pack_dir.name}: {name} did not answer within {self.timeout:g}s "
                    "(a policy hangs); the check was stopped"
                ) from error
            raise PolicyPackError(
                f"policy pack {self.pack_dir.name}: {name} failed ({details}); a real preview would fail here too"
                + (f"\n{self._process.stderr_text().strip()}" if self._process.process.poll() is not None else "")
            ) from error

    def _handshake(self) -> None:
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address="127.0.0.1:0", root_directory=str(self.pack_dir), program_directory=str(self.pack_dir)
        )
        try:
            self._stub.Handshake(request, timeout=self.timeout)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:  # Python packs do not implement it
                raise PolicyPackError(
                    f"policy pack {self.pack_dir.name}: Handshake failed ({error.details()})"
                ) from error

    def _configure_stack(self, stack: str, config: Mapping[str, str]) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=self.project, organization=self.organization, dry_run=True, config=dict(config)
        )
        try:
            self._stub.ConfigureStack(request, timeout=self.timeout)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise PolicyPackError(
                    f"policy pack {self.pack_dir.name}: ConfigureStack failed ({error.details()})"
                ) from error

    # -- analysis --------------------------------------------------------------------------------

    def analyze_stack(
        self,
        stack: str,
        resources: Sequence[ResourceRecord],
        outputs: Mapping[str, dict[str, Any]] | None = None,
        *,
        config: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> list[Finding]:
        """Every diagnostic of the pack on one stack's resources (preview semantics)."""
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack,
            project=self.project,
            organization=self.organization,
            dry_run=True,
            config=dict(config or {}),
            tags=dict(tags or {}),
        )
        self._call("ConfigureStack", self._stub.ConfigureStack, request)
        by_urn = {r.urn: r for r in resources}
        findings: list[Finding] = []
        # Each resource's properties, options and provider are encoded once and reused for Remediate,
        # Analyze and AnalyzeStack; a provider's message once per provider.
        providers: dict[str, analyzer_pb2.AnalyzerProviderResource | None] = {}
        encoded: dict[str, tuple[struct_pb2.Struct, analyzer_pb2.AnalyzerResourceOptions]] = {}
        for record in resources:
            properties = _struct(record.inputs)
            options = self._options(record)
            provider = self._cached_provider(record, by_urn, providers)
            analyze_request = analyzer_pb2.AnalyzeRequest(
                type=record.type,
                properties=properties,
                urn=record.urn,
                name=record.name,
                options=options,
                provider=provider,
            )
            remediated = self._call("Remediate", self._stub.Remediate, analyze_request)
            for remediation in remediated.remediations:
                if remediation.HasField("properties") and remediation.properties.fields:
                    properties = remediation.properties
                    analyze_request = analyzer_pb2.AnalyzeRequest(
                        type=record.type,
                        properties=properties,
                        urn=record.urn,
                        name=record.name,
                        options=options,
                        provider=provider,
                    )
                if remediation.diagnostic:
                    findings.append(
                        self._finding(remediation.policyName, Level.ADVISORY, remediation.diagnostic, record)
                    )
            encoded[record.urn] = (properties, options)
            response = self._call("Analyze", self._stub.Analyze, analyze_request)
            findings.extend(self._findings(response, record, by_urn))
        stack_request = analyzer_pb2.AnalyzeStackRequest()
        for record in resources:
            properties, options = encoded[record.urn]
            given = (outputs or {}).get(record.urn)
            if given is not None:
                state = _struct(given)
            else:  # preview: outputs are the inputs, and the ID of a resource to be created is unknown
                state = struct_pb2.Struct()
                state.CopyFrom(properties)
                state["id"] = UNKNOWN_STRING
            stack_request.resources.append(
                analyzer_pb2.AnalyzerResource(
                    type=record.type,
                    properties=state,
                    urn=record.urn,
                    name=record.name,
                    options=options,
                    provider=self._cached_provider(record, by_urn, providers),
                    parent=record.parent or "",
                    dependencies=list(record.dependencies),
                    propertyDependencies={
                        key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
                        for key, urns in record.property_dependencies.items()
                    },
                )
            )
        response = self._call("AnalyzeStack", self._stub.AnalyzeStack, stack_request)
        findings.extend(self._findings(response, None, by_urn))
        return findings

    @staticmethod
    def _options(record: ResourceRecord) -> analyzer_pb2.AnalyzerResourceOptions:
        return analyzer_pb2.AnalyzerResourceOptions(protect=record.protect, parent=record.parent or "")

    @classmethod
    def _cached_provider(
        cls,
        record: ResourceRecord,
        by_urn: Mapping[str, ResourceRecord],
        cache: dict[str, analyzer_pb2.AnalyzerProviderResource | None],
    ) -> analyzer_pb2.AnalyzerProviderResource | None:
        key = record.provider or ""
        if key not in cache:
            cache[key] = cls._provider(record, by_urn)
        return cache[key]

    @staticmethod
    def _provider(
        record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]
    ) -> analyzer_pb2.AnalyzerProviderResource | None:
        if not record.provider:
            return None
        provider_urn = without_id(record.provider)
        provider = by_urn.get(provider_urn)
        if provider is not None:
            return analyzer_pb2.AnalyzerProviderResource(
                type=provider.type, urn=provider.urn, name=provider.name, properties=_struct(provider.inputs)
            )
        parsed = parse_urn(provider_urn)
        return analyzer_pb2.AnalyzerProviderResource(type=parsed.type, urn=provider_urn, name=parsed.name)

    def _findings(
        self,
        response: analyzer_pb2.AnalyzeResponse,
        record: ResourceRecord | None,
        by_urn: Mapping[str, ResourceRecord],
    ) -> list[Finding]:
        found = []
        for diagnostic in response.diagnostics:
            level = LEVEL_FROM_PROTO.get(diagnostic.enforcementLevel, Level.ADVISORY)
            if level is Level.DISABLED:
                continue
            target = by_urn.get(diagnostic.urn) if diagnostic.urn else record
            found.append(
                self._finding(
                    diagnostic.policyName,
                    level,
                    violation_text(diagnostic),
                    target,
                    urn=diagnostic.urn or None,
                    severity=SEVERITY_FROM_PROTO.get(diagnostic.severity, "unspecified"),
                    pack=diagnostic.policyPackName or self.pack_name,
                )
            )
        return found

    def _finding(
        self,
        policy: str,
        level: Level,
        message: str,
        record: ResourceRecord | None,
        *,
        urn: str | None = None,
        severity: str | None = None,
        pack: str | None = None,
    ) -> Finding:
        described = next((p for p in getattr(self, "policies", []) if p.name == policy), None)
        resource_urn = urn or (record.urn if record else None)
        parsed = parse_urn(resource_urn or "")
        resource_type, resource_name = (record.type, record.name) if record else (parsed.type, parsed.name)
        return Finding(
            policy=policy,
            level=level,
            message=message,
            source=Source.POLICY,
            severity=severity or (described.severity if described else "unspecified"),
            urn=resource_urn,
            resource_type=resource_type or None,
            resource_name=resource_name or None,
            pack=pack or getattr(self, "pack_name", None),
            pack_version=self.pack_version,
        )
