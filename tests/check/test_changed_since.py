"""`--changed-since REF`: the stacks a change touches (and their readers) are checked, each with
what the change does to it; everything else is listed as unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovcloud.changes import GitError
from tests.check.scratch import Scratch

STACKS = ["platform", "tenant-bank-bcee", "tenant-chu-liege", "bootstrap"]


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    return Scratch.make(tmp_path, STACKS)


def test_nothing_changed_checks_nothing(scratch: Scratch) -> None:
    result = scratch.check(changed_since="main")
    assert result.stacks == [] and scratch.ran == []
    assert result.base_ref == "main"
    assert sorted(result.unchecked) == sorted(STACKS)


def test_a_tenant_edit_is_checked_alone_with_what_it_changes(scratch: Scratch) -> None:
    scratch.edit_stack("tenant-bank-bcee", "description", "another bank")
    result = scratch.check(changed_since="main")
    assert scratch.ran == ["tenant-bank-bcee"]  # the platform it reads is unchanged: reused or previewed alone
    (bank,) = result.stacks
    assert bank.change is not None
    assert bank.change.inputs == ("stacks/Pulumi.tenant-bank-bcee.yaml",)
    assert bank.change.added == () and bank.change.removed == ()
    assert bank.change.changed and {r.inputs for r in bank.change.changed} == {("description",)}
    assert sorted(result.unchecked) == ["bootstrap", "platform", "tenant-chu-liege"]


def test_a_platform_edit_checks_its_readers_too(scratch: Scratch) -> None:
    scratch.append("stacks/Pulumi.platform.yaml", "\n# changed\n")
    result = scratch.check(changed_since="main")
    assert [s.stack for s in result.stacks] == ["platform", "tenant-bank-bcee", "tenant-chu-liege"]
    tenant = result.stacks[1].change
    assert tenant is not None and "the exports of platform" in tenant.inputs[0]
    assert all(s.change is not None and not s.change.added and not s.change.removed for s in result.stacks)
    assert result.unchecked == ["bootstrap"]


def test_a_code_change_checks_every_stack(scratch: Scratch) -> None:
    scratch.append("components/tenant.py", "\n# changed\n")
    result = scratch.check(changed_since="main")
    assert sorted(s.stack for s in result.stacks) == sorted(STACKS)
    assert all(s.change is not None and s.change.inputs == ("components/tenant.py",) for s in result.stacks)


def test_a_new_stack_is_all_added(scratch: Scratch) -> None:
    source = scratch.root / "stacks" / "Pulumi.tenant-chu-liege.yaml"
    (scratch.root / "stacks" / "Pulumi.tenant-copy.yaml").write_text(source.read_text(encoding="utf-8"))
    result = scratch.check(changed_since="main")
    (copy,) = result.stacks
    assert copy.stack == "tenant-copy" and copy.change is not None and copy.change.new_stack


def test_an_unknown_ref_is_one_clear_error(scratch: Scratch) -> None:
    with pytest.raises(GitError, match="no-such-ref"):
        scratch.check(changed_since="no-such-ref")
