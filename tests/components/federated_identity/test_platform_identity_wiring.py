"""The platform program's identity block: both sites trust the realm; the realm is declared when
`sovcloud:platform.identity` holds the Keycloak service-account client."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import Declare, by_type, dynamic_of_kind
from federation_catalogue import Catalogue

from infra.programs import platform
from model.config.platform import PlatformConfig
from tests.conftest import ROOT


def _platform_config(identity: dict[str, Any] | None) -> PlatformConfig:
    """The bundled platform config, with `identity` as given (None: no Keycloak access)."""
    with (ROOT / "stacks" / "Pulumi.platform.yaml").open(encoding="utf-8") as stream:
        raw = dict(yaml.safe_load(stream)["config"]["sovcloud:platform"])
    raw.pop("identity", None)
    if identity is not None:
        raw["identity"] = identity
    return PlatformConfig.model_validate(raw)


@pytest.mark.parametrize("identity", [None, {"clientId": "sovcloud-platform", "clientSecret": "[secret]"}])
def test_both_sites_trust_the_realm(declare: Declare, catalogue: Catalogue, identity: dict[str, Any] | None) -> None:
    regs = declare(lambda: platform.run(_platform_config(identity), catalogue))
    federations = by_type(regs, "sovcloud:keystone_federation:SiteFederation")
    assert sorted(f.name for f in federations) == ["keystone-federation-be", "keystone-federation-lu"]
    idps = dynamic_of_kind(regs, "keystone-identity-provider")
    assert {i.inputs["region"] for i in idps} == {"eu-lu-1", "eu-be-1"}
    assert {i.inputs["cloud"] for i in idps} == {"sovcloud-lu", "sovcloud-be"}
    realms = by_type(regs, "keycloak:index/realm:Realm")
    assert len(realms) == (0 if identity is None else 1)


def test_the_realm_goes_through_the_programs_keycloak_provider(declare: Declare, catalogue: Catalogue) -> None:
    config = _platform_config({"clientId": "platform-pulumi", "clientSecret": "[secret]"})
    regs = declare(lambda: platform.run(config, catalogue))
    (provider,) = by_type(regs, "pulumi:providers:keycloak")
    assert provider.inputs["clientId"] == "platform-pulumi"
    assert provider.inputs["url"] == "https://id.eu-be-1.sov.internal"
    keycloak_resources = [r for r in regs if r.type.startswith("keycloak:")]
    assert {r.provider_ref.rsplit("::", 1)[0] for r in keycloak_resources} == {provider.urn}
