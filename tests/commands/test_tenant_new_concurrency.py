"""Concurrent `tenant new` runs take turns on the stacks directory: no two hand out the same range or address."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from federation_catalogue import load_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovcloud.commands import tenant as tenant_command
from sovcloud.fleet_checks import stack_file_conflicts
from tests.conftest import ROOT

CATALOGUE = load_catalogue()
RUN = "from sovcloud.cli import main; main()"


def fresh_stacks(tmp_path: Path) -> Path:
    target = tmp_path / "stacks"
    shutil.copytree(ROOT / "stacks", target)
    return target


def test_eight_processes_started_together_get_eight_distinct_allocations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stacks = fresh_stacks(tmp_path)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, "tenant", "new", f"race-t{i}", "--size", "small", "--stacks-dir", str(stacks)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(1, 9)
    ]
    outcomes = [(run.wait(timeout=300), run.stderr.read() if run.stderr else "") for run in runs]
    assert all(code == 0 for code, _ in outcomes), outcomes
    assert len(list(stacks.glob("Pulumi.tenant-race-t*.yaml"))) == 8
    assert stack_file_conflicts(stacks, tmp_path, CATALOGUE) == []


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    runs=st.lists(
        st.tuples(st.sampled_from(list(tenant_command.Size)), st.sampled_from(["lu", "be"])), min_size=2, max_size=6
    )
)
def test_any_set_of_concurrent_runs_allocates_without_a_clash(
    tmp_path_factory: pytest.TempPathFactory, runs: list[tuple[tenant_command.Size, str]]
) -> None:
    stacks = fresh_stacks(tmp_path_factory.mktemp("race"))
    start = threading.Barrier(len(runs))
    failures: list[BaseException] = []

    def one(index: int, size: tenant_command.Size, primary: str) -> None:
        start.wait()
        try:
            tenant_command.new(f"race-{index}", primary_site=primary, size=size, stacks_dir=stacks, kubernetes=False)
        except BaseException as error:  # typer.Exit included: every run must succeed
            failures.append(error)

    threads = [threading.Thread(target=one, args=(i, size, primary)) for i, (size, primary) in enumerate(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    assert len(list(stacks.glob("Pulumi.tenant-race-*.yaml"))) == len(runs)
    assert stack_file_conflicts(stacks, stacks.parent, CATALOGUE) == []
