"""Refactoring keeps behaviour: the bundled stacks and a 100-tenant fleet declare the same resources
and yield the same findings as the recorded digests (`data/`, made with `digest.py` before the
change). A deliberate change of behaviour re-records them, in the same commit, and says why."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from tests.behaviour.digest import digest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("data")
CLI = "from sovcloud.cli import main; main()"


def _project_copy(target: Path) -> Path:
    """The working tree (tracked and new files, nothing ignored), the pack's venv linked in."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    if (ROOT / "policies" / "venv").is_dir():
        (target / "policies" / "venv").symlink_to(ROOT / "policies" / "venv")
    return target


def _check(project: Path, report: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-c", CLI, "check", "--format", "json", "--output", str(report)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-3000:]
    return digest(json.loads(report.read_text(encoding="utf-8")))


def _differences(recorded: dict[str, Any], now: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for stack in sorted(set(recorded["stacks"]) | set(now["stacks"])):
        before, after = recorded["stacks"].get(stack), now["stacks"].get(stack)
        if before is None or after is None:
            lines.append(f"{stack}: {'added' if before is None else 'missing'}")
            continue
        for part in ("resources", "findings"):
            old = {json.dumps(x) for x in before[part]}
            new = {json.dumps(x) for x in after[part]}
            lines += [f"{stack}: {part} gone: {x}" for x in sorted(old - new)[:5]]
            lines += [f"{stack}: {part} new: {x}" for x in sorted(new - old)[:5]]
    if recorded["project_findings"] != now["project_findings"]:
        lines.append(f"project findings: {recorded['project_findings']} -> {now['project_findings']}")
    return lines


def test_bundled_stacks_behave_as_recorded(tmp_path: Path) -> None:
    recorded = json.loads((DATA / "bundled.digest.json").read_text(encoding="utf-8"))
    now = _check(ROOT, tmp_path / "report.json")
    assert _differences(recorded, now) == []


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("SOVCLOUD_FLEET_TESTS"), reason="a 100-tenant fleet: set SOVCLOUD_FLEET_TESTS=1")
def test_a_100_tenant_fleet_behaves_as_recorded(tmp_path: Path) -> None:
    project = _project_copy(tmp_path / "project")
    with tarfile.open(DATA / "fleet-100-tenants.tar.gz") as archive:
        archive.extractall(project / "stacks", filter="data")
    recorded = json.loads(gzip.decompress((DATA / "fleet-100.digest.json.gz").read_bytes()))
    now = _check(project, tmp_path / "report.json")
    assert _differences(recorded, now) == []
