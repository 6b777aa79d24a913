"""What every bundled tenant stack declares, run offline through the real program (infra/__main__.py)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path

import pytest
from federation_catalogue import Catalogue
from pulumi.runtime.rpc import UNKNOWN

from infra.stack_kinds import parse_stack_config
from model.config.loader import read_stack_file
from model.config.tenant import TenantConfig
from sovcloud.fleet_checks import subnet_overlaps
from sovcloud.results import StackResult
from tests.conftest import ROOT, OfflineStack, RunDocument, read_stack_document

PLATFORM_STACK = "organization/sovcloud/platform"
RunTenant = Callable[[str], OfflineStack]
TENANT_STACKS = sorted(
    p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.tenant-*.yaml")
)
STATEFUL = (
    "openstack:identity/project:Project",
    "openstack:blockstorage/volume:Volume",
    "openstack:objectstorage/container:Container",
)
Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def tenant_config(stack: str) -> TenantConfig:
    path = ROOT / "stacks" / f"Pulumi.{stack}.yaml"
    model = parse_stack_config(read_stack_file(path), str(path)).model
    assert isinstance(model, TenantConfig)
    return model


@pytest.fixture(scope="module")
def tenant_runs(request: pytest.FixtureRequest) -> dict[str, OfflineStack]:
    return {}


@pytest.fixture
def run_tenant(
    run_document: RunDocument, platform_run: OfflineStack, tenant_runs: dict[str, OfflineStack]
) -> RunTenant:
    """Run a bundled tenant stack (once per module) with the platform stack's exports."""

    def run(stack: str) -> OfflineStack:
        if stack not in tenant_runs:
            result = run_document(stack, read_stack_document(stack), {PLATFORM_STACK: platform_run.run.outputs})
            assert result.run.error is None, result.run.error
            tenant_runs[stack] = result
        return tenant_runs[stack]

    return run


def tenant_ranges(config: TenantConfig) -> list[Net]:
    return [net for site in config.sites.values() for net in (site.ipv4, site.ipv6)]


def test_there_are_at_least_three_tenant_stacks_of_different_shapes() -> None:
    configs = [tenant_config(stack) for stack in TENANT_STACKS]
    assert len(configs) >= 3
    assert {c.primary_site for c in configs} == {"lu", "be"}
    assert len({c.sites["lu"].ipv4.prefixlen for c in configs}) >= 3  # small, medium, large
    assert any(c.kubernetes.workloads for c in configs) and any(not c.kubernetes.enabled for c in configs)


CLOUD_PACKAGES = (":openstack", ":kubernetes", ":keycloak")


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_declares_resources_on_both_sites_through_each_sites_own_provider(
    stack: str,
    run_tenant: RunTenant,
    catalogue: Catalogue,
) -> None:
    result: OfflineStack = run_tenant(stack)
    providers = {r.urn: r for r in result.records if r.type.startswith("pulumi:providers:")}
    cloud_defaults = [urn for urn in providers if "::default" in urn and urn.split("::")[2].endswith(CLOUD_PACKAGES)]
    assert not cloud_defaults, "a default cloud provider"
    cloud = [r for r in result.records if r.custom and r.type.startswith(("openstack:", "kubernetes:"))]
    assert {r.site for r in cloud} == {"lu", "be"}
    for record in cloud:
        provider = providers[record.provider or ""]
        assert provider.site == record.site
        assert provider.type == f"pulumi:providers:{record.type.split(':', 1)[0]}"
        if provider.type == "pulumi:providers:openstack":
            site = catalogue.site(record.site or "")
            assert provider.inputs["region"] == site.region
            assert provider.inputs["authUrl"] == str(site.identity_endpoint)
    for site_key in ("lu", "be"):
        on_site = {r.type for r in cloud if r.site == site_key}
        for kind in ("identity/project:Project", "networking/network:Network", "networking/router:Router",
                     "networking/secGroup:SecGroup", "networking/subnet:Subnet"):  # fmt: skip
            assert f"openstack:{kind}" in on_site, (site_key, kind)


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_nothing_external_no_gateway_no_default_security_group(stack: str, run_tenant: RunTenant) -> None:
    result: OfflineStack = run_tenant(stack)
    for network in result.of_type("openstack:networking/network:Network"):
        assert network.inputs["external"] is False and network.inputs["shared"] is False
    for router in result.of_type("openstack:networking/router:Router"):
        assert not {"externalNetworkId", "externalFixedIps", "externalSubnetIds", "enableSnat"} & set(router.inputs)
    for port in result.of_type("openstack:networking/port:Port"):
        assert port.inputs["portSecurityEnabled"] is True
        assert port.inputs.get("noSecurityGroups") is True or port.inputs.get("securityGroupIds")
    for instance in result.of_type("openstack:compute/instance:Instance"):
        assert "default" not in instance.inputs.get("securityGroups", [])
        assert instance.inputs["networks"] and all("port" in n for n in instance.inputs["networks"])
    assert not result.of_type("openstack:networking/floatingIp:FloatingIp")


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_security_groups_delete_defaults_and_allow_only_the_plan(
    stack: str,
    run_tenant: RunTenant,
    catalogue: Catalogue,
) -> None:
    result: OfflineStack = run_tenant(stack)
    config = tenant_config(stack)
    groups = result.of_type("openstack:networking/secGroup:SecGroup")
    assert groups and all(g.inputs["deleteDefaultRules"] is True for g in groups)
    own = tenant_ranges(config)
    for rule in result.of_type("openstack:networking/secGroupRule:SecGroupRule"):
        prefix = ipaddress.ip_network(rule.inputs["remoteIpPrefix"])
        site = catalogue.site(rule.site or "")
        services = [net for name in config.services for net in site.services[name].networks()]
        if rule.inputs["direction"] == "ingress":
            assert prefix in own, rule.name
        else:
            assert prefix in own or prefix in services, rule.name
        if prefix in services:
            assert (
                rule.inputs["protocol"] in ("tcp", "udp") and rule.inputs["portRangeMin"] == rule.inputs["portRangeMax"]
            )


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_routes_lead_only_to_the_tenants_own_ranges_and_platform_services_via_the_border(
    stack: str,
    run_tenant: RunTenant,
    catalogue: Catalogue,
) -> None:
    result: OfflineStack = run_tenant(stack)
    config = tenant_config(stack)
    for route in result.of_type("openstack:networking/routerRoute:RouterRoute"):
        site = catalogue.site(route.site or "")
        destination = ipaddress.ip_network(route.inputs["destinationCidr"])
        hop = ipaddress.ip_address(route.inputs["nextHop"])
        ours, theirs = config.sites[site.key], config.sites[config.other_site(site.key)]
        own_link = ours.transit.ipv4 if hop.version == 4 else ours.transit.ipv6
        services = [net for name in config.services for net in site.services[name].networks()]
        if destination in (theirs.ipv4, theirs.ipv6) or destination in services:
            # tenant router -> the border router's address in the tenant's own link block (on-link)
            assert hop == site.tenant_links.border_address(own_link)
        else:  # the border router's way back to the tenant
            assert destination in (ours.ipv4, ours.ipv6) and hop == own_link


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_stateful_resources_are_protected_and_retained(stack: str, run_tenant: RunTenant) -> None:
    result: OfflineStack = run_tenant(stack)
    stateful = [r for r in result.records if r.type in STATEFUL]
    assert {r.site for r in stateful} == {"lu", "be"}
    for record in stateful:
        assert record.protect and record.retain_on_delete, record.name


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_only_the_tenants_groups_and_the_operations_partner_get_roles(
    stack: str,
    run_tenant: RunTenant,
    catalogue: Catalogue,
) -> None:
    result: OfflineStack = run_tenant(stack)
    config = tenant_config(stack)
    tenant_groups = {f"tenant-{config.name}-{g.name}" for g in config.groups}
    assert {g.inputs["name"] for g in result.of_type("openstack:identity/groupV3:GroupV3")} == tenant_groups
    partner_group_ids = {
        r.inputs["groupId"] for r in result.of_type("openstack:identity/roleAssignment:RoleAssignment")
    }
    partner_group_ids -= {"", UNKNOWN}  # IDs of the tenant's own groups are unknown during preview
    assert partner_group_ids == {"operations-operators-id"}  # never hosting-operators, never the vendor
    allowed = set(catalogue.tenant_roles) | set(catalogue.partners["operations"].tenant_project_roles)
    roles = {
        r.inputs["roleId"].removesuffix("-id")
        for r in result.of_type("openstack:identity/roleAssignment:RoleAssignment")
    }
    assert roles <= allowed


@pytest.mark.parametrize("stack", TENANT_STACKS)
def test_workloads_are_pinned_to_their_site_and_pull_from_its_registry(
    stack: str,
    run_tenant: RunTenant,
    catalogue: Catalogue,
) -> None:
    result: OfflineStack = run_tenant(stack)
    for deployment in result.of_type("kubernetes:apps/v1:Deployment"):
        site = catalogue.site(deployment.site or "")
        pod = deployment.inputs["spec"]["template"]["spec"]
        terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        assert terms == [
            {"matchExpressions": [{"key": "topology.kubernetes.io/region", "operator": "In", "values": [site.region]}]}
        ]
        assert pod["hostNetwork"] is False
        for container in pod["containers"]:
            assert container["image"].startswith(site.container_registry + "/")
            context = container["securityContext"]
            assert context["runAsNonRoot"] and not context["allowPrivilegeEscalation"]
            assert context["capabilities"] == {"drop": ["ALL"]}
    for namespace in result.of_type("kubernetes:core/v1:Namespace"):
        assert namespace.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_no_two_subnets_of_any_two_stacks_overlap(
    run_tenant: RunTenant,
    platform_run: OfflineStack,
    catalogue: Catalogue,
) -> None:
    results = [StackResult(stack="platform", file="stacks/Pulumi.platform.yaml", resources=platform_run.records)]
    for stack in TENANT_STACKS:
        results.append(
            StackResult(stack=stack, file=f"stacks/Pulumi.{stack}.yaml", resources=run_tenant(stack).records)
        )
    assert subnet_overlaps(results, catalogue) == []
    cidrs = [
        ipaddress.ip_network(r.inputs["cidr"])
        for result in results
        for r in result.resources
        if r.type == "openstack:networking/subnet:Subnet"
    ]
    assert len(cidrs) >= 12 + 4 * len(TENANT_STACKS)  # platform networks + 2 subnets per tenant and site
    # the self-check above must be able to fail: an overlapping copy is caught
    clash = StackResult(stack="clash", file="stacks/Pulumi.clash.yaml", resources=run_tenant(TENANT_STACKS[0]).records)
    assert subnet_overlaps([*results, clash], catalogue)


def test_stack_files_hold_no_plaintext_secret_and_use_the_passphrase_provider() -> None:
    for stack in TENANT_STACKS:
        text = Path(ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8")
        document = read_stack_document(stack)
        assert document["secretsprovider"] == "passphrase"
        assert document["encryptionsalt"].startswith("v1:")
        for word in ("password", "secret:", "token", "applicationCredentialSecret"):
            assert word not in text
