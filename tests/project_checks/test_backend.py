"""Pulumi.yaml's backend: the federation's state container, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from tests.project_checks.conftest import Scratch

GOOD = "s3://sovcloud-state?endpoint=https://swift.eu-be-1.sov.internal&region=eu-be-1&s3ForcePathStyle=true"

BROKEN: list[tuple[str, Any]] = [
    ("no backend at all: the stored login or Pulumi Cloud", None),
    ("an empty URL", ""),
    ("Pulumi Cloud's API", "https://api.pulumi.com"),
    ("Pulumi Cloud's console", "https://app.pulumi.com/sovcloud"),
    ("a self-hosted Pulumi Cloud API", "https://pulumi.eu-be-1.sov.internal"),
    ("a local disk", "file://~"),
    ("Azure blob storage", "azblob://sovcloud-state"),
    ("Google Cloud Storage", "gs://sovcloud-state"),
    ("a PostgreSQL backend", "postgres://pulumi@db.example.com/state"),
    ("AWS S3 itself (no endpoint)", "s3://sovcloud-state?region=eu-west-1"),
    ("an S3 service on the internet", "s3://sovcloud-state?endpoint=https://s3.example.com"),
    ("a look-alike endpoint", "s3://sovcloud-state?endpoint=https://swift.eu-be-1.sov.internal.evil.example"),
    ("the replica site's storage", "s3://sovcloud-state?endpoint=https://swift.eu-lu-1.sov.internal"),
    ("an endpoint without TLS", "s3://sovcloud-state?endpoint=http://swift.eu-be-1.sov.internal"),
    ("TLS turned off", "s3://sovcloud-state?endpoint=swift.eu-be-1.sov.internal&disableSSL=true"),
    ("another bucket", "s3://scratch?endpoint=https://swift.eu-be-1.sov.internal"),
]


@pytest.mark.parametrize("url", [c[1] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_a_backend_outside_the_federation_is_one_finding_on_backend_url(scratch: Scratch, url: Any) -> None:
    project = scratch.project()
    if url is None:
        project.pop("backend")
    else:
        project["backend"] = {"url": url}
    scratch.write_project(project)
    findings = scratch.check()
    assert [(f.policy, f.file, f.key) for f in findings] == [
        ("state-backend-in-federation", "Pulumi.yaml", "backend.url")
    ]
    assert findings[0].blocking
    assert GOOD.split("&s3Force", 1)[0] in findings[0].message  # says what would be valid


@pytest.mark.parametrize(
    "url",
    [
        GOOD,
        "s3://sovcloud-state?endpoint=swift.eu-be-1.sov.internal&s3ForcePathStyle=true&region=eu-be-1",
        "s3://sovcloud-state/sovcloud?endpoint=https://swift.eu-be-1.sov.internal&use_path_style=true",
    ],
)
def test_the_federation_backend_in_its_accepted_spellings_passes(scratch: Scratch, url: str) -> None:
    project = scratch.project()
    project["backend"] = {"url": url}
    scratch.write_project(project)
    assert scratch.check() == []


def test_project_level_config_defaults_are_checked_too(scratch: Scratch) -> None:
    project = scratch.project()
    project["config"] = {"adminPassword": {"type": "string", "default": "letmein"}}
    scratch.write_project(project)
    findings = scratch.check()
    assert [(f.policy, f.file, f.key) for f in findings] == [
        ("no-plaintext-credential", "Pulumi.yaml", "config.adminPassword.default")
    ]
