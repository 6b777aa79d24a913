"""Exit codes say what happened: 0 passed, 1 blocking findings, 2 the command could not run
(bad usage, unreadable input, a policy pack that fails to start, hangs or dies, an internal
error), with one clear line on stderr and never a traceback (unless --debug asks for it)."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from federation_catalogue import PROJECT_CATALOGUE

import sovcloud.cli as cli
from sovcloud.cli import run

ROOT = Path(__file__).resolve().parents[2]
PACK_MANIFEST = "runtime: python\nversion: 0.0.1\ndescription: a broken pack for tests\n"
PACK_PROGRAM = """
import os, time
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def validate(args, report_violation):
    {body}

PolicyPack(
    name="broken",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[ResourceValidationPolicy(name="broken-policy", description="A policy that breaks.", validate=validate)],
)
"""


def stderr_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def project_copy(tmp_path: Path, stacks: tuple[str, ...] = ("bootstrap",)) -> Path:
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


def broken_pack(tmp_path: Path, body: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text(PACK_MANIFEST, encoding="utf-8")
    (pack / "__main__.py").write_text(textwrap.dedent(PACK_PROGRAM).format(body=body), encoding="utf-8")
    shutil.copytree(ROOT / "policies" / "federation_catalogue", pack / "federation_catalogue")
    return pack


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--format", "xml"],
        ["check", "--no-such-option"],
        ["report"],
        ["tenant", "new"],
        ["no-such-command"],
    ],
)
def test_bad_usage_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert run(argv) == 2
    assert stderr_line(capsys).startswith("sovcloud: ")


def test_a_missing_event_log_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["report", "--from-events", str(tmp_path / "missing.jsonl"), "--project-dir", str(ROOT)]) == 2
    assert "missing.jsonl: cannot be read" in stderr_line(capsys)


@pytest.mark.parametrize("where", ["no-such-folder/report.md", "."])
def test_an_unwritable_output_path_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str
) -> None:
    def must_not_run(*_: object) -> None:
        raise AssertionError("the check ran although its report could not be written")

    monkeypatch.setattr(cli, "run_check", must_not_run)
    output = tmp_path / where
    assert run(["check", "--project-dir", str(ROOT), "--output", str(output)]) == 2
    assert "--output" in stderr_line(capsys)
    log = tmp_path / "events.jsonl"
    log.write_text("", encoding="utf-8")
    assert run(["report", "--from-events", str(log), "--project-dir", str(ROOT), "--output", str(output)]) == 2


def test_an_internal_error_is_one_line_and_exit_2_and_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("something unexpected\nwith a second line")

    monkeypatch.setattr(cli, "run_check", explode)
    assert run(["check", "--project-dir", str(ROOT)]) == 2
    line = stderr_line(capsys)
    assert "internal error: RuntimeError: something unexpected" in line and "--debug" in line
    assert run(["--debug", "check", "--project-dir", str(ROOT)]) == 2
    assert "Traceback" in capsys.readouterr().err
    assert run(["check", "--debug", "--project-dir", str(ROOT)]) == 2  # anywhere on the line
    assert "Traceback" in capsys.readouterr().err


def test_an_unreadable_project_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    (project / "Pulumi.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    assert run(["check", "--project-dir", str(project), "--no-policies"]) == 2
    assert "Pulumi.yaml: is not valid YAML" in stderr_line(capsys)


def test_passed_is_0_and_blocked_is_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    assert run(["check", "--project-dir", str(project), "--no-policies"]) == 0
    (project / "stacks" / "Pulumi.tenant-bad.yaml").write_text("config:\n  sovcloud:kind: nothing\n", encoding="utf-8")
    assert run(["check", "--project-dir", str(project), "--no-policies"]) == 1
    capsys.readouterr()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("time.sleep(3600)", "did not answer within 3s (a policy hangs)"),
        ("os._exit(3)", "policy pack pack: Analyze"),
    ],
    ids=["hangs", "dies"],
)
def test_a_pack_that_hangs_or_dies_is_cut_off_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: str, expected: str
) -> None:
    project = project_copy(tmp_path)
    pack = broken_pack(tmp_path, body)
    code = run(["check", "--project-dir", str(project), "--policy-pack", str(pack), "--policy-timeout", "3"])
    assert code == 2
    assert expected in stderr_line(capsys)


def test_a_pack_that_fails_to_start_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    pack = broken_pack(tmp_path, "pass")
    (pack / "__main__.py").write_text("raise SystemExit('the pack refuses to start')\n", encoding="utf-8")
    assert run(["check", "--project-dir", str(project), "--policy-pack", str(pack)]) == 2
    assert "the policy pack could not start" in stderr_line(capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_an_event_log_that_is_a_pipe_is_refused_without_blocking(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pipe = tmp_path / "events.jsonl"
    os.mkfifo(pipe)
    assert run(["report", "--from-events", str(pipe), "--project-dir", str(ROOT)]) == 2
    assert "not a regular file" in stderr_line(capsys)
