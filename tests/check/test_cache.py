"""The result cache never gives a stale verdict: every kind of input, changed alone, changes the key
of exactly the stacks that read it, and a re-run checks exactly those again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sovcloud.engine.stack_files import Project, discover_stacks
from sovcloud.inputs import CodeInputs, stack_keys
from sovcloud.results.serial import stack_to_dict
from tests.check.scratch import Scratch

STACKS = ["platform", "tenant-bank-bcee", "tenant-chu-liege", "bootstrap"]
EVERY = set(STACKS)
COMMENT = "\n# changed\n"


def keys(scratch: Scratch, pack_config: Path | None = None, policies: bool = True) -> dict[str, str]:
    project = Project.load(scratch.root)
    files = discover_stacks(project.stack_config_dir, project.name)
    code = CodeInputs.of(project, scratch.root / "policies", pack_config, policies)
    return stack_keys(files, project.name, code)


def changing(relative: str, text: str = COMMENT) -> Callable[[Scratch], None]:
    return lambda scratch: scratch.append(relative, text)


CHANGES: dict[str, tuple[Callable[[Scratch], None], set[str]]] = {
    "a tenant's stack file": (changing("stacks/Pulumi.tenant-bank-bcee.yaml"), {"tenant-bank-bcee"}),
    "the platform's stack file (its tenants read it)": (
        changing("stacks/Pulumi.platform.yaml"),
        {"platform", "tenant-bank-bcee", "tenant-chu-liege"},
    ),
    "the bootstrap's stack file": (changing("stacks/Pulumi.bootstrap.yaml"), {"bootstrap"}),
    "the program": (changing("infra/programs/tenant.py"), EVERY),
    "the entry point": (changing("__main__.py"), EVERY),
    "a component": (changing("components/tenant.py"), EVERY),
    "the model": (changing("model/config/common.py"), EVERY),
    "the catalogue": (changing("policies/federation_catalogue/federation.yaml"), EVERY),
    "the dependency lock": (changing("requirements.txt", "\n"), EVERY),
    "the pack's lock": (changing("policies/requirements.txt", "\n"), EVERY),
    "a policy rule": (changing("policies/sovereign_rules/routing.py"), EVERY),
    "the project file": (changing("Pulumi.yaml"), EVERY),
    "a new module of the program": (lambda s: (s.root / "components" / "extra.py").write_text("X = 1\n"), EVERY),
}


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    return Scratch.make(tmp_path, STACKS)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_kind_of_input_changes_the_key_of_exactly_the_stacks_that_read_it(scratch: Scratch, change: str) -> None:
    edit, expected = CHANGES[change]
    before = keys(scratch)
    edit(scratch)
    after = keys(scratch)
    assert {stack for stack in before if before[stack] != after[stack]} == expected


def test_files_no_stack_reads_change_no_key(scratch: Scratch) -> None:
    before = keys(scratch)
    (scratch.root / "README.md").write_text("notes\n", encoding="utf-8")
    (scratch.root / "policies" / "venv").mkdir()
    (scratch.root / "policies" / "venv" / "installed.py").write_text("X = 1\n", encoding="utf-8")
    (scratch.root / "components" / "__pycache__").mkdir(exist_ok=True)
    (scratch.root / "components" / "__pycache__" / "tenant.cpython-311.pyc").write_bytes(b"\0")
    assert keys(scratch) == before


def test_the_pack_config_and_running_without_policies_are_inputs(scratch: Scratch) -> None:
    config = scratch.root / "pack-config.json"
    config.write_text('{"all": "mandatory"}', encoding="utf-8")
    plain, configured = keys(scratch), keys(scratch, config)
    assert all(plain[s] != configured[s] for s in STACKS)
    config.write_text('{"all": "advisory"}', encoding="utf-8")
    assert all(configured[s] != keys(scratch, config)[s] for s in STACKS)
    assert all(plain[s] != keys(scratch, policies=False)[s] for s in STACKS)


def test_a_rerun_checks_again_exactly_the_stacks_whose_inputs_changed(scratch: Scratch) -> None:
    first = scratch.check()
    assert sorted(scratch.ran) == sorted(STACKS)
    again = scratch.check()
    assert scratch.ran == []
    assert [stack_to_dict(s) for s in again.stacks] == [stack_to_dict(s) for s in first.stacks]
    assert any("4 of 4 stack results reused" in note for note in again.notes)

    scratch.edit_stack("tenant-bank-bcee", "description", "another bank")
    edited = scratch.check()
    assert scratch.ran == ["tenant-bank-bcee"]
    (bank,) = [s for s in edited.stacks if s.stack == "tenant-bank-bcee"]
    assert any(r.inputs.get("description") == "another bank" for r in bank.resources)

    scratch.append("stacks/Pulumi.platform.yaml", COMMENT)
    scratch.check()
    assert sorted(scratch.ran) == ["platform", "tenant-bank-bcee", "tenant-chu-liege"]

    scratch.check(use_cache=False)
    assert sorted(scratch.ran) == sorted(STACKS)
