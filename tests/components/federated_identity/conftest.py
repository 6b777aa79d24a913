"""Fixtures of the identity-federation tests: a fake Keystone on loopback, and declaring
components under the mock runtime with every registration recorded (parents, providers, deps)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from sovcloud.engine.preview_mocks import PreviewMocks
from sovcloud.engine.recording import RecordingMonitor, Registration

sys.path.insert(0, str(Path(__file__).parent))
from fake_keystone import REGION, FakeKeystone

CLOUD = "sovcloud-test"


@pytest.fixture
def keystone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKeystone]:
    """A fake Keystone, and a clouds.yaml entry `sovcloud-test` (application credential) reaching it."""
    fake = FakeKeystone().start()
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        f"""clouds:
  {CLOUD}:
    auth_type: v3applicationcredential
    auth:
      auth_url: {fake.auth_url}
      application_credential_id: federation-admin
      application_credential_secret: not-a-real-secret
    region_name: {REGION}
    interface: internal
    identity_api_version: 3
  elsewhere:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example.invalid:5000/v3
      application_credential_id: x
      application_credential_secret: y
    region_name: {REGION}
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    for variable in ("OS_CLOUD", "OS_AUTH_URL", "OS_CLIENT_SECURE_FILE"):
        monkeypatch.delenv(variable, raising=False)
    yield fake
    fake.stop()


@pytest.fixture
def target(keystone: FakeKeystone) -> dict[str, Any]:
    """The inputs every kind shares, pointing at the fake Keystone."""
    return {"cloud": CLOUD, "auth_url": keystone.auth_url, "region": REGION}


Declare = Callable[[Callable[[], None]], list[Registration]]


@pytest.fixture
def declare() -> Iterator[Declare]:
    """Run `body` as a program under the preview mocks; return every registration it made."""

    def run(body: Callable[[], None]) -> list[Registration]:
        mocks = PreviewMocks()
        monitor = RecordingMonitor(mocks)
        pulumi.runtime.set_mocks(mocks, project="sovcloud", stack="test", preview=True, monitor=monitor)
        runtime_settings.ROOT.set(None)
        runtime_settings.SETTINGS.rpc_manager.clear()
        runtime_settings.SETTINGS.outputs.clear()
        _sync_await(run_in_stack(body))
        return list(monitor.registrations)

    yield run
    pulumi.runtime.set_all_config({})


def by_type(registrations: list[Registration], type_token: str) -> list[Registration]:
    return [r for r in registrations if r.type == type_token]


def dynamic_of_kind(registrations: list[Registration], kind: str) -> list[Registration]:
    return [r for r in registrations if r.type == "pulumi-python:dynamic:Resource" and r.inputs.get("kind") == kind]
