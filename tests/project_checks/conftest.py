"""A scratch project (Pulumi.yaml, one stack file, optional README) that each test breaks one way."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue import load_catalogue

from sovcloud.project_checks import check_project
from sovcloud.results import Finding
from tests.conftest import ROOT

STACK = "stacks/Pulumi.sample.yaml"
CLEAN_STACK: dict[str, Any] = {
    "secretsprovider": "passphrase",
    "encryptionsalt": "v1:ExK+0qi4Jwg=:v1:wnNUfh81mhnFc4ln:CLmSJpeVjEHUkcWgjak8zVgiF570rQ==",
    "config": {
        "sovcloud:kind": "tenant",
        "sovcloud:tenant": {
            "name": "sample",
            "identity": "https://keystone.eu-lu-1.sov.internal:5000/v3",
            "mirror": "https://images.eu-be-1.sov.internal/ubuntu/noble.img",
            "registry": "registry.eu-lu-1.sov.internal/finance/portal:1.4.2",
            "charts": "oci://registry.eu-be-1.sov.internal/charts",
            "dnsServer": "10.64.0.53",
            "transit": {"ipv4": "10.127.0.16", "ipv6": "fd5e:c10d:a000:f000::1:10"},
            "ranges": ["10.80.0.0/22", "fd5e:c10d:a000:1800::/64"],
            "database": {
                "user": "ledger",
                "password": {"secure": "v1:wnNUfh81mhnFc4ln:CLmSJpeVjEHUkcWgjak8zVgiF570rQ=="},
                "passwordFile": "/run/secrets/ledger",
                "tokenTtl": 3600,
                "ssl": True,
            },
            "sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFh0b3BzZWNyZXRub3RyZWFsbHlqdXN0cHVibGlj ops@be",
            "keyName": "operations",
            "upstreamSource": "https://cloud-images.ubuntu.com/noble/20261101/noble-server-cloudimg-amd64.img",
            "image": "ubuntu/noble/20261101/noble-server-cloudimg-amd64.img",
            "description": "Ministère des Finances: tax and treasury services",
            "quota": {"requests.cpu": "16", "limits.memory": "64Gi"},
        },
    },
}


class Scratch:
    """The project under test: write its files, then run the checks on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
        (root / "stacks").mkdir()
        self.write_stack(copy.deepcopy(CLEAN_STACK))

    def project(self) -> dict[str, Any]:
        loaded: dict[str, Any] = yaml.safe_load((self.root / "Pulumi.yaml").read_text(encoding="utf-8"))
        return loaded

    def write_project(self, document: dict[str, Any]) -> None:
        (self.root / "Pulumi.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    def write_stack(self, document: dict[str, Any]) -> None:
        (self.root / STACK).write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")

    def write_readme(self, text: str) -> None:
        (self.root / "README.md").write_text(text, encoding="utf-8")

    def check(self) -> list[Finding]:
        return check_project(self.root, [self.root / STACK], load_catalogue())


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    return Scratch(tmp_path)


Mutation = Callable[[dict[str, Any]], None]


def clean_stack() -> dict[str, Any]:
    return copy.deepcopy(CLEAN_STACK)


def tenant(document: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = document["config"]["sovcloud:tenant"]
    return body
