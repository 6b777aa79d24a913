"""`sovcloud tenant new`: a fourth tenant that validates and runs, and refusals that write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from federation_catalogue import Catalogue
from typer.testing import CliRunner

from infra.stack_kinds import parse_stack_config
from model.config.loader import read_stack_file
from model.config.tenant import TenantConfig
from sovcloud.commands import tenant as tenant_command
from sovcloud.fleet_checks import subnet_overlaps
from sovcloud.passphrase import passphrase_matches
from sovcloud.results import StackResult
from tests.conftest import ROOT, OfflineStack, RunDocument

PLATFORM_STACK = "organization/sovcloud/platform"


@pytest.fixture
def stacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of the bundled stacks; no passphrase in the environment unless a test sets one."""
    target = tmp_path / "stacks"
    shutil.copytree(ROOT / "stacks", target)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    return target


def snapshot(directory: Path) -> dict[str, bytes]:
    """The stack files (the lock file `tenant new` takes is not one)."""
    return {p.name: p.read_bytes() for p in sorted(directory.glob("Pulumi.*"))}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(tenant_command.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_fourth_tenant_validates_runs_on_both_sites_and_overlaps_nothing(
    stacks: Path, run_document: RunDocument, platform_run: OfflineStack, catalogue: Catalogue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "correct horse battery staple")
    code, out, err = invoke("new", "min-justice", "--primary-site", "be", "--size", "large", "--quota", "cores=200",
                            "--stacks-dir", str(stacks))  # fmt: skip
    assert code == 0, err
    path = stacks / "Pulumi.tenant-min-justice.yaml"
    assert f"wrote {path}" in out
    config = parse_stack_config(read_stack_file(path), str(path)).model
    assert isinstance(config, TenantConfig)
    assert (config.name, config.primary_site, config.quotas.cores) == ("min-justice", "be", 200)
    assert config.sites["lu"].ipv4.prefixlen == 22 and config.kubernetes.enabled
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["secretsprovider"] == "passphrase"
    assert passphrase_matches("correct horse battery staple", document["encryptionsalt"])
    assert not passphrase_matches("wrong", document["encryptionsalt"])

    result = run_document("tenant-min-justice", document, {PLATFORM_STACK: platform_run.run.outputs})
    assert result.run.error is None, result.run.error
    assert {r.site for r in result.records if r.type == "openstack:identity/project:Project"} == {"lu", "be"}
    everything = [StackResult(stack="platform", file="platform", resources=platform_run.records),
                  StackResult(stack="new", file=str(path), resources=result.records)]  # fmt: skip
    for bundled in ("tenant-min-finance", "tenant-chu-liege", "tenant-bank-bcee"):
        bundled_doc = yaml.safe_load((stacks / f"Pulumi.{bundled}.yaml").read_text(encoding="utf-8"))
        bundled_run = run_document(bundled, bundled_doc, {PLATFORM_STACK: platform_run.run.outputs})
        everything.append(StackResult(stack=bundled, file=bundled, resources=bundled_run.records))
    assert subnet_overlaps(everything, catalogue) == []


def test_without_a_passphrase_the_salt_is_left_to_pulumi_stack_init(stacks: Path) -> None:
    code, out, _ = invoke("new", "agency-x", "--size", "small", "--no-kubernetes", "--stacks-dir", str(stacks))
    assert code == 0
    document = yaml.safe_load((stacks / "Pulumi.tenant-agency-x.yaml").read_text(encoding="utf-8"))
    assert "encryptionsalt" not in document and document["secretsprovider"] == "passphrase"
    assert "pulumi stack init tenant-agency-x --secrets-provider passphrase" in out
    assert document["config"]["sovcloud:tenant"]["kubernetes"] == {"enabled": False}


def test_up_without_the_cli_says_so_plainly(stacks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sovcloud.commands.tenant.shutil.which", lambda _: None)
    code, out, _ = invoke("new", "agency-y", "--stacks-dir", str(stacks), "--up")
    assert code == 0
    assert "The Pulumi CLI is not installed" in out and "pulumi up --stack tenant-agency-y" in out


REFUSALS = [
    ("duplicate name", ["new", "chu-liege"], "already exists"),
    ("invalid name", ["new", "Bad_Name"], "invalid tenant name 'Bad_Name'"),
    ("name too short", ["new", "ab"], "invalid tenant name"),
    ("invalid size", ["new", "agency-z", "--size", "huge"], "'huge' is not one of"),
    ("unknown site", ["new", "agency-z", "--primary-site", "us"], "unknown primary site 'us'"),
    (
        "negative quota",
        ["new", "agency-z", "--quota", "cores=-1"],
        "quotas.cores: Input should be greater than or equal to 0",
    ),
    ("unknown quota", ["new", "agency-z", "--quota", "gpus=4"], "unknown quota 'gpus'"),
    ("malformed quota", ["new", "agency-z", "--quota", "cores"], "expected KEY=VALUE"),
    ("floating IPs", ["new", "agency-z", "--quota", "floatingIps=2"], "floatingIps"),
]


@pytest.mark.parametrize(("args", "fragment"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_refusals_give_one_clear_message_and_write_nothing(stacks: Path, args: list[str], fragment: str) -> None:
    before = snapshot(stacks)
    code, out, err = invoke(*args, "--stacks-dir", str(stacks))
    assert code == 2
    assert fragment in out + err, out + err
    assert snapshot(stacks) == before


def test_a_name_used_inside_another_stack_file_is_a_duplicate(stacks: Path) -> None:
    document = yaml.safe_load((stacks / "Pulumi.tenant-chu-liege.yaml").read_text(encoding="utf-8"))
    document["config"]["sovcloud:tenant"]["name"] = "quiet-one"
    (stacks / "Pulumi.tenant-renamed-file.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    before = snapshot(stacks)
    code, _, err = invoke("new", "quiet-one", "--stacks-dir", str(stacks))
    assert code == 2 and "tenant 'quiet-one' already exists in" in err and "Pulumi.tenant-renamed-file.yaml" in err
    assert snapshot(stacks) == before


def test_an_exhausted_plan_is_refused_and_nothing_written(stacks: Path) -> None:
    # a hand-made stack file that claims the whole of site be's tenant pool
    hog = {
        "config": {
            "sovcloud:kind": "tenant",
            "sovcloud:tenant": {"name": "hog", "sites": {"be": {"ipv4": "10.104.0.0/13"}}},
        }
    }
    (stacks / "Pulumi.tenant-hog.yaml").write_text(yaml.safe_dump(hog), encoding="utf-8")
    before = snapshot(stacks)
    code, _, err = invoke("new", "agency-w", "--stacks-dir", str(stacks))
    assert code == 2
    assert "address plan is exhausted" in err and "10.104.0.0/13" in err
    assert snapshot(stacks) == before


def test_a_refusal_by_validation_happens_before_writing(stacks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever slips past the command's own checks is caught by the program's validation, in memory."""
    monkeypatch.setitem(tenant_command.SIZES, tenant_command.Size.small, (29, {}, {}))  # a /29 is no tenant network
    before = snapshot(stacks)
    code, _, err = invoke("new", "agency-v", "--size", "small", "--stacks-dir", str(stacks))
    assert code == 2
    assert "sovcloud:tenant.sites.lu.ipv4" in err and "/29 is not a tenant network size" in err
    assert snapshot(stacks) == before
