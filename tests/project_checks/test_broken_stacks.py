"""One stack file per case, each breaking exactly one rule: the finding names the file and the key."""

from __future__ import annotations

from typing import Any

import pytest

from tests.project_checks.conftest import STACK, Scratch, clean_stack, tenant

Doc = dict[str, Any]
PEM = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)
CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2FmZmVpbmUgaXMgbm90IGEgc2VjcmV0\n-----END CERTIFICATE-----\n"


def top(key: str, value: Any) -> Any:
    def mutate(doc: Doc) -> None:
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value

    return mutate


def both(*mutations: Any) -> Any:
    def mutate(doc: Doc) -> None:
        for m in mutations:
            m(doc)

    return mutate


def in_tenant(path: str, value: Any) -> Any:
    def mutate(doc: Doc) -> None:
        target: Any = tenant(doc)
        parts = path.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value

    return mutate


SECRETS_PROVIDER = "secrets-provider-in-federation"
ESC = "stack-uses-no-esc-environment"
OUTSIDE = "config-points-inside-federation"
PLAINTEXT = "no-plaintext-credential"

CASES: list[tuple[str, Any, str, str]] = [
    # (case, mutation, policy, key)
    (
        "no provider and no salt: the backend's default",
        both(top("secretsprovider", None), top("encryptionsalt", None)),
        SECRETS_PROVIDER,
        "secretsprovider",
    ),
    ("'default' is Pulumi Cloud's key service", top("secretsprovider", "default"), SECRETS_PROVIDER, "secretsprovider"),
    ("AWS KMS", top("secretsprovider", "awskms://alias/state?region=eu-west-1"), SECRETS_PROVIDER, "secretsprovider"),
    (
        "Azure Key Vault",
        top("secretsprovider", "azurekeyvault://vault.vault.azure.net/keys/state"),
        SECRETS_PROVIDER,
        "secretsprovider",
    ),
    (
        "Google Cloud KMS",
        top("secretsprovider", "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k"),
        SECRETS_PROVIDER,
        "secretsprovider",
    ),
    ("an unknown provider", top("secretsprovider", "sops"), SECRETS_PROVIDER, "secretsprovider"),
    ("hashivault without a key", top("secretsprovider", "hashivault://"), SECRETS_PROVIDER, "secretsprovider"),
    ("passphrase without its salt", top("encryptionsalt", None), SECRETS_PROVIDER, "encryptionsalt"),
    ("a placeholder salt", top("encryptionsalt", "PLACEHOLDER"), SECRETS_PROVIDER, "encryptionsalt"),
    (
        "a salt that is not base64",
        top("encryptionsalt", "v1:not base64!:v1:abc=:def="),
        SECRETS_PROVIDER,
        "encryptionsalt",
    ),
    ("an ESC environment list", top("environment", ["sovcloud/prod"]), ESC, "environment"),
    ("an ESC environment imports", top("environment", {"imports": ["sovcloud/prod"]}), ESC, "environment"),
    (
        "a URL on the internet",
        in_tenant("webhook", "https://hooks.example.com/notify"),
        OUTSIDE,
        "sovcloud:tenant.webhook",
    ),
    (
        "a look-alike of a catalogue host",
        in_tenant("identity", "https://keystone.eu-lu-1.sov.internal.evil.example/v3"),
        OUTSIDE,
        "sovcloud:tenant.identity",
    ),
    (
        "an image from Docker Hub",
        in_tenant("registry", "docker.io/library/nginx:1.27"),
        OUTSIDE,
        "sovcloud:tenant.registry",
    ),
    ("a host:port outside", in_tenant("syslog", "logs.example.org:6514"), OUTSIDE, "sovcloud:tenant.syslog"),
    (
        "a bare host under a host key",
        in_tenant("vaultHost", "vault.hashicorp.cloud"),
        OUTSIDE,
        "sovcloud:tenant.vaultHost",
    ),
    ("a public resolver", in_tenant("dnsServer", "8.8.8.8"), OUTSIDE, "sovcloud:tenant.dnsServer"),
    ("a private address outside the plan", in_tenant("ntp", "192.168.1.10"), OUTSIDE, "sovcloud:tenant.ntp"),
    (
        "a URL on an address outside the plan",
        in_tenant("metrics", "https://172.16.0.5:9090/api"),
        OUTSIDE,
        "sovcloud:tenant.metrics",
    ),
    (
        "a URL in a list",
        in_tenant("mirrors", ["https://images.eu-lu-1.sov.internal/", "https://mirror.example.net/"]),
        OUTSIDE,
        "sovcloud:tenant.mirrors[1]",
    ),
    (
        "a nested plaintext password",
        in_tenant("database.password", "hunter2-but-longer"),
        PLAINTEXT,
        "sovcloud:tenant.database.password",
    ),
    (
        "a numeric password",
        in_tenant("database.adminPassword", 123456),
        PLAINTEXT,
        "sovcloud:tenant.database.adminPassword",
    ),
    ("an API key by name", in_tenant("monitoring.apiKey", "abc"), PLAINTEXT, "sovcloud:tenant.monitoring.apiKey"),
    (
        "a client secret by name",
        in_tenant("oidc.clientSecret", "s3cr3t"),
        PLAINTEXT,
        "sovcloud:tenant.oidc.clientSecret",
    ),
    (
        "a VPN pre-shared key by name",
        in_tenant("vpn.psk", "correct horse battery staple"),
        PLAINTEXT,
        "sovcloud:tenant.vpn.psk",
    ),
    ("tokens in a list", in_tenant("tokens", ["first-token"]), PLAINTEXT, "sovcloud:tenant.tokens[0]"),
    (
        "a PEM private key under an innocent name",
        in_tenant("bootstrapData", PEM),
        PLAINTEXT,
        "sovcloud:tenant.bootstrapData",
    ),
    ("an AWS access key ID", in_tenant("backupUser", "AKIAIOSFODNN7EXAMPLE"), PLAINTEXT, "sovcloud:tenant.backupUser"),
    (
        "a Pulumi access token",
        in_tenant("ci", "pul-" + "0123456789abcdef" * 2 + "01234567"),
        PLAINTEXT,
        "sovcloud:tenant.ci",
    ),
    (
        "a password inside a URL",
        in_tenant("database.dsn", "postgresql://ledger:hunter2@10.80.0.10:5432/ledger"),
        PLAINTEXT,
        "sovcloud:tenant.database.dsn",
    ),
    ("a long random string", in_tenant("hmac", "q8ZtG2vN7xLr4WcP9sKj3YbHm6DfA1eU"), PLAINTEXT, "sovcloud:tenant.hmac"),
    ("a long hexadecimal key", in_tenant("seed", "9f" * 32), PLAINTEXT, "sovcloud:tenant.seed"),
    (
        "a top-level key without namespace",
        top("config", {**clean_stack()["config"], "dbPassword": "plain"}),
        PLAINTEXT,
        "sovcloud:dbPassword",
    ),
]


@pytest.mark.parametrize(("mutation", "policy", "key"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_broken_stack_gives_one_finding_naming_file_and_key(
    scratch: Scratch, mutation: Any, policy: str, key: str
) -> None:
    document = clean_stack()
    mutation(document)
    scratch.write_stack(document)
    findings = scratch.check()
    assert [(f.policy, f.file, f.key) for f in findings] == [(policy, STACK, key)], findings
    (finding,) = findings
    assert finding.blocking and finding.source == "project"
    assert finding.message and "\n" not in finding.message


ALLOWED: list[tuple[str, Any]] = [
    ("passphrase named by its salt alone (what Pulumi writes)", top("secretsprovider", None)),
    (
        "the federation's Vault",
        both(top("secretsprovider", "hashivault://sovcloud-state"), top("encryptionsalt", None)),
    ),
    ("a catalogue host with a path", in_tenant("mirror", "https://images.eu-lu-1.sov.internal/debian/12.qcow2")),
    ("another host of the federation's zone", in_tenant("webhook", "https://alerts.eu-be-1.sov.internal/hook")),
    ("an IPv6 address in the plan", in_tenant("dnsServer", "fd5e:c10d:a000:1000::53")),
    ("a URL on an address in the plan", in_tenant("metrics", "https://10.96.1.30/")),
    ("a certificate is not a secret", in_tenant("caBundle", CERT)),
    ("a reference to a Kubernetes secret", in_tenant("database.secretName", "ledger-db")),
    ("a secure token", in_tenant("tokens", [{"secure": "v1:wnNUfh81mhnFc4ln:CLmSJpeVjEHUkcWgjak8zVgiF570rQ=="}])),
    ("a boolean under a secret name", in_tenant("password", False)),
    ("an empty password", in_tenant("password", "")),
    ("a digest-pinned image path", in_tenant("workload", "finance/portal@sha256:" + "ab" * 32)),
    ("a version string", in_tenant("release", "v2.3.1")),
    ("an image checksum", in_tenant("checksumSha256", "9f" * 32)),
]


@pytest.mark.parametrize("mutation", [c[1] for c in ALLOWED], ids=[c[0] for c in ALLOWED])
def test_what_stays_in_the_federation_passes(scratch: Scratch, mutation: Any) -> None:
    document = clean_stack()
    mutation(document)
    scratch.write_stack(document)
    assert scratch.check() == []


def test_an_unreadable_stack_file_is_a_finding_not_a_crash(scratch: Scratch) -> None:
    (scratch.root / STACK).write_text("config: [unclosed\n", encoding="utf-8")
    (finding,) = scratch.check()
    assert finding.file == STACK and finding.blocking
