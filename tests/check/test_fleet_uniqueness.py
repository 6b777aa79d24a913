"""Across every stack file in stacks/, whatever stacks are named: one tenant name, one project, one
holder per range and per link address; and a tenant checked alone previews the platform it reads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue import load_catalogue

from sovcloud.check import CheckOptions, run_check
from sovcloud.fleet_checks import UNIQUE_ALLOCATIONS, stack_file_conflicts
from sovcloud.results import Level
from tests.check.test_check_command import ROOT, edit_stack, project_copy

CATALOGUE = load_catalogue()
CLONE = "stacks/Pulumi.tenant-clone.yaml"
ORIGINAL = "stacks/Pulumi.tenant-bank-bcee.yaml"


def clone(project: Path, edit: Any = None) -> None:
    shutil.copy(project / ORIGINAL, project / CLONE)
    if edit is not None:
        edit_stack(project, "tenant-clone", lambda config: edit(config["sovcloud:tenant"]))


def new_ranges(body: dict[str, Any]) -> None:
    body["sites"]["lu"].update(ipv4="10.80.200.0/24", ipv6="fd5e:c10d:a000:18c8::/64")
    body["sites"]["be"].update(ipv4="10.104.200.0/24", ipv6="fd5e:c10d:a000:28c8::/64")


def new_everything_but_links(body: dict[str, Any]) -> None:
    new_ranges(body)
    body["name"] = "someone-else"


def conflicts(project: Path) -> dict[str, list[str]]:
    """key -> messages of the uniqueness findings about the clone."""
    found: dict[str, list[str]] = {}
    for finding in stack_file_conflicts(project / "stacks", project, CATALOGUE):
        assert finding.level is Level.MANDATORY and finding.policy == UNIQUE_ALLOCATIONS.name
        assert finding.file == CLONE, finding
        assert ORIGINAL in finding.message, finding.message  # both files named
        found.setdefault(finding.key or "", []).append(finding.message)
    return found


def test_the_bundled_stack_files_claim_nothing_twice() -> None:
    assert stack_file_conflicts(ROOT / "stacks", ROOT, CATALOGUE) == []


def test_an_exact_clone_clashes_on_name_project_ranges_and_link_addresses(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    clone(project)
    found = conflicts(project)
    assert any(m.startswith("tenant name bank-bcee") for m in found["sovcloud:tenant.name"])
    assert any(m.startswith("project tenant-bank-bcee") for m in found["sovcloud:tenant.name"])
    for site in ("lu", "be"):
        for version in ("ipv4", "ipv6"):
            assert f"sovcloud:tenant.sites.{site}.{version}" in found
            assert f"sovcloud:tenant.sites.{site}.transit.{version}" in found


def test_a_clone_with_new_ranges_still_clashes_on_its_name_and_link_addresses(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    clone(project, new_ranges)
    found = conflicts(project)
    assert "sovcloud:tenant.name" in found and "sovcloud:tenant.sites.lu.transit.ipv4" in found
    assert "sovcloud:tenant.sites.lu.ipv4" not in found


def test_a_clone_with_a_new_name_and_ranges_still_clashes_on_its_link_addresses(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    clone(project, new_everything_but_links)
    found = conflicts(project)
    assert set(found) == {f"sovcloud:tenant.sites.{s}.transit.{v}" for s in ("lu", "be") for v in ("ipv4", "ipv6")}


def test_a_range_inside_a_platform_network_clashes_with_the_platform_file(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    edit_stack(project, "tenant-bank-bcee", lambda c: c["sovcloud:tenant"]["sites"]["lu"].update(ipv4="10.64.0.0/24"))
    findings = stack_file_conflicts(project / "stacks", project, CATALOGUE)
    assert [f.key for f in findings] == ["sovcloud:tenant.sites.lu.ipv4"]
    assert "stacks/Pulumi.platform.yaml" in findings[0].message


@pytest.mark.parametrize("named", [["platform"], ["tenant-bank-bcee"], ["tenant-clone"]])
def test_the_check_fails_a_clone_whichever_stacks_are_named(tmp_path: Path, named: list[str]) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    clone(project)
    result = run_check(CheckOptions(project_root=project, stacks=named, policies_enabled=False))
    clashes = [f for f in result.project_findings if f.policy == UNIQUE_ALLOCATIONS.name]
    assert clashes and not result.passed
    assert UNIQUE_ALLOCATIONS.name in {p.name for p in result.policies}


def test_a_tenant_checked_alone_previews_the_platform_it_reads(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    result = run_check(CheckOptions(project_root=project, stacks=["tenant-bank-bcee"], policies_enabled=False))
    (tenant,) = [s for s in result.stacks if s.stack == "tenant-bank-bcee"]
    assert tenant.resources and result.passed, [f.message for f in result.all_findings()]


def test_a_fresh_tenant_file_without_a_salt_is_a_note_not_a_failure(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform", "tenant-bank-bcee"])
    path = project / ORIGINAL
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    del document["encryptionsalt"]
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = run_check(CheckOptions(project_root=project, stacks=["tenant-bank-bcee"], policies_enabled=False))
    (note,) = [f for f in result.project_findings if f.key == "encryptionsalt"]
    assert note.level is Level.ADVISORY and "pulumi stack init tenant-bank-bcee" in note.message
    assert result.passed


def test_a_salt_missing_beside_a_secret_value_still_blocks(tmp_path: Path) -> None:
    project = project_copy(tmp_path, ["platform"])
    path = project / "stacks" / "Pulumi.platform.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    del document["encryptionsalt"]
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = run_check(CheckOptions(project_root=project, stacks=["platform"], policies_enabled=False))
    (finding,) = [f for f in result.project_findings if f.key == "encryptionsalt"]
    assert finding.level is Level.MANDATORY
