"""`sovcloud check` end to end: programs offline, the pack over gRPC, project and fleet checks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue import PROJECT_CATALOGUE
from typer.testing import CliRunner

from sovcloud.check import CheckOptions, run_check
from sovcloud.cli import app
from sovcloud.results import CheckResult, Level, Source
from sovcloud.workers import pack_processes

ROOT = Path(__file__).resolve().parents[2]
BROKEN_PROGRAM = """
import pulumi
import pulumi_openstack as openstack

provider = openstack.Provider("us", auth_url="https://keystone.example.com:5000/v3", region="us-east-1")
openstack.networking.Router(
    "edge", external_network_id="public-net-id", opts=pulumi.ResourceOptions(provider=provider)
)
"""


def project_copy(tmp_path: Path, stacks: list[str]) -> Path:
    """A scratch project: our program and pack, a subset of our stack files (edited by the test)."""
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    document = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    document["main"] = str(ROOT)
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    (project / PROJECT_CATALOGUE).parent.mkdir(parents=True)
    shutil.copy(ROOT / PROJECT_CATALOGUE, project / PROJECT_CATALOGUE)
    for stack in stacks:
        shutil.copy(ROOT / "stacks" / f"Pulumi.{stack}.yaml", project / "stacks")
    return project


def edit_stack(project: Path, stack: str, edit: Any) -> None:
    path = project / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(document["config"])
    path.write_text(yaml.safe_dump(document), encoding="utf-8")


def check(project: Path) -> CheckResult:
    return run_check(CheckOptions(project_root=project, policy_pack=ROOT / "policies"))


@pytest.fixture(scope="module")
def bundled() -> CheckResult:
    return run_check(CheckOptions(project_root=ROOT))


def test_the_bundled_stacks_pass_with_no_mandatory_violation(bundled: CheckResult) -> None:
    blocking = [f for f in bundled.all_findings() if f.blocking]
    assert blocking == []
    assert bundled.passed
    stacks = {s.stack for s in bundled.stacks}
    assert {"platform", "bootstrap"} <= stacks
    assert len([s for s in stacks if s.startswith("tenant-")]) >= 3


def test_every_bundled_stack_was_analyzed_by_the_pack(bundled: CheckResult) -> None:
    assert bundled.pack_name
    names = {p.name for p in bundled.policies}
    assert any("egress" in p.tags for p in bundled.policies)
    assert any("placement" in p.tags for p in bundled.policies)
    assert {"stack-config-is-valid", "subnets-do-not-overlap-across-stacks"} <= names
    for stack in bundled.stacks:
        assert stack.resources, stack.stack
        assert {r.site for r in stack.resources if r.custom and r.site} == {"lu", "be"}, stack.stack


def test_the_command_exits_zero_on_the_bundled_stacks_and_prints_each_site() -> None:
    outcome = CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), "platform", "tenant-chu-liege"])
    assert outcome.exit_code == 0, outcome.output
    assert "platform" in outcome.output and "tenant-chu-liege" in outcome.output
    assert "site lu" in outcome.output and "site be" in outcome.output


def test_a_stack_edited_past_the_plan_fails_naming_file_and_key(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    edit_stack(project, "tenant-bank-bcee", lambda c: c["sovcloud:tenant"]["sites"]["lu"].update(ipv4="0.0.0.0/1"))
    result = check(project)
    assert not result.passed
    (finding,) = [f for f in result.all_findings() if f.blocking]
    assert finding.source is Source.CONFIG
    assert finding.file == "stacks/Pulumi.tenant-bank-bcee.yaml"
    assert finding.key == "sovcloud:tenant.sites.lu.ipv4"


def test_a_stack_pulling_from_docker_hub_fails(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])

    def docker_hub(config: dict[str, Any]) -> None:
        config["sovcloud:tenant"]["kubernetes"]["workloads"][0]["image"] = "docker.io/library/nginx:latest"

    edit_stack(project, "tenant-bank-bcee", docker_hub)
    outcome = CliRunner().invoke(app, ["check", "--project-dir", str(project), "--policy-pack", str(ROOT / "policies")])
    assert outcome.exit_code == 1
    assert "sovcloud:tenant.kubernetes.workloads[0].image" in outcome.output


def test_a_tenant_copied_over_another_fails_the_fleet_overlap_check(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    shutil.copy(project / "stacks" / "Pulumi.tenant-bank-bcee.yaml", project / "stacks" / "Pulumi.tenant-copycat.yaml")
    edit_stack(project, "tenant-copycat", lambda c: c["sovcloud:tenant"].update(name="copycat"))
    result = check(project)
    overlaps = [f for f in result.project_findings if f.policy == "subnets-do-not-overlap-across-stacks"]
    assert overlaps and all(f.level is Level.MANDATORY for f in overlaps)
    assert {f.file for f in overlaps} == {"stacks/Pulumi.tenant-copycat.yaml"}
    assert "stacks/Pulumi.tenant-bank-bcee.yaml" in overlaps[0].message


def test_policy_violations_of_a_program_fail_the_check_naming_egress_and_placement(tmp_path: Path) -> None:
    project = tmp_path / "rogue"
    (project / "program").mkdir(parents=True)
    (project / "program" / "__main__.py").write_text(BROKEN_PROGRAM, encoding="utf-8")
    (project / "Pulumi.yaml").write_text(
        "name: rogue\nruntime: python\nmain: program/\nbackend:\n  url: "
        "s3://sovcloud-state?endpoint=https://swift.eu-be-1.sov.internal&region=eu-be-1&s3ForcePathStyle=true\n",
        encoding="utf-8",
    )
    shutil.copy(ROOT / "stacks" / "Pulumi.bootstrap.yaml", project / "Pulumi.dev.yaml")
    result = check(project)
    blocking = {f.policy: f for f in result.all_findings() if f.blocking and f.source is Source.POLICY}
    tags = {tag for p in result.policies if p.name in blocking for tag in p.tags}
    assert {"egress", "placement"} <= tags, sorted(blocking)
    assert all(f.file == "Pulumi.dev.yaml" for f in blocking.values())


def test_large_checks_get_a_second_pack_process_on_a_multicore_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert pack_processes(1) == 1
    assert pack_processes(20) == 2
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert pack_processes(20) == 1
