"""No policy raises, whatever it is given: malformed, missing, None, wrongly typed, unknown or secret.

Hypothesis mutates the example baselines (so deep paths are reached) and also generates free-form
property bags; every policy's validate function is called directly through the SDK's own
proxies (`unknown_checking_proxy(deserialize_properties(wire))`), and a smaller number of stacks go
through the real gRPC protocol. A policy that raised would fail the whole `pulumi preview`; the
pack's fail-closed guard would turn it into an "internal error" violation, so the test also
asserts that guard never fires.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import (
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    unknown_checking_proxy,
)

from sovcloud.analyzer import PolicyPackSession
from sovcloud.results import ResourceRecord

from .harness import SECRET_KEY, SECRET_SIG, STACK, load_cases, load_providers, materialize, urn
from .pack_loader import rules_package

RULES = rules_package()
INTERNAL_ERROR = RULES.core.framework.INTERNAL_ERROR
CASES = load_cases()
BASELINES: dict[str, list[dict[str, Any]]] = {}
for _case in CASES:
    for _record in _case.records:
        BASELINES.setdefault(_record.type, []).append(_record.inputs)
EXTRA_TYPES = [
    "openstack:networking/routerInterface:RouterInterface",
    "kubernetes:apps/v1:DaemonSetPatch",
    "kubernetes:apiextensions.k8s.io:CustomResource",
    "kubernetes:crd.projectcalico.org/v1:NetworkPolicy",
    "kubernetes:helm.sh/v4:Chart",
    "sovcloud:tenant:Tenant",
]
TYPES = sorted(set(BASELINES) | set(EXTRA_TYPES))


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from _keys(child)
    elif isinstance(value, list):
        for child in value:
            yield from _keys(child)


KEYS = sorted(
    ({k for inputs in BASELINES.values() for k in _keys(inputs)} | {"spec", "metadata", "template"}) - {SECRET_KEY}
)
SENTINELS = [
    UNKNOWN_STRING_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
]
TEXTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "0.0.0.0/0",
            "::/0",
            "10.64.0.0/10",
            "::ffff:8.8.8.8",
            "300.1.1.1/33",
            "fd5e:c10d:a000::/48",
            "eu-lu-1",
            "https://keystone.eu-lu-1.sov.internal:5000/v3",
            "nginx",
            "oci://",
            "true",
            "allow",
            "In",
            "NotIn",
            "LoadBalancer",
            "Egress",
            "world",
            "[scs:aspects",
            "default_1",
            "{",
            "[]",
            "fe80::1%eth0",
            "",
            # documents, URLs and forms the closed-world reader parses
            '{"clusters": [{"cluster": {"server": "https://evil.example", "proxy-url": 5}}]}',
            "a:\n  - http://x.example\n  - {b: [1, 2]}\n",
            "[" * 200 + "]" * 200,
            "jdbc:oracle:thin:@",
            "jdbc:sqlserver://;x",
            "s3://b?endpoint=",
            "http://[::1",
            "http://a@b@c:99999/",
            "http://%zz/",
            "http://xn--/",
            "0x7f.1",
            "*",
            "git@:x",
            "user@[::1]:p",
            "https://\u0455ov.internal\\@x/",
        ]
    ),
    st.sampled_from(SENTINELS),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), TEXTS)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), children, max_size=5),
        children.map(lambda v: {SECRET_KEY: SECRET_SIG, "value": v}),
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict) and SECRET_KEY in value:  # a secret on the wire: only its value may vary
        found += _paths(value.get("value"), (*prefix, "value")) if "value" in value else []
    elif isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def property_bags(draw: st.DrawFn, resource_type: str) -> dict[str, Any]:
    """A baseline of this type with a few subtrees replaced, or a free-form bag."""
    baselines = BASELINES.get(resource_type)
    if not baselines or draw(st.integers(0, 3)) == 0:
        own = sorted({k for inputs in baselines or [] for k in _keys(inputs)} - {SECRET_KEY}) or KEYS
        return draw(st.dictionaries(st.one_of(st.sampled_from(own), st.sampled_from(KEYS)), VALUES, max_size=6))
    bag = copy.deepcopy(draw(st.sampled_from(baselines)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(bag) if p]
        if not paths:
            break
        *parents, last = draw(st.sampled_from(paths))
        node: Any = bag
        for step in parents:
            node = node[step]
        node[last] = draw(VALUES)
    return bag


def _proxied(wire: dict[str, Any]) -> Any:
    return unknown_checking_proxy(deserialize_properties(wire))


def _provider(draw: st.DrawFn) -> PolicyProviderResource | None:
    providers = load_providers()
    choice = draw(st.sampled_from([None, *sorted(providers), "random"]))
    if choice is None:
        return None
    if choice == "random":
        props: dict[str, Any] = draw(
            st.dictionaries(st.sampled_from([*KEYS, "region", "authUrl", "kubeconfig"]), VALUES)
        )
        ptype = draw(st.sampled_from(["pulumi:providers:openstack", "pulumi:providers:kubernetes"]))
        return PolicyProviderResource(ptype, _proxied(props), urn(ptype, "p"), draw(st.sampled_from(["p", "default"])))
    spec = providers[choice]
    return PolicyProviderResource(
        spec["type"], _proxied(materialize(spec["inputs"])), urn(spec["type"], spec["name"]), spec["name"]
    )


def _options(protect: bool) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], None, [], None)  # type: ignore[arg-type]


RULE_LIST = RULES.rules()


def _applicable(rule: Any) -> list[str]:
    """The types a rule dispatches to (so most draws exercise its checks, not its type filter)."""
    checks = getattr(rule, "checks", {}) or {}
    fallback = getattr(rule, "fallback", None)
    found = set(checks) | {t for t in TYPES if fallback is not None and fallback(t) is not None}
    return sorted(found) or TYPES


@pytest.mark.parametrize("rule", RULE_LIST, ids=[r.name for r in RULE_LIST])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_policy_never_raises_on_any_input(rule: Any, data: st.DataObject) -> None:
    policy = rule.policy()
    messages: list[str] = []

    def report(message: str, urn_: str | None = None) -> None:
        assert isinstance(message, str) and message
        messages.append(message)

    config = data.draw(
        st.one_of(
            st.just({}),
            st.dictionaries(st.sampled_from(["catalogue", "encryptedVolumeTypes", "vendorIdentifiers"]), VALUES),
        )
    )
    if isinstance(policy, ResourceValidationPolicy):
        resource_type = data.draw(st.one_of(st.sampled_from(_applicable(rule)), st.sampled_from(TYPES)))
        props = data.draw(property_bags(resource_type))
        args = ResourceValidationArgs(
            resource_type,
            _proxied(props),
            urn(resource_type, "r"),
            "r",
            _options(data.draw(st.booleans())),
            _provider(data.draw),
            config,
        )
        policy.validate(args, report)
    else:
        resources = []
        for index in range(data.draw(st.integers(0, 4))):
            resource_type = data.draw(st.sampled_from(TYPES))
            resources.append(
                PolicyResource(
                    resource_type,
                    _proxied(data.draw(property_bags(resource_type))),
                    urn(resource_type, f"r{index}"),
                    f"r{index}",
                    _options(False),
                    _provider(data.draw),
                    None,
                    [],
                    {},
                )
            )
        for resource in resources:  # wire some parents and dependencies between them
            if resources and data.draw(st.booleans()):
                other = data.draw(st.sampled_from(resources))
                resource.parent = other
                resource.dependencies.append(other)
                resource.property_dependencies["metadata"] = [other]
        policy.validate(StackValidationArgs(resources, config), report)
    if config.get("catalogue") in (None, {}):
        assert not [m for m in messages if INTERNAL_ERROR in m], messages


GRPC_TYPES = sorted(BASELINES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_pack_never_fails_a_grpc_call(data: st.DataObject, pack_session: PolicyPackSession) -> None:
    providers = load_providers()
    records: list[ResourceRecord] = []
    for key in sorted(providers):
        spec = providers[key]
        records.append(
            ResourceRecord(
                urn(spec["type"], spec["name"]), spec["type"], spec["name"], True, inputs=materialize(spec["inputs"])
            )
        )
    for index in range(data.draw(st.integers(1, 4))):
        resource_type = data.draw(st.sampled_from(GRPC_TYPES))
        provider = data.draw(st.sampled_from(records[: len(providers)]))
        records.append(
            ResourceRecord(
                urn(resource_type, f"r{index}"),
                resource_type,
                f"r{index}",
                True,
                provider=provider.urn,
                inputs=data.draw(property_bags(resource_type)),
                protect=data.draw(st.booleans()),
            )
        )
    findings = pack_session.analyze_stack(STACK, records)  # raises PolicyPackError if a call failed
    assert not [f for f in findings if INTERNAL_ERROR in f.message]
    assert not [f for f in findings if "can't run policy" in f.message]
