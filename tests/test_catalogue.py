"""The federation catalogue: the facts load, and a catalogue that contradicts them is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue import CATALOGUE_FILE, load_catalogue
from federation_catalogue.errors import ConfigError


def write_catalogue(tmp_path: Path, mutate: Any) -> Path:
    document = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    mutate(document)
    path = tmp_path / "federation.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_catalogue_holds_the_federation_facts() -> None:
    catalogue = load_catalogue()
    assert {k: s.country for k, s in catalogue.sites.items()} == {"lu": "LU", "be": "BE"}
    assert {k: s.region for k, s in catalogue.sites.items()} == {"lu": "eu-lu-1", "be": "eu-be-1"}
    assert str(catalogue.address_plan.federation.ipv4) == "10.64.0.0/10"
    assert catalogue.partner_site("lu").key == "be"
    assert {"GR", "EL"} <= catalogue.eu_countries
    assert not {"CH", "NO", "IS", "LI", "GB", "US"} & catalogue.eu_countries
    assert catalogue.partners["vendor"].roles == {}


def add_swiss_site(document: dict[str, Any]) -> None:
    document["sites"]["ch"] = {**document["sites"]["be"], "country": "CH"}


def add_norwegian_site(document: dict[str, Any]) -> None:
    document["sites"]["no"] = {**document["sites"]["be"], "country": "NO"}


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
