"""The federation catalogue: the facts load, and a catalogue that contradicts them is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue import CATALOGUE_FILE, load_catalogue
from federation_catalogue.errors import ConfigError

from tests.third_site import add_de_to_catalogue


def write_catalogue(tmp_path: Path, mutate: Any) -> Path:
    document = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    mutate(document)
    path = tmp_path / "federation.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_catalogue_holds_the_federation_facts() -> None:
    catalogue = load_catalogue()
    assert {k: s.country for k, s in catalogue.sites.items()} == {"lu": "LU", "be": "BE"}
    assert {k: s.region for k, s in catalogue.sites.items()} == {"lu": "eu-lu-1", "be": "eu-be-1"}
    assert str(catalogue.address_plan.federation.ipv4) == "10.64.0.0/10"
    assert [s.key for s in catalogue.other_sites("lu")] == ["be"]
    assert {"GR", "EL"} <= catalogue.eu_countries
    assert not {"CH", "NO", "IS", "LI", "GB", "US"} & catalogue.eu_countries
    assert catalogue.partners["vendor"].roles == {}


def add_swiss_site(document: dict[str, Any]) -> None:
    document["sites"]["ch"] = {**document["sites"]["be"], "country": "CH"}


def add_norwegian_site(document: dict[str, Any]) -> None:
    document["sites"]["no"] = {**document["sites"]["be"], "country": "NO"}


def third_site(**changes: Any) -> Any:
    """A mutation adding the German test site, with `changes` (dotted keys) to its entry."""
    return lambda document: add_de_to_catalogue(document, **changes)


def test_a_third_eu_site_with_its_own_facts_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, third_site()))
    assert list(catalogue.sites) == ["lu", "be", "de"]
    assert [s.key for s in catalogue.other_sites("lu")] == ["be", "de"]


def move_site_out_of_plan(document: dict[str, Any]) -> None:
    document["sites"]["be"]["ipv4"] = "192.168.0.0/16"


def give_vendor_a_role(document: dict[str, Any]) -> None:
    document["partners"]["vendor"]["roles"] = {"lu": ["reader"]}


@pytest.mark.parametrize(
    ("mutate", "key", "fragment"),
    [
        (add_swiss_site, "sites.ch.country", "CH is not an EU member state"),
        (add_norwegian_site, "sites.no.country", "NO is not an EU member state"),
        (move_site_out_of_plan, "sites.be.ipv4", "outside the federation plan"),
        (give_vendor_a_role, "partners.vendor", "no group and no role"),
        (third_site(country="CH"), "sites.de.country", "CH is not an EU member state"),
        (third_site(region="eu-lu-1"), "sites.de.region", "already site lu's region"),
        (third_site(**{"availability_zones": ["eu-be-1a"]}), "sites.de.availability_zones[0]", "zone of site be"),
        (
            third_site(identity_endpoint="https://keystone.example.com:5000/v3"),
            "sites.de.identity_endpoint",
            "not a host under sov.internal",
        ),
        (
            third_site(container_registry="registry.eu-de-1.example.eu"),
            "sites.de.container_registry",
            "not a host under sov.internal",
        ),
        (third_site(ipv4="10.96.0.0/12"), "sites.de.ipv4", "overlaps site be's"),
        (third_site(ipv4="10.127.0.0/16"), "sites.de.ipv4", "overlaps the interconnect"),
        (
            third_site(**{"pools.tenants.ipv4": "10.200.0.0/14"}),
            "sites.de.pools.tenants.ipv4",
            "outside the site range",
        ),
        (third_site(**{"border.ipv4": "10.127.255.2"}), "sites.de.border.ipv4", "already site be's border address"),
        (third_site(**{"border.ipv6": "fd5e:c10d:a000:f003::1"}), "sites.de.border.ipv6", "not a host of the backbone"),
        (
            third_site(**{"tenant_links.ipv4": ["10.127.32.0/20"]}),
            "sites.de.tenant_links.ipv4[0]",
            "overlaps a tenant link block of site be",
        ),
        (
            third_site(**{"tenant_links.ipv4": ["10.127.255.0/26"]}),
            "sites.de.tenant_links.ipv4[0]",
            "overlaps the backbone",
        ),
        (
            third_site(**{"tenant_links.ipv4": ["10.126.0.0/20"]}),
            "sites.de.tenant_links.ipv4[0]",
            "outside the interconnect",
        ),
    ],
)
def test_contradicting_catalogue_is_refused_naming_file_and_key(
    tmp_path: Path, mutate: Any, key: str, fragment: str
) -> None:
    path = write_catalogue(tmp_path, mutate)
    with pytest.raises(ConfigError) as raised:
        load_catalogue(path)
    problems = dict(raised.value.problems)
    assert key in problems, raised.value
    assert fragment in problems[key]
    assert raised.value.file.endswith("federation.yaml")
