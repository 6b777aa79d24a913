"""A third EU site joins by catalogue and platform config alone: the existing sites' declared resources
stay as they were (only their routes to the new site are added), and a tenant lives on the new site
with its replica on an old one."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue import Catalogue

from sovcloud.allocation import allocate, read_taken
from sovcloud.engine.records import to_records
from sovcloud.engine.runner import run_stack
from sovcloud.engine.stack_files import Project, load_stack_file
from sovcloud.results import ResourceRecord
from tests.conftest import ROOT, OfflineStack, read_stack_document
from tests.third_site import add_de_to_platform, three_site_catalogue

PLATFORM_STACK = "organization/sovcloud/platform"
ROUTE = "openstack:networking/routerRoute:RouterRoute"
Declared = dict[tuple[str, str, str | None], str]


def run(tmp_path: Path, stack: str, document: dict[str, Any], catalogue: Catalogue,
        monkeypatch: pytest.MonkeyPatch, outputs: dict[str, Any] | None = None) -> OfflineStack:  # fmt: skip
    """The real program under the mock runtime, reading `catalogue` instead of the bundled one."""
    monkeypatch.setattr("infra.program.load_catalogue", lambda: catalogue)
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    project = Project.load(ROOT)
    stack_file = load_stack_file(path, project.name)
    outcome = run_stack(project, stack_file, stack_outputs=outputs)
    assert outcome.error is None, outcome.error
    records = to_records(outcome.registrations, stack=stack, project=project.name, catalogue=catalogue,
                         config=stack_file.config)  # fmt: skip
    return OfflineStack(outcome, records)


def declared(records: list[ResourceRecord], sites: set[str]) -> Declared:
    """(type, name, parent) -> inputs of every resource on `sites`."""
    return {
        (r.type, r.name, r.parent): json.dumps(r.inputs, sort_keys=True, default=str)
        for r in records
        if r.site in sites
    }


@pytest.fixture(scope="module")
def three_sites() -> Catalogue:
    return three_site_catalogue()


def test_adding_a_site_changes_nothing_of_the_existing_sites_but_their_routes_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform_run: OfflineStack, three_sites: Catalogue
) -> None:
    document = read_stack_document("platform")
    add_de_to_platform(document)
    after = run(tmp_path, "platform", document, three_sites, monkeypatch)
    before_lu_be = declared(platform_run.records, {"lu", "be"})
    after_lu_be = declared(after.records, {"lu", "be"})
    assert {k: v for k, v in after_lu_be.items() if k in before_lu_be} == before_lu_be  # nothing changed
    assert set(before_lu_be) <= set(after_lu_be)  # nothing removed
    added = [r for r in after.records if r.site in {"lu", "be"} and (r.type, r.name, r.parent) not in before_lu_be]
    routes = [r for r in added if r.type == ROUTE]
    assert sorted(r.name for r in routes) == [
        "federation-be-to-de-v4", "federation-be-to-de-v6", "federation-lu-to-de-v4", "federation-lu-to-de-v6",
    ]  # fmt: skip
    de = three_sites.site("de")
    for route in routes:
        assert ipaddress.ip_network(route.inputs["destinationCidr"]) in de.ranges
        assert ipaddress.ip_address(route.inputs["nextHop"]) in (de.border.ipv4, de.border.ipv6)
    # the peering the new site needs: the federation's identity provider (on be) gets its OIDC clients
    peerings = [r for r in added if r.type != ROUTE]
    assert peerings and all(r.type.startswith("keycloak:") and "eu-de-1" in r.name for r in peerings)
    new_site = [r for r in after.records if r.site == "de" and r.custom and not r.type.startswith("pulumi:providers")]
    assert new_site and any(r.type == "openstack:networking/router:Router" for r in new_site)


def test_a_tenant_lives_on_the_new_site_with_its_replica_on_an_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, three_sites: Catalogue
) -> None:
    platform_document = read_stack_document("platform")
    add_de_to_platform(platform_document)
    platform = run(tmp_path, "platform", platform_document, three_sites, monkeypatch)
    allocations = allocate(three_sites, read_taken(ROOT / "stacks"), 24, ("de", "lu"))
    tenant = read_stack_document("tenant-bank-bcee")
    body = tenant["config"]["sovcloud:tenant"]
    body.update(name="bund-agency", primarySite="de", replicaSite="lu", failover=False,
                sites={key: a.as_config() for key, a in allocations.items()})  # fmt: skip
    result = run(tmp_path, "tenant-bund-agency", tenant, three_sites, monkeypatch,
                 {PLATFORM_STACK: platform.run.outputs})  # fmt: skip
    custom = [r for r in result.records if r.custom and not r.type.startswith("pulumi:")]
    assert {r.site for r in custom} == {"de", "lu"}
    volumes = [r for r in custom if r.type == "openstack:blockstorage/volume:Volume"]
    assert {v.site for v in volumes} == {"de", "lu"}  # the data on de, its replica on lu
    routes = {(r.site, r.inputs["destinationCidr"]) for r in custom if r.type == ROUTE}
    assert ("de", str(allocations["lu"].ipv4)) in routes and ("lu", str(allocations["de"].ipv4)) in routes
    assert not any(r.site == "be" for r in result.records if r.custom)
