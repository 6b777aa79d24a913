"""Where in a stack file a finding points: the key's line, else where the file names the resource."""

from __future__ import annotations

from pathlib import Path

from sovcloud.report.source_lines import SourceFile, locate, name_candidates
from sovcloud.results import key_parts

STACK = """\
config:
  sovcloud:platform:
    sites:
      lu:
        networks:
          - name: services
            ipv4: 10.64.0.0/23
          - name: kubernetes
            ipv4: 10.64.16.0/20
      be:
        networks:
          - name: services
            ipv4: 10.96.0.0/23
secretsprovider: passphrase
"""


def test_key_paths_follow_the_config_error_format() -> None:
    assert key_parts("sovcloud:platform.sites.lu.networks[1].ipv4") == [
        "sovcloud:platform",
        "sites",
        "lu",
        "networks",
        1,
        "ipv4",
    ]


def test_a_key_is_found_under_config_then_at_top_level() -> None:
    source = SourceFile(STACK)
    assert source.line_of_key("sovcloud:platform.sites.lu.networks[1].ipv4") == 9
    assert source.line_of_key("sovcloud:platform.sites.be.networks[0].name") == 12
    assert source.line_of_key("sovcloud:platform.sites.lu.networks[7].ipv4") == 5  # deepest that exists
    assert source.line_of_key("secretsprovider") == 14
    assert source.line_of_key("nothing.here") is None


def test_a_resource_is_found_by_its_name_preferring_its_site(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.platform.yaml"
    path.write_text(STACK, encoding="utf-8")
    names = name_candidates("site-be-services-net")
    assert names[0] == "site-be-services-net" and "services" in names
    assert locate(path, names=names, site="be") == 12
    assert locate(path, names=names, site="lu") == 6
    assert locate(path, names=["absent-name"]) == 1
    assert locate(tmp_path / "missing.yaml", key="a.b") == 1
    assert SourceFile("key: [unclosed").line_of_key("key") is None
