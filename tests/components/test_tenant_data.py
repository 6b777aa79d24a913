"""Where a tenant's data and its copies live, and what its pods may reach, in every bundled tenant stack."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import pytest
from federation_catalogue import Catalogue
from pulumi.runtime.sync_await import _sync_await

from components.tenant_storage import sync_target
from infra.stack_kinds import parse_stack_config
from model.config.loader import read_stack_file
from model.config.tenant import ENCRYPTED_VOLUME_TYPES, TenantConfig
from tests.conftest import ROOT, OfflineStack, RunDocument, read_stack_document

PLATFORM_STACK = "organization/sovcloud/platform"
RunTenant = Callable[[str], OfflineStack]
TENANT_STACKS = sorted(p.stem.removeprefix("Pulumi.") for p in (ROOT / "stacks").glob("Pulumi.tenant-*.yaml"))
VOLUME = "openstack:blockstorage/volume:Volume"
CONTAINER = "openstack:objectstorage/container:Container"


def config_of(stack: str) -> TenantConfig:
    path = ROOT / "stacks" / f"Pulumi.{stack}.yaml"
    model = parse_stack_config(read_stack_file(path), str(path)).model
    assert isinstance(model, TenantConfig)
    return model


@pytest.fixture(scope="module")
def cache() -> dict[str, OfflineStack]:
    return {}


@pytest.fixture
def run(run_document: RunDocument, platform_run: OfflineStack, cache: dict[str, OfflineStack]) -> RunTenant:
    def go(stack: str) -> OfflineStack:
        if stack not in cache:
            cache[stack] = run_document(stack, read_stack_document(stack), {PLATFORM_STACK: platform_run.run.outputs})
            assert cache[stack].run.error is None, cache[stack].run.error
        return cache[stack]

    return go


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_volumes_are_encrypted_in_the_active_site_with_their_copy_in_the_partner(
    stack: str,
    run: RunTenant,
    catalogue: Catalogue,
) -> None:
    config, result = config_of(stack), run(stack)
    active = config.active_site(catalogue)
    partner = config.other_site(active)
    volumes = result.of_type(VOLUME)
    assert all(v.inputs["volumeType"] in ENCRYPTED_VOLUME_TYPES for v in volumes)
    for volume in config.volumes:
        name = f"{config.name}-{volume.name}"
        placed = {v.site: v for v in volumes if v.inputs["name"] == name}
        assert placed[active].inputs["metadata"]["sovcloud.eu/protection"] == volume.protection
        assert placed[active].inputs["size"] == volume.size_gb
        if volume.protection == "replica":
            assert (
                placed[partner]
                .inputs["metadata"]["sovcloud.eu/replica-of"]
                .startswith(catalogue.site(active).region + "/")
            )
        else:
            backups = [
                c for c in result.of_type(CONTAINER) if c.site == partner and "volume-backups" in c.inputs["name"]
            ]
            assert backups and backups[0].inputs["metadata"]["sovcloud-backups-of"] == catalogue.site(active).region


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_containers_sync_from_the_active_site_to_the_partner_with_a_shared_generated_key(
    stack: str,
    run: RunTenant,
    catalogue: Catalogue,
) -> None:
    config, result = config_of(stack), run(stack)
    active = config.active_site(catalogue)
    passwords = {r.urn for r in result.of_type("random:index/randomPassword:RandomPassword")}
    for container in config.object_storage.containers:
        twins = {c.site: c for c in result.of_type(CONTAINER) if c.inputs["name"] == f"{config.name}-{container.name}"}
        assert set(twins) == {"lu", "be"}
        assert "containerSyncTo" in twins[active].inputs
        assert all("containerSyncTo" not in c.inputs for site, c in twins.items() if site != active)
        keys = [set(c.property_dependencies.get("containerSyncKey", ())) for c in twins.values()]
        assert keys[0] == keys[1] and len(keys[0] & passwords) == 1  # one generated key, never in a stack file


def test_the_sync_target_is_the_partner_sites_object_storage_endpoint(catalogue: Catalogue) -> None:
    target = _sync_await(sync_target(catalogue.site("be"), "0123abcd", "min-finance-tax-documents").future())
    assert target == "https://swift.eu-be-1.sov.internal/v1/AUTH_0123abcd/min-finance-tax-documents"


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_pods_may_reach_only_the_tenant_and_named_platform_services(
    stack: str,
    run: RunTenant,
    catalogue: Catalogue,
) -> None:
    config, result = config_of(stack), run(stack)
    policies = result.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    if not config.kubernetes.enabled:
        assert not policies
        return
    own = [net for site in config.sites.values() for net in (site.ipv4, site.ipv6)]
    by_site: dict[str | None, set[str]] = {}
    for policy in policies:
        by_site.setdefault(policy.site, set()).add(policy.inputs["metadata"]["name"])
        spec = policy.inputs["spec"]
        assert "ingress" not in spec or spec["ingress"] == [{"from": [{"podSelector": {}}]}]
        site = catalogue.site(policy.site or "")
        services = [net for name in config.services for net in site.services[name].networks()]
        for rule in spec.get("egress", []):
            for peer in rule.get("to", []):
                if "ipBlock" in peer:
                    cidr = ipaddress.ip_network(peer["ipBlock"]["cidr"])
                    assert "except" not in peer["ipBlock"]
                    assert cidr in own or cidr in services
    for names in by_site.values():
        assert {"default-deny", "allow-dns", "allow-same-namespace", "allow-tenant-and-platform-services"} <= names
    assert set(by_site) == {"lu", "be"}
