"""One check run writes every format asked for; `--format X --output F` keeps working; shard
results merge into any format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sovcloud.cli import Output, app, parse_outputs
from tests.check.scratch import ROOT


def test_format_specs_pair_each_format_with_its_file() -> None:
    assert parse_outputs(["markdown=report.md", "sarif=x.sarif"], None) == [
        Output("markdown", Path("report.md")),
        Output("sarif", Path("x.sarif")),
    ]
    assert parse_outputs(["json"], Path("r.json")) == [Output("json", Path("r.json"))]
    assert parse_outputs(None, None) == [Output("text", None)]
    assert parse_outputs(["text", "junit=j.xml"], None) == [Output("text", None), Output("junit", Path("j.xml"))]


@pytest.mark.parametrize(
    ("formats", "output"),
    [(["html"], None), (["text", "json"], None), (["json=a.json"], Path("b.json")), (["text", "json"], Path("r"))],
)
def test_ambiguous_or_unknown_outputs_are_refused(formats: list[str], output: Path | None) -> None:
    with pytest.raises(typer.BadParameter):
        parse_outputs(formats, output)


def test_one_run_writes_every_format_and_shards_merge(tmp_path: Path) -> None:
    files = {name: tmp_path / name for name in ("report.md", "sovcloud.sarif", "junit.xml", "all.json")}
    args = ["check", "--project-dir", str(ROOT), "--no-cache", "platform", "bootstrap"]
    args += ["--format", f"markdown={files['report.md']}", "--format", f"sarif={files['sovcloud.sarif']}"]
    args += ["--format", f"junit={files['junit.xml']}", "--format", "json", "--output", str(files["all.json"])]
    outcome = CliRunner().invoke(app, args)
    assert outcome.exit_code == 0, outcome.output
    assert files["report.md"].read_text(encoding="utf-8").startswith("## ✅")
    assert json.loads(files["sovcloud.sarif"].read_text(encoding="utf-8"))["version"] == "2.1.0"
    suites = [s.get("name") for s in ET.parse(files["junit.xml"]).getroot().findall("testsuite")]
    assert suites == ["platform", "bootstrap"]
    whole = json.loads(files["all.json"].read_text(encoding="utf-8"))
    assert [s["stack"] for s in whole["stacks"]] == ["platform", "bootstrap"]

    # The same stacks as two shard results, merged afterwards.
    parts = []
    for stack in ("platform", "bootstrap"):
        part = tmp_path / f"{stack}.json"
        one = CliRunner().invoke(app, ["check", "--project-dir", str(ROOT), "--no-cache", stack, "-f", f"json={part}"])
        assert one.exit_code == 0, one.output
        parts.append(str(part))
    merged = tmp_path / "merged.json"
    outcome = CliRunner().invoke(
        app, ["report", "--project-dir", str(ROOT), "--merge", *parts, "--format", f"json={merged}"]
    )
    assert outcome.exit_code == 0, outcome.output
    joined = json.loads(merged.read_text(encoding="utf-8"))
    assert [s["stack"] for s in joined["stacks"]] == ["platform", "bootstrap"]
    assert joined["passed"] and len(joined["policies"]) == len(whole["policies"])
