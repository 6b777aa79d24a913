"""A CheckResult built by hand, with everything a report must show: two sites, two stacks that ran
(a platform with the interconnect, a tenant with a blocking and an advisory finding), a stack whose
configuration was invalid, and a finding about the project itself. The stack files are written to a
scratch project so locations (file and line) can be checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from federation_catalogue.catalogue import PROJECT_CATALOGUE

from sovcloud.results import (
    CheckResult,
    Finding,
    Framework,
    Level,
    PolicyInfo,
    ResourceRecord,
    Source,
    StackResult,
)

DATA = Path(__file__).with_name("data")
ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

PLATFORM_FILE = """\
# the platform stack
config:
  sovcloud:kind: platform
  sovcloud:platform:
    sites:
      lu:
        networks:
          - name: services
            ipv4: 10.64.0.0/23
      be:
        networks:
          - name: services
            ipv4: 10.96.0.0/23
"""
TENANT_FILE = """\
config:
  sovcloud:kind: tenant
  sovcloud:tenant:
    name: acme
    sites:
      lu:
        network:
          ipv4: 10.80.8.0/24
        routes:
          - name: default
            destination: 0.0.0.0/0
      be:
        volumes:
          - name: data
            type: standard
"""
BROKEN_FILE = """\
config:
  sovcloud:kind: tenant
  sovcloud:tenant:
    name: broken
    sites:
      lu:
        ipv4: 192.168.0.0/24
"""

POLICIES = [
    PolicyInfo(
        name="route-stays-in-plan",
        description="Routes lead only to destinations inside the federation's address plan.",
        enforcement_level=Level.MANDATORY,
        severity="critical",
        tags=("egress", "network", "openstack"),
        remediation_steps="Route only to the partner site's range, via the interconnect.",
        framework=Framework("SecNumCloud", "3.2", "19.6", "No path out of the plan."),
    ),
    PolicyInfo(
        name="resource-placed-in-eu-site",
        description="Every resource is placed in an EU site of the catalogue.",
        enforcement_level=Level.MANDATORY,
        severity="high",
        tags=("placement", "openstack", "kubernetes"),
        remediation_steps="Create it through a site's explicit provider.",
        framework=Framework("SecNumCloud", "3.2", "19.2.b", "Data in the EU."),
    ),
    PolicyInfo(
        name="volume-uses-encrypted-type",
        description='Volumes use an encrypted volume type ("[scs:aspects]").',
        enforcement_level=Level.ADVISORY,
        severity="medium",
        tags=("data-protection", "openstack"),
        remediation_steps="Use the site's `encrypted` volume type | or `encrypted-replicated`.",
        framework=Framework("SecNumCloud", "3.2", "12.5.d", "Backups protected."),
    ),
    PolicyInfo(
        name="no-vendor-identity",
        description="The technology vendor has no identity or role.",
        enforcement_level=Level.MANDATORY,
        severity="high",
        tags=("access", "identity"),
        framework=Framework("SecNumCloud", "3.2", "19.2.e", ""),
    ),
    PolicyInfo(
        name="future-policy",
        description="A policy with a tag nobody mapped yet.",
        enforcement_level=Level.ADVISORY,
        tags=("brand-new-tag",),
    ),
    PolicyInfo(
        name="stack-config-is-valid",
        description="The stack's configuration is validated before any resource is declared.",
        enforcement_level=Level.MANDATORY,
        severity="high",
        tags=("config",),
        remediation_steps="Fix the key named in the message.",
    ),
    PolicyInfo(
        name="state-backend-in-federation",
        description="The project's state backend is the federation's own object storage.",
        enforcement_level=Level.MANDATORY,
        severity="critical",
        tags=("state",),
        remediation_steps="Set Pulumi.yaml `backend.url` to the federation's s3:// URL.",
        framework=Framework("SecNumCloud", "3.2", "19.2.d", ""),
        policy_type="stack",
    ),
    PolicyInfo(
        name="subnets-do-not-overlap-across-stacks",
        description="No two subnets of any two stacks overlap.",
        enforcement_level=Level.MANDATORY,
        severity="high",
        tags=("isolation", "address-plan"),
        remediation_steps="Allocate with `sovcloud tenant new`.",
        policy_type="stack",
    ),
]


def urn(stack: str, rtype: str, name: str, parent_type: str | None = None) -> str:
    qualified = f"{parent_type}${rtype}" if parent_type else rtype
    return f"urn:pulumi:{stack}::sovcloud::{qualified}::{name}"


NET = "openstack:networking/network:Network"
SUBNET = "openstack:networking/subnet:Subnet"
ROUTER = "openstack:networking/router:Router"
IFACE = "openstack:networking/routerInterface:RouterInterface"
ROUTE = "openstack:networking/routerRoute:RouterRoute"
PORT = "openstack:networking/port:Port"
VOLUME = "openstack:blockstorage/volume:Volume"


def record(stack: str, rtype: str, logical: str, site: str | None, parent: str, **inputs: object) -> ResourceRecord:
    deps = inputs.pop("deps", {})
    assert isinstance(deps, dict)
    return ResourceRecord(
        urn=urn(stack, rtype, logical, "sovcloud:test:Component"),
        type=rtype,
        name=logical,
        custom=True,
        parent=parent,
        provider=urn(stack, "pulumi:providers:openstack", f"{site}-openstack") if site else None,
        site=site,
        inputs=dict(inputs),
        property_dependencies={k: tuple(v) for k, v in deps.items()},
    )


def platform_stack() -> StackResult:
    s = "platform"
    comp = urn(s, "sovcloud:test:Component", "platform")
    resources: list[ResourceRecord] = []
    for site, v4, transit_ip, partner_range, partner_hop in (
        ("lu", "10.64.0.0/23", "10.127.0.1", "10.96.0.0/12", "10.127.1.1"),
        ("be", "10.96.0.0/23", "10.127.1.1", "10.64.0.0/11", "10.127.0.1"),
    ):
        net = record(s, NET, f"site-{site}-services-net", site, comp, name=f"site-{site}-services", external=False)
        sub = record(
            s,
            SUBNET,
            f"site-{site}-services-v4",
            site,
            comp,
            name=f"site-{site}-services-v4",
            cidr=v4,
            networkId=UNKNOWN,
            deps={"networkId": [net.urn]},
        )
        transit = record(s, NET, f"federation-{site}-transit", site, comp, name="interconnect-transit")
        tsub = record(
            s,
            SUBNET,
            f"federation-{site}-transit-v4",
            site,
            comp,
            cidr="10.127.0.0/23",
            networkId=UNKNOWN,
            deps={"networkId": [transit.urn]},
        )
        router = record(s, ROUTER, f"federation-{site}-border", site, comp, name=f"border-{site}")
        port = record(
            s,
            PORT,
            f"federation-{site}-border-transit",
            site,
            comp,
            networkId=UNKNOWN,
            fixedIps=[{"subnetId": UNKNOWN, "ipAddress": transit_ip}],
            deps={"networkId": [transit.urn]},
        )
        resources += [
            net,
            sub,
            transit,
            tsub,
            router,
            port,
            record(
                s,
                IFACE,
                f"federation-{site}-if-services",
                site,
                comp,
                routerId=UNKNOWN,
                subnetId=UNKNOWN,
                deps={"routerId": [router.urn], "subnetId": [sub.urn]},
            ),
            record(
                s,
                IFACE,
                f"federation-{site}-if-transit",
                site,
                comp,
                routerId=UNKNOWN,
                portId=UNKNOWN,
                deps={"routerId": [router.urn], "portId": [port.urn]},
            ),
            record(
                s,
                ROUTE,
                f"federation-{site}-to-partner",
                site,
                comp,
                routerId=UNKNOWN,
                destinationCidr=partner_range,
                nextHop=partner_hop,
                deps={"routerId": [router.urn]},
            ),
        ]
    provider = ResourceRecord(
        urn=urn(s, "pulumi:providers:openstack", "lu-openstack"),
        type="pulumi:providers:openstack",
        name="lu-openstack",
        custom=True,
        site="lu",
        inputs={"region": "eu-lu-1"},
    )
    return StackResult(
        stack=s,
        file="stacks/Pulumi.platform.yaml",
        kind="platform",
        resources=[provider, *resources],
        duration_seconds=1.5,
    )


def tenant_stack() -> StackResult:
    s = "tenant-acme"
    comp = urn(s, "sovcloud:test:Component", "acme")
    net = record(s, NET, "acme-lu-net", "lu", comp, name="acme-lu")
    sub = record(
        s, SUBNET, "acme-lu-v4", "lu", comp, cidr="10.80.8.0/24", networkId=UNKNOWN, deps={"networkId": [net.urn]}
    )
    router = record(s, ROUTER, "acme-lu-router", "lu", comp, name='tenant "acme" [lu]')
    route = record(
        s,
        ROUTE,
        "acme-lu-default",
        "lu",
        comp,
        routerId=UNKNOWN,
        destinationCidr="0.0.0.0/0",
        nextHop="10.127.0.1",
        deps={"routerId": [router.urn]},
    )
    volume = record(s, VOLUME, "acme-be-data", "be", comp, name="data", volumeType="standard")
    iface = record(
        s,
        IFACE,
        "acme-lu-if-v4",
        "lu",
        comp,
        routerId=UNKNOWN,
        subnetId=UNKNOWN,
        deps={"routerId": [router.urn], "subnetId": [sub.urn]},
    )
    findings = [
        Finding(
            policy="route-stays-in-plan",
            level=Level.MANDATORY,
            severity="critical",
            message="route to 0.0.0.0/0 leaves the address plan | (10.64.0.0/10)",
            urn=route.urn,
            resource_type=ROUTE,
            resource_name=route.name,
            pack="sovereign-cloud",
            pack_version="1.0.0",
        ),
        Finding(
            policy="volume-uses-encrypted-type",
            level=Level.ADVISORY,
            severity="medium",
            message="volume type 'standard' is not <encrypted>",
            urn=volume.urn,
            resource_type=VOLUME,
            resource_name=volume.name,
            file="stacks/Pulumi.tenant-acme.yaml",
        ),
    ]
    return StackResult(
        stack=s,
        file="stacks/Pulumi.tenant-acme.yaml",
        kind="tenant",
        resources=[net, sub, router, route, volume, iface],
        findings=findings,
    )


def broken_stack() -> StackResult:
    finding = Finding(
        policy="stack-config-is-valid",
        level=Level.MANDATORY,
        severity="high",
        source=Source.CONFIG,
        message="192.168.0.0/24 is outside the site's tenant pool 10.80.0.0/12",
        file="stacks/Pulumi.tenant-broken.yaml",
        key="sovcloud:tenant.sites.lu.ipv4",
    )
    return StackResult(
        stack="tenant-broken", file="stacks/Pulumi.tenant-broken.yaml", kind="tenant", findings=[finding]
    )


def build_result() -> CheckResult:
    project_finding = Finding(
        policy="subnets-do-not-overlap-across-stacks",
        level=Level.MANDATORY,
        severity="high",
        source=Source.PROJECT,
        message="subnet 10.80.8.0/24 overlaps 10.80.8.0/25 (other-v4) of stacks/Pulumi.other.yaml",
        file="stacks/Pulumi.tenant-acme.yaml",
        resource_name="acme-lu-v4",
        resource_type=SUBNET,
    )
    backend_finding = Finding(
        policy="state-backend-in-federation",
        level=Level.MANDATORY,
        severity="critical",
        source=Source.PROJECT,
        message="backend.url is https://api.pulumi.com (Pulumi Cloud)",
        file="Pulumi.yaml",
        key="backend.url",
    )
    return CheckResult(
        stacks=[platform_stack(), tenant_stack(), broken_stack()],
        policies=list(POLICIES),
        pack_name="sovereign-cloud",
        pack_version="1.0.0",
        project_findings=[project_finding, backend_finding],
    )


@pytest.fixture
def result() -> CheckResult:
    return build_result()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project holding the fixture's stack files (lines are looked up there)."""
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (tmp_path / "Pulumi.yaml").write_text(
        "name: sovcloud\nruntime: python\nstackConfigDir: stacks\nbackend:\n  url: https://api.pulumi.com\n",
        encoding="utf-8",
    )
    (stacks / "Pulumi.platform.yaml").write_text(PLATFORM_FILE, encoding="utf-8")
    (stacks / "Pulumi.tenant-acme.yaml").write_text(TENANT_FILE, encoding="utf-8")
    (stacks / "Pulumi.tenant-broken.yaml").write_text(BROKEN_FILE, encoding="utf-8")
    catalogue = tmp_path / PROJECT_CATALOGUE
    catalogue.parent.mkdir(parents=True)
    shutil.copy(ROOT / PROJECT_CATALOGUE, catalogue)
    return tmp_path
