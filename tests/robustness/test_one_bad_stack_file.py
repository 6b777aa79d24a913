"""One malformed stack file fails alone: it becomes that stack's one-line failure naming the file,
and every other stack is still run and reported, by `sovcloud check` and by `tenant new`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from federation_catalogue import PROJECT_CATALOGUE
from typer.testing import CliRunner

from sovcloud.check import CheckOptions, run_check
from sovcloud.cli import app
from sovcloud.commands import tenant as tenant_command

ROOT = Path(__file__).resolve().parents[2]
LAUGHS = "config: &k0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"k{i}: &k{i} [{', '.join([f'*k{i - 1}'] * 10)}]\n" for i in range(1, 10)
)
BROKEN: dict[str, bytes] = {
    "tenant-syntax": b"config:\n  sovcloud:kind: [tenant\n",
    "tenant-bell": b"config:\n  sovcloud:kind: ten\x07ant\n",
    "tenant-latin1": b"config:\n  sovcloud:kind: t\xe9nant\n",
    "tenant-deep": b"config: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
    "tenant-laughs": LAUGHS.encode(),
}


def project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    document = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    document["main"] = str(ROOT)
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    (project / PROJECT_CATALOGUE).parent.mkdir(parents=True)
    shutil.copy(ROOT / PROJECT_CATALOGUE, project / PROJECT_CATALOGUE)
    for stack in ("platform", "tenant-bank-bcee"):
        shutil.copy(ROOT / "stacks" / f"Pulumi.{stack}.yaml", project / "stacks")
    for stack, content in BROKEN.items():
        (project / "stacks" / f"Pulumi.{stack}.yaml").write_bytes(content)
    if hasattr(os, "mkfifo"):
        os.mkfifo(project / "stacks" / "Pulumi.tenant-pipe.yaml")
    return project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("broken"))


def test_each_broken_file_is_one_failure_and_the_other_stacks_are_still_checked(project: Path) -> None:
    result = run_check(CheckOptions(project_root=project, policies_enabled=False))
    by_stack = {s.stack: s for s in result.stacks}
    broken = [*BROKEN, *(["tenant-pipe"] if hasattr(os, "mkfifo") else [])]
    for stack in broken:
        findings = by_stack[stack].findings
        assert len(findings) == 1, (stack, findings)
        assert findings[0].blocking and findings[0].file == f"stacks/Pulumi.{stack}.yaml"
        assert "\n" not in findings[0].message
    assert by_stack["platform"].resources and by_stack["platform"].passed
    assert by_stack["tenant-bank-bcee"].resources and by_stack["tenant-bank-bcee"].passed
    assert {f.file for f in result.project_findings} & {f"stacks/Pulumi.{s}.yaml" for s in broken} == set()


def test_the_command_names_every_broken_file_and_exits_1_without_a_traceback(project: Path) -> None:
    outcome = CliRunner().invoke(app, ["check", "--project-dir", str(project), "--no-policies"])
    assert outcome.exit_code == 1, outcome.output
    for stack in BROKEN:
        assert f"stacks/Pulumi.{stack}.yaml" in outcome.output
    assert "Traceback" not in outcome.output


def test_tenant_new_reads_the_same_directory_without_hanging(project: Path) -> None:
    stacks = project / "stacks"
    outcome = CliRunner().invoke(
        tenant_command.app, ["new", "fresh-one", "--size", "small", "--stacks-dir", str(stacks)]
    )
    assert outcome.exit_code == 0, outcome.output
    assert (stacks / "Pulumi.tenant-fresh-one.yaml").is_file()
    (stacks / "Pulumi.tenant-fresh-one.yaml").unlink()
