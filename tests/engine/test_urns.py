"""URNs are the engine's (`generateURN`), never the SDK mock monitor's: a real event log and our
reports must name the same resource the same way."""

from __future__ import annotations

from sovcloud.engine.urns import (
    default_provider_name,
    default_provider_urn,
    make_urn,
    qualified_type,
    root_stack_urn,
    urn_name,
    urn_type,
)
from tests.conftest import OfflineStack

STACK_URN = root_stack_urn("s", "p")


def test_root_stack_type_is_left_out_of_its_childrens_urns() -> None:
    assert STACK_URN == "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"
    top = make_urn("s", "p", STACK_URN, "openstack:networking/network:Network", "n")
    assert top == "urn:pulumi:s::p::openstack:networking/network:Network::n"
    assert make_urn("s", "p", None, "openstack:networking/network:Network", "n") == top


def test_every_ancestors_type_is_kept() -> None:
    a = make_urn("s", "p", STACK_URN, "a:b:A", "a")
    c = make_urn("s", "p", a, "c:d:C", "c")
    e = make_urn("s", "p", c, "e:f:E", "n")
    assert e == "urn:pulumi:s::p::a:b:A$c:d:C$e:f:E::n"
    assert (qualified_type(e), urn_type(e), urn_name(e)) == ("a:b:A$c:d:C$e:f:E", "e:f:E", "n")


def test_names_may_hold_the_delimiter() -> None:
    urn = make_urn("s", "p", None, "pulumi:pulumi:StackReference", "org::weird")
    assert urn_name(urn) == "org::weird" and urn_type(urn) == "pulumi:pulumi:StackReference"


def test_default_provider_names_follow_the_requested_version() -> None:
    # Cases of ProviderRequest.DefaultName's own tests (pkg/resource/deploy/providers/provider_test.go).
    assert default_provider_name("0.18.1") == "default_0_18_1"
    assert default_provider_name("0.17.7-dev.1555435978+gb7030aa4.dirty") == (
        "default_0_17_7_dev_1555435978_gb7030aa4_dirty"
    )
    assert default_provider_name("0.18.1", "pulumi.com/pkg") == "default_0_18_1_pulumi.com/pkg"
    assert default_provider_name("", "company.com") == "default_company.com"
    assert default_provider_name() == "default"
    assert default_provider_urn("s", "p", "random", "4.21.4") == (
        "urn:pulumi:s::p::pulumi:providers:random::default_4_21_4"
    )


def test_the_offline_run_reports_engine_urns(platform_run: OfflineStack) -> None:
    records = platform_run.records
    by_urn = {r.urn: r for r in records}
    assert not [r.urn for r in records if "pulumi:pulumi:Stack$" in r.urn]
    nested = 0
    for record in records:
        parent = record.parent if record.parent in by_urn else None
        expected_prefix = f"{qualified_type(parent)}$" if parent else ""
        assert record.urn == make_urn("platform", "sovcloud", parent, record.type, record.name)
        assert qualified_type(record.urn) == f"{expected_prefix}{record.type}"
        nested += qualified_type(record.urn).count("$") >= 2
    assert nested, "the platform has grandchildren: their URNs carry every ancestor's type"
    backbone = (
        "urn:pulumi:platform::sovcloud::sovcloud:federation:Federation$sovcloud:federation:InterconnectSite"
        "$openstack:networking/network:Network::federation-lu-backbone"
    )
    assert backbone in by_urn
