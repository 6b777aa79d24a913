"""sovcloud.analyzer: the engine's call order and config reconciliation, against a recording pack."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

from sovcloud.analyzer import PolicyPackConfigError, PolicyPackSession
from sovcloud.analyzer.config import PolicyConfig, apply, reconcile
from sovcloud.results import Level, ResourceRecord, Source

RECORDING_PACK = textwrap.dedent(
    """
    import json, os, sys, time
    from concurrent import futures
    import grpc
    from google.protobuf import empty_pb2, json_format
    from pulumi.runtime.proto import analyzer_pb2 as pb, analyzer_pb2_grpc

    LOG = os.environ["RECORD_FILE"]

    def record(name, **details):
        with open(LOG, "a") as out:
            out.write(json.dumps({"call": name, **details}) + "\\n")

    class Recorder(analyzer_pb2_grpc.AnalyzerServicer):
        def ConfigureStack(self, request, context):
            record("ConfigureStack", stack=request.stack, project=request.project, dry_run=request.dry_run)
            return pb.AnalyzerStackConfigureResponse()

        def GetAnalyzerInfo(self, request, context):
            record("GetAnalyzerInfo")
            info = pb.AnalyzerInfo(name="recorder", version="0.0.1", supportsConfig=True)
            p = info.policies.add(name="resource-rule", description="Resource rule.", enforcementLevel=pb.ADVISORY,
                                  policy_type=pb.POLICY_TYPE_RESOURCE, severity=pb.POLICY_SEVERITY_HIGH)
            p.configSchema.properties.update({"limit": {"type": "integer", "default": 3}, "name": {"type": "string"}})
            info.policies.add(name="stack-rule", description="Stack rule.", enforcementLevel=pb.MANDATORY,
                              policy_type=pb.POLICY_TYPE_STACK)
            info.initialConfig["resource-rule"].enforcementLevel = pb.MANDATORY
            info.initialConfig["resource-rule"].properties.update({"name": "initial"})
            return info

        def Configure(self, request, context):
            record("Configure", config={k: {"level": v.enforcementLevel,
                                            "props": json_format.MessageToDict(v.properties)}
                                        for k, v in request.policyConfig.items()})
            return empty_pb2.Empty()

        def Remediate(self, request, context):
            record("Remediate", urn=request.urn)
            return pb.RemediateResponse()

        def Analyze(self, request, context):
            provider = {"type": request.provider.type, "name": request.provider.name, "urn": request.provider.urn,
                        "props": json_format.MessageToDict(request.provider.properties)}
            record("Analyze", urn=request.urn, type=request.type, protect=request.options.protect,
                   parent=request.options.parent, provider=provider,
                   props=json_format.MessageToDict(request.properties))
            response = pb.AnalyzeResponse()
            if request.type == "test:index:Bad":
                response.diagnostics.add(policyName="resource-rule", policyPackName="recorder",
                                         policyPackVersion="0.0.1", description="Resource rule.",
                                         message="Resource rule.\\nit is bad",
                                         enforcementLevel=pb.MANDATORY, severity=pb.POLICY_SEVERITY_HIGH)
                response.diagnostics.add(policyName="resource-rule", description="Resource rule.",
                                         message="Resource rule.\\nignored", enforcementLevel=pb.DISABLED)
            return response

        def AnalyzeStack(self, request, context):
            record("AnalyzeStack", resources=[{"urn": r.urn, "parent": r.parent, "dependencies": list(r.dependencies),
                   "propertyDependencies": {k: list(v.urns) for k, v in r.propertyDependencies.items()},
                   "props": json_format.MessageToDict(r.properties)} for r in request.resources])
            response = pb.AnalyzeResponse()
            response.diagnostics.add(policyName="stack-rule", description="Stack rule.", message="Stack rule.",
                                     enforcementLevel=pb.ADVISORY, urn=request.resources[-1].urn)
            return response

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(Recorder(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\\n")
    sys.stdout.flush()
    record("env", cwd=os.getcwd(), argv=sys.argv, project=os.environ.get("PULUMI_PROJECT"),
           dry_run=os.environ.get("PULUMI_DRY_RUN"), config=os.environ.get("PULUMI_CONFIG"))
    while True:
        time.sleep(3600)
    """
)
PROVIDER = "urn:pulumi:dev::sovcloud::pulumi:providers:openstack::lu"
COMPONENT = "urn:pulumi:dev::sovcloud::sovcloud:site:Site::lu"
BAD = "urn:pulumi:dev::sovcloud::sovcloud:site:Site$test:index:Bad::bad"


@pytest.fixture
def recording_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 2.3.4\n", encoding="utf-8")
    (pack / "__main__.py").write_text(RECORDING_PACK, encoding="utf-8")
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("RECORD_FILE", str(log))
    return pack, log


def _calls(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_call_order_options_providers_and_findings(recording_pack: tuple[Path, Path], tmp_path: Path) -> None:
    pack, log = recording_pack
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"resource-rule": {"limit": 5}}), encoding="utf-8")
    records = [
        ResourceRecord(PROVIDER, "pulumi:providers:openstack", "lu", True, inputs={"region": "eu-lu-1"}),
        ResourceRecord(COMPONENT, "sovcloud:site:Site", "lu", False),
        ResourceRecord(
            BAD,
            "test:index:Bad",
            "bad",
            True,
            parent=COMPONENT,
            provider=PROVIDER + "::some-id",
            inputs={"cidr": "10.0.0.0/8"},
            protect=True,
            dependencies=(COMPONENT,),
            property_dependencies={"cidr": (PROVIDER,)},
        ),
    ]
    with PolicyPackSession(pack, project="sovcloud", config_file=config) as session:
        assert (session.pack_name, session.pack_version) == ("recorder", "2.3.4")  # version from the yaml
        assert {p.name: p.enforcement_level for p in session.policies} == {
            "resource-rule": Level.MANDATORY,
            "stack-rule": Level.MANDATORY,
        }
        findings = session.analyze_stack("dev", records)
        session.analyze_stack("prod", records[:1])  # one process serves many stacks
    calls = _calls(log)
    env = next(c for c in calls if c["call"] == "env")
    assert Path(str(env["cwd"])) == pack.resolve() and env["dry_run"] == "true" and env["project"] == "sovcloud"
    order = [c["call"] for c in calls if c["call"] != "env"]
    assert order == [
        "ConfigureStack",
        "GetAnalyzerInfo",
        "Configure",
        "ConfigureStack",
        "Remediate",
        "Analyze",
        "Remediate",
        "Analyze",
        "Remediate",
        "Analyze",
        "AnalyzeStack",
        "ConfigureStack",
        "Remediate",
        "Analyze",
        "AnalyzeStack",
    ]
    configure = next(c for c in calls if c["call"] == "Configure")
    assert configure["config"] == {
        "resource-rule": {"level": analyzer_pb2.MANDATORY, "props": {"limit": 5, "name": "initial"}},
        "stack-rule": {"level": analyzer_pb2.MANDATORY, "props": {}},
    }
    analyzed = [c for c in calls if c["call"] == "Analyze"][:3]
    assert analyzed[1]["provider"]["type"] == ""  # a component has no provider
    bad = analyzed[2]
    assert bad["protect"] is True and bad["parent"] == COMPONENT
    assert bad["provider"] == {
        "type": "pulumi:providers:openstack",
        "name": "lu",
        "urn": PROVIDER,
        "props": {"region": "eu-lu-1"},
    }
    stack = next(c for c in calls if c["call"] == "AnalyzeStack")
    last = stack["resources"][2]
    assert last["parent"] == COMPONENT and last["dependencies"] == [COMPONENT]
    assert last["propertyDependencies"] == {"cidr": [PROVIDER]}
    assert last["props"]["cidr"] == "10.0.0.0/8" and "id" in last["props"]  # outputs default to inputs + id
    resource_finding, stack_finding = findings
    assert resource_finding.policy == "resource-rule" and resource_finding.level is Level.MANDATORY
    assert resource_finding.message == "it is bad" and resource_finding.severity == "high"
    assert (resource_finding.urn, resource_finding.resource_type, resource_finding.resource_name) == (
        BAD,
        "test:index:Bad",
        "bad",
    )
    assert resource_finding.source is Source.POLICY and resource_finding.pack_version == "2.3.4"
    assert stack_finding.policy == "stack-rule" and stack_finding.message == "Stack rule."
    assert stack_finding.urn == BAD and stack_finding.level is Level.ADVISORY


def _info() -> analyzer_pb2.AnalyzerInfo:
    info = analyzer_pb2.AnalyzerInfo(name="pack")
    policy = info.policies.add(name="a", enforcementLevel=analyzer_pb2.ADVISORY)
    policy.configSchema.properties.update({"n": {"type": "integer", "default": 1}, "s": {"type": "string"}})
    info.policies.add(name="b", enforcementLevel=analyzer_pb2.MANDATORY)
    return info


def test_reconcile_defaults_then_file(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"all": {"enforcementLevel": "advisory"}, "a": {"s": "x"}, "b": "disabled"}))
    result = reconcile(_info(), path)
    assert result["a"].enforcement_level is Level.ADVISORY and result["a"].properties == {"n": 1, "s": "x"}
    assert result["b"].enforcement_level is Level.DISABLED


def test_all_sets_levels_before_per_policy_entries() -> None:
    result = {"a": PolicyConfig(Level.ADVISORY, {"n": 1}), "b": PolicyConfig(Level.ADVISORY)}
    apply(result, {"b": PolicyConfig(Level.DISABLED), "all": PolicyConfig(Level.MANDATORY, {"ignored": True})})
    assert result["a"].enforcement_level is Level.MANDATORY and result["a"].properties == {"n": 1}
    assert result["b"].enforcement_level is Level.DISABLED


def test_reconcile_rejects_invalid_properties(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"a": {"n": "one"}}))
    with pytest.raises(PolicyPackConfigError) as raised:
        reconcile(_info(), path)
    assert str(raised.value).startswith("policy pack 'pack': invalid config from")
    assert "policy 'a': n: 'one' is not of type 'integer'" in str(raised.value)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"a": 3}', '{"a": {"enforcementLevel": 1}}'])
def test_reconcile_rejects_malformed_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(content)
    with pytest.raises(PolicyPackConfigError, match=r"c\.json"):
        reconcile(_info(), path)


def test_empty_config_file_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("  \n")
    assert json_format.MessageToDict(_info())["name"] == "pack"
    assert reconcile(_info(), path)["a"].properties == {"n": 1}
