"""A table of broken tenant configurations: each gives one clear error naming the stack file and the
key, and the program registers nothing. Every case starts from the bundled min-finance stack and
changes one thing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from federation_catalogue.errors import ConfigError

from tests.config.mutations import Doc, Mutations
from tests.conftest import RunDocument, read_stack_document

BASE = "tenant-min-finance"


MUTATIONS = Mutations("sovcloud:tenant")
body, set_in, rename_key = MUTATIONS.body, MUTATIONS.set_in, MUTATIONS.rename_key


def drop_site(site: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del body(doc)["sites"][site]

    return mutate


def repeat_first(path: list[str]) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target: Any = body(doc)
        for part in path:
            target = target[part]
        target.append(dict(target[0]))

    return mutate


def disable_kubernetes(doc: Doc) -> None:
    body(doc)["kubernetes"]["enabled"] = False


T = "sovcloud:tenant"
BROKEN: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("typo in a key", rename_key([], "primarySite", "primarySiet"), f"{T}.primarySiet", "did you mean 'primarySite'"),
    ("unknown primary site", set_in(["primarySite"], "de"), f"{T}.primarySite", "unknown site 'de'"),
    ("a site missing", drop_site("be"), f"{T}.sites", "site 'be' is missing"),
    ("invalid name", set_in(["name"], "Min_Finance"), f"{T}.name", "should match pattern"),
    ("range in the platform pool", set_in(["sites", "lu", "ipv4"], "10.64.4.0/22"),
     f"{T}.sites.lu.ipv4", "outside site lu's tenant pool"),
    ("range of the other site", set_in(["sites", "lu", "ipv4"], "10.104.8.0/22"),
     f"{T}.sites.lu.ipv4", "outside site lu's tenant pool"),
    ("range outside the plan", set_in(["sites", "be", "ipv4"], "192.168.0.0/24"),
     f"{T}.sites.be.ipv4", "outside site be's tenant pool"),
    ("IPv6 not a /64", set_in(["sites", "be", "ipv6"], "fd5e:c10d:a000:2800::/60"),
     f"{T}.sites.be.ipv6", "must be a /64"),
    ("transit address of the platform", set_in(["sites", "lu", "transit", "ipv4"], "10.127.0.1"),
     f"{T}.sites.lu.transit.ipv4", "platform's link addresses"),
    ("link address of the other site", set_in(["sites", "lu", "transit", "ipv4"], "10.127.1.40"),
     f"{T}.sites.lu.transit.ipv4", "outside site lu's tenant link network"),
    ("link address on the backbone", set_in(["sites", "lu", "transit", "ipv4"], "10.127.255.40"),
     f"{T}.sites.lu.transit.ipv4", "outside site lu's tenant link network"),
    ("replica site is the primary", set_in(["replicaSite"], "lu"), f"{T}.replicaSite", "must differ from primarySite"),
    ("unknown replica site", set_in(["replicaSite"], "ch"), f"{T}.replicaSite", "unknown site 'ch'"),
    ("transit broadcast", set_in(["sites", "lu", "transit", "ipv4"], "10.127.0.255"),
     f"{T}.sites.lu.transit.ipv4", "last address"),
    ("negative quota", set_in(["quotas", "cores"], -4), f"{T}.quotas.cores", "greater than or equal to 0"),
    ("floating IPs", set_in(["quotas", "floatingIps"], 1), f"{T}.quotas.floatingIps", "less than or equal to 0"),
    ("role outside the tenant roles", set_in(["groups", 0, "roles"], ["admin"]),
     f"{T}.groups[0].roles[0]", "not a tenant role"),
    ("unknown platform service", set_in(["services"], ["dns", "internet"]),
     f"{T}.services[1]", "unknown platform service"),
    ("non-SCS flavor", set_in(["compute", "serverGroups", 0, "flavor"], "m1.large"),
     f"{T}.compute.serverGroups[0].flavor", "not an SCS flavor name"),
    ("SCS flavor not on every site", set_in(["compute", "serverGroups", 0, "flavor"], "SCS-2C-8-50p"),
     f"{T}.compute.serverGroups[0].flavor", "not a scs-0103 mandatory flavor"),
    ("affinity instead of anti-affinity", set_in(["compute", "serverGroups", 0, "policy"], "affinity"),
     f"{T}.compute.serverGroups[0].policy", "anti-affinity"),
    ("unencrypted volume type", set_in(["volumes", 0, "type"], "__DEFAULT__"),
     f"{T}.volumes[0].type", "not an encrypted"),
    ("repeated volume name", repeat_first(["volumes"]), f"{T}.volumes[2].name", "repeats"),
    ("image from another registry", set_in(["kubernetes", "workloads", 0, "image"], "docker.io/library/nginx:1.27"),
     f"{T}.kubernetes.workloads[0].image", "must not name a registry host"),
    ("image without a tag", set_in(["kubernetes", "workloads", 0, "image"], "finance/portal"),
     f"{T}.kubernetes.workloads[0].image", "with a tag or digest"),
    ("workloads without Kubernetes", disable_kubernetes, f"{T}.kubernetes.enabled", "not enabled"),
    ("more instances than the quota", set_in(["quotas", "instances"], 5), f"{T}.quotas.instances", "needs 6 instances"),
    ("more volume space than the quota", set_in(["quotas", "gigabytes"], 1000),
     f"{T}.quotas.gigabytes", "GB of volumes"),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "key", "fragment"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_tenant_config_gives_one_clear_error_and_registers_nothing(
    run_document: RunDocument, mutate: Callable[[Doc], None], key: str, fragment: str
) -> None:
    document = read_stack_document(BASE)
    mutate(document)
    outcome = run_document("tenant-broken", document)
    error = outcome.run.error
    assert isinstance(error, ConfigError), error
    assert error.file == "stacks/Pulumi.tenant-broken.yaml"
    problems = dict(error.problems)
    assert key in problems, str(error)
    assert fragment in problems[key], problems[key]
    assert outcome.run.registrations == []
