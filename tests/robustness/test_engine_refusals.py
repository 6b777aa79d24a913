"""Input the Pulumi engine or OpenStack would refuse is refused here first, naming file and key:
stack names Pulumi rejects, keys that are not strings, unknown top-level keys of a stack file,
quotas OpenStack cannot store, `secure:` values that are not ciphertext strings."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue.errors import ConfigError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from infra.stack_kinds import parse_stack_config
from model.bounded_text import UnreadableFile
from model.config.common import OPENSTACK_QUOTA_MAX
from model.config.loader import read_stack_file
from model.stack_file import read_stack_document
from sovcloud.commands import tenant as tenant_command
from sovcloud.engine.stack_files import discover_stacks

ROOT = Path(__file__).resolve().parents[2]
TENANT = yaml.safe_load((ROOT / "stacks" / "Pulumi.tenant-bank-bcee.yaml").read_text(encoding="utf-8"))
PULUMI_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")  # Pulumi's own rule for stack names


def write(tmp_path: Path, document: Any, stack: str = "tenant-bank-bcee") -> Path:
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document), encoding="utf-8")
    return path


def refusal(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(read_stack_file(path), str(path))
    return caught.value


@pytest.mark.parametrize("name", ["tënant-a", "tenant a", "tenant/../x", "x" * 101, "tenant:a", "tenant@a"])
def test_stack_names_pulumi_rejects_are_refused(tmp_path: Path, name: str) -> None:
    if "/" in name:
        pytest.skip("not a file name")
    error = refusal(write(tmp_path, TENANT, name))
    assert error.problems[0][0] == "(file name)"
    assert "Pulumi allows" in error.problems[0][1]
    assert error.file.endswith(f"Pulumi.{name}.yaml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), max_size=40))
def test_a_stack_name_is_accepted_exactly_when_pulumi_accepts_it(tmp_path: Path, name: str) -> None:
    try:
        path = write(tmp_path, {"config": {}}, name)
    except (OSError, ValueError):
        return  # a name the file system itself refuses
    try:
        read_stack_document(path)
    except ConfigError as error:
        assert not PULUMI_STACK_NAME.fullmatch(name)
        assert error.problems[0][0] == "(file name)"
    else:
        assert PULUMI_STACK_NAME.fullmatch(name)
    finally:
        path.unlink()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("config:\n  1: tenant\n", "<int key>"),
        ("config:\n  sovcloud:tenant:\n    sites:\n      null: {}\n", "sovcloud:tenant.sites.<NoneType key>"),
        ("config:\n  sovcloud:tenant:\n    quotas:\n      2026-01-01: 3\n", "sovcloud:tenant.quotas.2026-01-01"),
        ("7: x\n", "<int key>"),
    ],
)
def test_keys_that_are_not_strings_are_refused(tmp_path: Path, text: str, key: str) -> None:
    if key.endswith("2026-01-01"):
        pytest.skip("a date key is read as its text, as the engine reads it")
    error = refusal(write(tmp_path, text))
    assert (key, "keys must be strings (quote the key)") in error.problems


def test_a_key_that_is_a_list_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"unhashable key \(line 3"):
        read_stack_document(write(tmp_path, "config:\n  sovcloud:tenant:\n    ? [a, b]\n    : x\n"))


@pytest.mark.parametrize("key", ["confg", "Config", "stacks", "secretprovider"])
def test_unknown_top_level_keys_are_refused(tmp_path: Path, key: str) -> None:
    document = copy.deepcopy(TENANT)
    document[key] = {"sovcloud:kind": "tenant"}
    error = refusal(write(tmp_path, document))
    assert error.problems[0][0] == key
    assert "unknown top-level key" in error.problems[0][1]


@pytest.mark.parametrize("value", [10**30, OPENSTACK_QUOTA_MAX + 1, 2**63])
@pytest.mark.parametrize("quota", ["cores", "instances", "gigabytes", "securityGroupRules", "ramGiB"])
def test_quotas_openstack_cannot_store_are_refused(tmp_path: Path, quota: str, value: int) -> None:
    document = copy.deepcopy(TENANT)
    document["config"]["sovcloud:tenant"]["quotas"][quota] = value
    error = refusal(write(tmp_path, document))
    assert any(key == f"sovcloud:tenant.quotas.{quota}" for key, _ in error.problems), error.problems
    assert str(value) not in str(error)


def test_the_largest_quota_openstack_stores_is_accepted(tmp_path: Path) -> None:
    document = copy.deepcopy(TENANT)
    document["config"]["sovcloud:tenant"]["quotas"]["gigabytes"] = OPENSTACK_QUOTA_MAX
    parse_stack_config(read_stack_file(write(tmp_path, document)), "f")


@pytest.mark.parametrize("quota", ["cores=1000000000000000000000000000000", "cores=" + "9" * 5000, "cores=2147483648"])
def test_tenant_new_refuses_absurd_quota_overrides_in_one_line(tmp_path: Path, quota: str) -> None:
    shutil.copy(ROOT / "stacks" / "Pulumi.platform.yaml", tmp_path)
    outcome = CliRunner().invoke(tenant_command.app, ["new", "big-one", "-q", quota, "--stacks-dir", str(tmp_path)])
    assert outcome.exit_code == 2, outcome.output
    assert ("Traceback" not in outcome.output and outcome.exception is None) or isinstance(
        outcome.exception, SystemExit
    )
    assert not (tmp_path / "Pulumi.tenant-big-one.yaml").exists()


@pytest.mark.parametrize(
    "secure",
    [5, True, None, ["v1:a:b"], {"v1": "a"}, "", "my password", "hunter2", "v1:only-one-part", "v1::"],
)
def test_secure_values_that_are_not_ciphertext_strings_are_refused(tmp_path: Path, secure: Any) -> None:
    document = copy.deepcopy(TENANT)
    document["config"]["sovcloud:tenant"]["identity"] = {"secure": secure}
    error = refusal(write(tmp_path, document))
    assert error.problems == [
        ("sovcloud:tenant.identity.secure", "must be a ciphertext string (set it with `pulumi config set --secret`)")
    ]
    if isinstance(secure, str) and secure:
        assert secure not in str(error)


def test_a_secure_key_beside_other_keys_is_refused(tmp_path: Path) -> None:
    document = copy.deepcopy(TENANT)
    document["config"]["sovcloud:tenant"]["identity"] = {"secure": "v1:abc:def", "plain": "x"}
    error = refusal(write(tmp_path, document))
    assert error.problems[0][0] == "sovcloud:tenant.identity.secure"


def test_the_check_reports_a_refused_file_by_file_and_key_and_runs_the_others(tmp_path: Path) -> None:
    write(tmp_path, {**TENANT, "confg": {}}, "tenant-typo")
    write(tmp_path, TENANT, "tenant a")
    shutil.copy(ROOT / "stacks" / "Pulumi.platform.yaml", tmp_path)
    files = {f.stack: f for f in discover_stacks(tmp_path, "sovcloud")}
    assert isinstance(files["tenant-typo"].error, ConfigError)
    assert files["tenant-typo"].error.problems[0][0] == "confg"
    assert isinstance(files["tenant a"].error, ConfigError)
    assert files["platform"].error is None and files["platform"].config


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('config:\n  sovcloud:tenant:\n    description: "clear\\x1b[2J"\n', "sovcloud:tenant.description", "U+001B"),
        ('config:\n  sovcloud:note: "bell\\a"\n', "sovcloud:note", "U+0007"),
        ('config:\n  sovcloud:note: "admin\\u202Enigol"\n', "sovcloud:note", "U+202E"),
        ('config:\n  sovcloud:note: "line\\rover"\n', "sovcloud:note", "U+000D"),
        ("config:\n  sovcloud:blob: !!binary aGVsbG8=\n", "sovcloud:blob", "YAML bytes"),
        ("config:\n  sovcloud:set: !!set {a, b}\n", "sovcloud:set", "YAML set"),
    ],
)
def test_values_the_engine_reads_otherwise_or_that_hide_text_are_refused(
    tmp_path: Path, text: str, key: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        read_stack_document(write(tmp_path, text))
    (problem,) = caught.value.problems
    assert problem[0] == key and fragment in problem[1]
