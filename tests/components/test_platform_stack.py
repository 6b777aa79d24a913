"""What the platform stack declares, run offline through the real program (infra/__main__.py)."""

from __future__ import annotations

import ipaddress

from federation_catalogue import Catalogue

from model.scs import MANDATORY_FLAVORS, parse_flavor_name
from tests.conftest import OfflineStack

OS_PROVIDER = "pulumi:providers:openstack"
K8S_PROVIDER = "pulumi:providers:kubernetes"


def test_program_runs_and_declares_both_sites(platform_run: OfflineStack) -> None:
    sites = {r.site for r in platform_run.records if r.custom and not r.type.startswith("pulumi:providers:")}
    assert sites == {"lu", "be"}


def test_every_cloud_resource_goes_through_its_own_sites_explicit_provider(
    platform_run: OfflineStack, catalogue: Catalogue
) -> None:
    providers = {r.urn: r for r in platform_run.records if r.type.startswith("pulumi:providers:")}
    # Dynamic resources (Keystone federation) run in the Python dynamic provider, which is always the
    # engine's default `pulumi-python` provider; every cloud provider must be explicit.
    defaults = [urn for urn in providers if "::default" in urn and "pulumi:providers:pulumi-python" not in urn]
    assert not defaults, "a default provider was used"
    by_urn = platform_run.by_urn()
    for record in platform_run.records:
        if not record.custom or record.type.startswith(("pulumi:providers:", "pulumi-python:")):
            continue
        provider = providers[record.provider or ""]
        package = record.type.split(":", 1)[0]
        assert provider.type == f"pulumi:providers:{package}"
        # the component the resource hangs under belongs to the same site as its provider
        ancestor = record.parent
        while ancestor and ancestor in by_urn and not by_urn[ancestor].type.startswith("sovcloud:site:"):
            ancestor = by_urn[ancestor].parent
        if ancestor and ancestor in by_urn:
            assert by_urn[ancestor].name == f"site-{record.site}"


def test_openstack_providers_point_at_catalogue_region_and_identity_endpoint(
    platform_run: OfflineStack, catalogue: Catalogue
) -> None:
    providers = platform_run.of_type(OS_PROVIDER)
    assert {p.site for p in providers} == {"lu", "be"}
    for provider in providers:
        site = catalogue.site(provider.site or "")
        assert provider.inputs["region"] == site.region
        assert provider.inputs["authUrl"] == str(site.identity_endpoint)
        assert "password" not in provider.inputs and "applicationCredentialSecret" not in provider.inputs


def test_nothing_is_external_shared_or_has_a_gateway(platform_run: OfflineStack) -> None:
    for network in platform_run.of_type("openstack:networking/network:Network"):
        assert network.inputs["external"] is False
        assert network.inputs["shared"] is False
    for router in platform_run.of_type("openstack:networking/router:Router"):
        for key in ("externalNetworkId", "externalFixedIps", "externalSubnetIds", "enableSnat"):
            assert key not in router.inputs
    assert not platform_run.of_type("openstack:networking/floatingIp:FloatingIp")


def test_border_routes_reach_only_the_other_sites_ranges_via_their_border_address(
    platform_run: OfflineStack, catalogue: Catalogue
) -> None:
    routes = platform_run.of_type("openstack:networking/routerRoute:RouterRoute")
    assert len(routes) == 2 * len(catalogue.sites) * (len(catalogue.sites) - 1)
    for route in routes:
        site = catalogue.site(route.site or "")
        destination = ipaddress.ip_network(route.inputs["destinationCidr"])
        (other,) = [o for o in catalogue.other_sites(site.key) if destination in o.ranges]
        next_hop = ipaddress.ip_address(route.inputs["nextHop"])
        assert next_hop == (other.border.ipv4 if next_hop.version == 4 else other.border.ipv6)


def test_backbone_subnets_share_the_segment_but_hand_out_only_the_sites_border_address(
    platform_run: OfflineStack, catalogue: Catalogue
) -> None:
    backbone = [
        s
        for s in platform_run.of_type("openstack:networking/subnet:Subnet")
        if s.inputs["name"].startswith("interconnect")
    ]
    assert len(backbone) == 2 * len(catalogue.sites)
    for subnet in backbone:
        site = catalogue.site(subnet.site or "")
        version = int(subnet.inputs["ipVersion"])
        assert subnet.inputs["cidr"] == str(getattr(catalogue.address_plan.backbone, f"ipv{version}"))
        border = str(site.border.ipv4 if version == 4 else site.border.ipv6)
        assert subnet.inputs["allocationPools"] == [{"start": border, "end": border}]
        assert subnet.inputs["noGateway"] is True


def test_each_sites_tenant_link_network_has_one_subnet_per_block_and_the_border_on_host_one(
    platform_run: OfflineStack, catalogue: Catalogue
) -> None:
    links = [
        s
        for s in platform_run.of_type("openstack:networking/subnet:Subnet")
        if s.inputs["name"].startswith("tenant-links")
    ]
    for key, site in catalogue.sites.items():
        cidrs = sorted(s.inputs["cidr"] for s in links if s.site == key)
        assert cidrs == sorted(str(b) for b in site.tenant_links.all_blocks())
    ports = {p.inputs["name"]: p for p in platform_run.of_type("openstack:networking/port:Port")}
    for key, site in catalogue.sites.items():
        addresses = [ip["ipAddress"] for ip in ports[f"border-{key}-links"].inputs["fixedIps"]]
        assert addresses == [str(b.network_address + 1) for b in site.tenant_links.all_blocks()]


def test_platform_subnets_stay_in_the_site_platform_pool_and_use_site_dns(
    platform_run: OfflineStack, catalogue: Catalogue
) -> None:
    subnets = [
        s
        for s in platform_run.of_type("openstack:networking/subnet:Subnet")
        if not s.inputs["name"].startswith(("interconnect", "tenant-links"))
    ]
    assert len(subnets) == 12
    for subnet in subnets:
        site = catalogue.site(subnet.site or "")
        net = ipaddress.ip_network(subnet.inputs["cidr"])
        assert net.subnet_of(site.pools.platform.ipv4 if net.version == 4 else site.pools.platform.ipv6)  # type: ignore[arg-type]
        dns = site.services["dns"]
        assert subnet.inputs["dnsNameservers"] == [str((dns.ipv4 if net.version == 4 else dns.ipv6).network_address)]


def test_flavors_are_the_scs_0103_mandatory_set_exactly_sized(platform_run: OfflineStack) -> None:
    for site in ("lu", "be"):
        flavors = {
            f.inputs["name"]: f.inputs
            for f in platform_run.of_type("openstack:compute/flavor:Flavor")
            if f.site == site
        }
        assert set(MANDATORY_FLAVORS) <= set(flavors)
        assert flavors["SCS-2V-4-20s"]["vcpus"] == 2
        assert flavors["SCS-2V-4-20s"]["ram"] == 4096
        assert flavors["SCS-2V-4-20s"]["disk"] == 20
        assert flavors["SCS-2V-4-20s"]["extraSpecs"] == {
            "scs:name-v1": "SCS-2V:4:20s",
            "scs:name-v2": "SCS-2V-4-20s",
            "scs:cpu-type": "shared-core",
            "scs:disk0-type": "ssd",
        }
        assert flavors["SCS-1L-1"]["extraSpecs"]["scs:cpu-type"] == "crowded-core"
        for name, inputs in flavors.items():
            spec = parse_flavor_name(name)
            assert (inputs["vcpus"], inputs["ram"], inputs["disk"]) == (spec.vcpus, spec.ram_mib, spec.disk_gb)


def test_images_come_only_from_the_site_mirror_with_scs_0102_metadata(
    platform_run: OfflineStack, catalogue: Catalogue
) -> None:
    mandatory = {
        "architecture", "min_disk", "min_ram", "os_version", "os_distro", "hw_disk_bus", "replace_frequency",
        "provided_until", "uuid_validity", "image_source", "image_description", "image_build_date",
        "image_original_user",
    }  # fmt: skip
    images = platform_run.of_type("openstack:images/image:Image")
    assert {i.inputs["name"] for i in images} >= {"Ubuntu 24.04"}
    for image in images:
        mirror = str(catalogue.site(image.site or "").image_mirror).rstrip("/") + "/"
        assert image.inputs["imageSourceUrl"].startswith(mirror)
        properties = {
            **image.inputs["properties"],
            "min_disk": image.inputs["minDiskGb"],
            "min_ram": image.inputs["minRamMb"],
        }
        assert mandatory <= set(properties)
    ubuntu = [i for i in images if i.inputs["name"] == "Ubuntu 24.04"]
    assert all(
        i.inputs["properties"]["image_source"].startswith("https://cloud-images.ubuntu.com/noble/") for i in ubuntu
    )


def test_volume_types_carry_scs_0114_aspects(platform_run: OfflineStack) -> None:
    for site in ("lu", "be"):
        descriptions = [
            v.inputs["description"]
            for v in platform_run.of_type("openstack:blockstorage/volumeTypeV3:VolumeTypeV3")
            if v.site == site
        ]
        assert any(d.startswith("[scs:") and "encrypted" in d.split("]")[0] for d in descriptions)
        assert any(d.startswith("[scs:") and "replicated" in d.split("]")[0] for d in descriptions)
        assert "[scs:encrypted, replicated]" in " ".join(descriptions)


def test_operations_split(platform_run: OfflineStack, catalogue: Catalogue) -> None:
    groups = {(g.site, g.inputs["name"]) for g in platform_run.of_type("openstack:identity/groupV3:GroupV3")}
    assert groups == {("lu", "hosting-operators"), ("lu", "operations-operators"), ("be", "operations-operators")}
    names = " ".join(str(r.inputs) + r.name for r in platform_run.records).lower()
    assert "vendor" not in names
    assignments = platform_run.of_type("openstack:identity/roleAssignment:RoleAssignment")
    assert {a.site for a in assignments} == {"lu", "be"}
    hosting = [a for a in assignments if "hosting-operators" in a.name]
    assert hosting and all(a.site == "lu" for a in hosting)


def test_platform_projects_are_protected(platform_run: OfflineStack) -> None:
    projects = platform_run.of_type("openstack:identity/project:Project")
    assert len(projects) == 2
    assert all(p.protect and p.retain_on_delete for p in projects)


def test_every_namespace_starts_with_default_deny_both_ways(platform_run: OfflineStack) -> None:
    namespaces = {(n.site, n.inputs["metadata"]["name"]) for n in platform_run.of_type("kubernetes:core/v1:Namespace")}
    assert len(namespaces) == 6
    deny = {
        (p.site, p.inputs["metadata"]["namespace"])
        for p in platform_run.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if p.inputs["metadata"]["name"] == "default-deny"
        and p.inputs["spec"]["podSelector"] == {}
        and set(p.inputs["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    }
    assert deny == namespaces


def test_stack_exports_the_transit_networks_tenants_build_on(platform_run: OfflineStack) -> None:
    assert set(platform_run.run.outputs["transit"]) == {"lu", "be"}
