"""The clean scratch project and the repository itself pass; the project file is a valid Pulumi.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from federation_catalogue import Catalogue, load_catalogue

from sovcloud.project_checks import check_project
from sovcloud.project_checks.backend import backend_problem
from sovcloud.results.builtin_policies import PROJECT
from tests.conftest import ROOT
from tests.project_checks.conftest import Scratch

SCHEMA = Path(__file__).with_name("data") / "pulumi-project.schema.json"


def test_clean_scratch_project_has_no_finding(scratch: Scratch) -> None:
    assert scratch.check() == []


def test_the_repository_passes_every_project_check() -> None:
    stacks = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
    assert (ROOT / "stacks" / "Pulumi.bootstrap.yaml") in stacks
    findings = check_project(ROOT, stacks, load_catalogue())
    assert findings == [], "\n".join(f"{f.file}: {f.key}: {f.message}" for f in findings)


def test_pulumi_yaml_is_valid_against_the_project_schema_and_keeps_its_keys() -> None:
    document = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["name"] == "sovcloud"
    assert "main" not in document and (ROOT / "__main__.py").is_file()  # the program directory is the root
    assert document["stackConfigDir"] == "stacks"
    assert document["runtime"]["name"] == "python"


def test_pulumi_yaml_backend_is_the_catalogue_state_backend(catalogue: Catalogue) -> None:
    url = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))["backend"]["url"]
    assert backend_problem(url, catalogue) is None
    state = catalogue.state_backend
    assert url.startswith(f"s3://{state.bucket}?")
    assert f"endpoint={str(catalogue.site(state.site).object_storage_endpoint).rstrip('/')}" in url


def test_schema_copy_is_the_shared_one_when_shared_is_there() -> None:
    shared = ROOT.parent / "shared" / "schemas" / "pulumi-project.schema.json"
    if shared.is_file():
        assert json.loads(shared.read_text(encoding="utf-8")) == json.loads(SCHEMA.read_text(encoding="utf-8"))


def test_rules_are_listed_like_policies() -> None:
    policies = PROJECT
    names = [p.name for p in policies]
    assert len(names) == len(set(names)) == 6
    for policy in policies:
        assert policy.enforcement_level == "mandatory"
        assert policy.tags in (("secrets",), ("state",))
        assert policy.framework is not None and policy.framework.reference == "19.2.d"
        assert policy.description and policy.remediation_steps
