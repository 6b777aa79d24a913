"""The CI workflow: valid YAML, the jobs the issue asks for, and the README's commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "check.yml"


def readme_commands() -> list[str]:
    """The README's two commands for a fresh machine: the first `sh` block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def run_commands(workflow: dict[str, Any], job: str) -> list[str]:
    """Every shell command of a job: run blocks split on lines and `&&`."""
    commands: list[str] = []
    for step in steps(workflow, job):
        for line in str(step.get("run", "")).splitlines():
            commands += [part.strip() for part in line.split("&&") if part.strip()]
    return commands


def test_runs_on_every_pull_request_and_push_to_main(workflow: dict[str, Any]) -> None:
    triggers: dict[str, Any] = workflow["on"] if "on" in workflow else workflow[True]  # type: ignore[index]
    # (YAML 1.1 reads a bare `on` as true)
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]


def test_offline_job_installs_tests_checks_and_publishes(workflow: dict[str, Any]) -> None:
    commands = run_commands(workflow, "offline")
    commands_of_readme = readme_commands()
    assert len(commands_of_readme) == 2
    for command in commands_of_readme:
        for part in command.split("&&"):
            assert any(c == part.strip() or c.startswith(part.strip() + " ") for c in commands), part
    (check,) = [c for c in commands if c.startswith("venv/bin/sovcloud check")]  # one run, every format
    for output in ("markdown=report.md", "sarif=sovcloud.sarif", "junit=junit.xml", "json=sovcloud.json"):
        assert f"--format {output}" in check
    assert '"${since[@]}"' in check and 'since=(--changed-since "$BASE")' in " ".join(commands)
    assert 'cat report.md >> "$GITHUB_STEP_SUMMARY"' in commands
    uses = [s.get("uses", "") for s in steps(workflow, "offline")]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    setup = next(s for s in steps(workflow, "offline") if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    upload = next(
        s for s in steps(workflow, "offline") if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    assert upload["with"]["sarif_file"] == "sovcloud.sarif"
    assert workflow["jobs"]["offline"]["permissions"]["security-events"] == "write"


def test_the_check_runs_even_if_tests_fail_and_the_job_fails_at_the_end(workflow: dict[str, Any]) -> None:
    offline = steps(workflow, "offline")
    by_id = {s["id"]: s for s in offline if "id" in s}
    for step_id in ("tests", "check"):
        assert by_id[step_id]["continue-on-error"] is True
    last = offline[-1]
    assert "steps.tests.outcome" in str(last["env"]) and "steps.check.outcome" in str(last["env"])
    assert 'test "$TESTS" = success' in last["run"]


def test_preview_job_only_with_credentials_through_pulumis_action(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    gate = jobs["changed-stacks"]
    assert "secrets.OS_APPLICATION_CREDENTIAL_ID" in gate["env"]["CLOUD_CREDENTIALS"]
    assert "needs.changed-stacks.outputs.credentials == 'present'" in jobs["preview"]["if"]
    action = next(s for s in steps(workflow, "preview") if s.get("uses", "").startswith("pulumi/actions@"))
    assert action["uses"].startswith("pulumi/actions@")
    assert action["with"]["command"] == "preview"
    assert action["with"]["policyPacks"] == "policies"
    assert action["with"]["comment-on-pr"] is True
    assert action["with"]["cloud-url"] == "${{ steps.backend.outputs.url }}"  # the self-managed backend
    assert "app.pulumi.com" not in WORKFLOW.read_text(encoding="utf-8")
    assert "sovcloud report --from-events events.jsonl" in " ".join(run_commands(workflow, "preview"))


def test_a_large_fleet_is_checked_in_shards_and_merged(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert jobs["shard"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert any('--shard "$SHARD/4"' in c for c in run_commands(workflow, "shard"))
    assert jobs["merge"]["needs"] == "shard"
    assert any(c.startswith("venv/bin/sovcloud report --merge shards/*.json") for c in run_commands(workflow, "merge"))


def test_actions_are_pinned_and_secrets_stay_out_of_if(workflow: dict[str, Any]) -> None:
    for job in workflow["jobs"].values():
        assert "runs-on" in job and "steps" in job
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            assert "secrets." not in str(step.get("if", ""))
        assert "secrets." not in str(job.get("if", ""))


def test_the_readme_commands_are_the_workflows(workflow: dict[str, Any]) -> None:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("no README.md yet")
    lines = [line.strip() for line in readme.read_text(encoding="utf-8").splitlines() if "venv/bin/" in line]
    chained = [line for line in lines if line.startswith("python3 -m venv") or line.startswith("python -m venv")]
    assert chained, "the README shows no install command"
    commands = run_commands(workflow, "offline")
    for line in chained:
        for part in line.split("#")[0].split("&&"):
            part = part.strip()
            assert any(c == part or c.startswith(part + " ") for c in commands), part
