"""A table of broken platform configurations: each gives one clear error naming the stack file and
the key, and the program registers nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from federation_catalogue.errors import ConfigError

from tests.config.mutations import Doc, Mutations
from tests.conftest import RunDocument, read_stack_document

MUTATIONS = Mutations("sovcloud:platform")
body, set_in, rename_key = MUTATIONS.body, MUTATIONS.set_in, MUTATIONS.rename_key


def top_level(old: str, new: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc["config"][new] = doc["config"].pop(old)

    return mutate


def add_config(key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc["config"][key] = value

    return mutate


def drop_ubuntu(doc: Doc) -> None:
    body(doc)["images"] = [i for i in body(doc)["images"] if i["name"] != "Ubuntu 24.04"]


def add_site(doc: Doc) -> None:
    body(doc)["sites"]["de"] = body(doc)["sites"]["lu"]


BROKEN: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("typo in a nested key", rename_key(["sites", "lu"], "networks", "netwroks"),
     "sovcloud:platform.sites.lu.netwroks", "did you mean 'networks'"),
    ("typo in a top-level key", top_level("sovcloud:platform", "sovcloud:platfrom"),
     "sovcloud:platfrom", "unknown key"),
    ("unknown site", add_site, "sovcloud:platform.sites.de", "unknown site 'de'"),
    ("range outside the plan", set_in(["sites", "lu", "networks", 0, "ipv4"], "192.168.10.0/24"),
     "sovcloud:platform.sites.lu.networks[0].ipv4", "outside site lu's platform pool"),
    ("range of the other site", set_in(["sites", "lu", "networks", 0, "ipv4"], "10.96.40.0/24"),
     "sovcloud:platform.sites.lu.networks[0].ipv4", "outside site lu's platform pool"),
    ("overlapping ranges", set_in(["sites", "lu", "networks", 1, "ipv4"], "10.64.1.0/24"),
     "sovcloud:platform.sites.lu.networks[1].ipv4", "overlaps 10.64.0.0/23"),
    ("overlapping IPv6 ranges", set_in(["sites", "be", "networks", 2, "ipv6"], "fd5e:c10d:a000:2000::/64"),
     "sovcloud:platform.sites.be.networks[2].ipv6", "overlaps"),
    ("not a CIDR", set_in(["sites", "lu", "networks", 0, "ipv4"], "10.64.0.0/33"),
     "sovcloud:platform.sites.lu.networks[0].ipv4", "not a valid IPv4 network"),
    ("negative quota", set_in(["sites", "lu", "quotas", "instances"], -1),
     "sovcloud:platform.sites.lu.quotas.instances", "greater than or equal to 0"),
    ("floating IPs are never allowed", set_in(["sites", "be", "quotas", "floatingIps"], 2),
     "sovcloud:platform.sites.be.quotas.floatingIps", "less than or equal to 0"),
    ("non-SCS flavor name", set_in(["extraFlavors"], ["m1.large"]),
     "sovcloud:platform.extraFlavors[0]", "not an SCS flavor name"),
    ("half GiB above 10", set_in(["extraFlavors"], ["SCS-4V-12.5"]),
     "sovcloud:platform.extraFlavors[0]", "half GiB steps"),
    ("scs-0104 image missing", drop_ubuntu, "sovcloud:platform.images", "'Ubuntu 24.04' is missing"),
    ("image date malformed", set_in(["images", 0, "buildDate"], "1 Nov 2026"),
     "sovcloud:platform.images[0].buildDate", "should match pattern"),
    ("log retention below six months", set_in(["logRetentionDays"], 30),
     "sovcloud:platform.logRetentionDays", "greater than or equal to 183"),
    ("default provider config", add_config("openstack:region", "us-east-1"),
     "openstack:region", "default providers are never used"),
    ("unknown stack kind", add_config("sovcloud:kind", "cluster"), "sovcloud:kind", "must be one of"),
    ("bad namespace name", set_in(["kubernetes", "namespaces"], ["Platform_System"]),
     "sovcloud:platform.kubernetes.namespaces", "not a valid namespace name"),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "key", "fragment"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_config_gives_one_clear_error_and_registers_nothing(
    run_document: RunDocument, mutate: Callable[[Doc], None], key: str, fragment: str
) -> None:
    document = read_stack_document("platform")
    mutate(document)
    outcome = run_document("broken", document)
    error = outcome.run.error
    assert isinstance(error, ConfigError), error
    assert error.file == "stacks/Pulumi.broken.yaml"
    keys = [k for k, _ in error.problems]
    assert key in keys, str(error)
    message = dict(error.problems)[key]
    assert fragment in message, message
    assert str(error).startswith(f"stacks/Pulumi.broken.yaml: {keys[0]}: ")
    assert outcome.run.registrations == []


def test_the_bundled_platform_stack_is_valid(run_document: RunDocument) -> None:
    outcome = run_document("platform", read_stack_document("platform"))
    assert outcome.run.error is None
