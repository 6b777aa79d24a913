"""Shared fixtures: the project root, and running a stack's program offline as the engine would."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue import Catalogue, load_catalogue

from sovcloud.engine.records import to_records
from sovcloud.engine.runner import StackRun, run_stack
from sovcloud.engine.stack_files import Project, StackFile, load_stack_file
from sovcloud.results import ResourceRecord

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


def read_stack_document(name: str) -> dict[str, Any]:
    """A bundled stack file as a YAML document (a deep copy: tests mutate it)."""
    with (ROOT / "stacks" / f"Pulumi.{name}.yaml").open(encoding="utf-8") as stream:
        return copy.deepcopy(yaml.safe_load(stream))


class OfflineStack:
    """What one offline run of a stack produced: raw registrations and analyzer-ready records."""

    def __init__(self, run: StackRun, records: list[ResourceRecord]) -> None:
        self.run = run
        self.records = records

    def of_type(self, type_token: str) -> list[ResourceRecord]:
        return [r for r in self.records if r.type == type_token]

    def by_urn(self) -> dict[str, ResourceRecord]:
        return {r.urn: r for r in self.records}


RunDocument = Callable[..., OfflineStack]


@pytest.fixture
def run_document(tmp_path: Path, catalogue: Catalogue) -> RunDocument:
    """Run the real program for a stack document (written under stacks/ of a scratch copy of the
    project layout), under the mock runtime, the way `sovcloud check` does."""

    def run(stack: str, document: dict[str, Any], stack_outputs: dict[str, Any] | None = None) -> OfflineStack:
        path = tmp_path / f"Pulumi.{stack}.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        project = Project.load(ROOT)
        stack_file: StackFile = load_stack_file(path, project.name)
        outcome = run_stack(project, stack_file, stack_outputs=stack_outputs)
        records = to_records(
            outcome.registrations, stack=stack, project=project.name, catalogue=catalogue, config=stack_file.config
        )
        return OfflineStack(outcome, records)

    return run


@pytest.fixture(scope="session")
def platform_run(catalogue: Catalogue) -> OfflineStack:
    """The bundled platform stack, run once per session (its assertions only read it)."""
    project = Project.load(ROOT)
    stack_file = load_stack_file(ROOT / "stacks" / "Pulumi.platform.yaml", project.name)
    outcome = run_stack(project, stack_file)
    assert outcome.error is None, outcome.error
    records = to_records(
        outcome.registrations, stack="platform", project=project.name, catalogue=catalogue, config=stack_file.config
    )
    return OfflineStack(outcome, records)
