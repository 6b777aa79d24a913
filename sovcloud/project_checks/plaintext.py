"""No credential in plaintext: by the key's name or by the value's shape, unless it is `secure:`.

By name: the key's *last* word says it holds a secret (`password`, `dbPassword`, `apiKey`,
`privateKey`, `token`, `clientSecret`, `psk`...). A key whose last word describes or points at the
secret (`passwordFile`, `tokenTtl`, `secretName`, `keyId`) or is a public half (`publicKey`) does
not, and neither do booleans, nulls or empty strings.

By shape, under any key: a PEM private key, an AWS access key ID, the tokens of well-known services
(Pulumi, GitHub, GitLab, Slack), a JWT, a URL with a password in it, or a long random-looking string.
Certificates and public keys are not credentials and pass.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import urlsplit

from sovcloud.project_checks.located import Leaf
from sovcloud.project_checks.words import key_words

SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "token", "credential", "credentials", "psk", "pin"}
)
# `key` alone is too common (`key: app`); it is a secret when one of these comes right before it.
KEY_QUALIFIERS = frozenset(
    {"api", "access", "private", "secret", "signing", "encryption", "master", "sync", "auth", "shared", "client", "ssh"}
)
# Trailing words that only say how the secret is written: `privateKeyPem`, `tokenValue`.
ENCODING_WORDS = frozenset({"pem", "b64", "base64", "hex", "data", "value", "plain", "text", "string"})
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"), "a PEM private key"),
    (re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b"), "an AWS access key ID"),
    (re.compile(r"\bpul-[0-9a-f]{40}\b"), "a Pulumi Cloud access token"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), "a GitHub token"),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b"), "a GitLab token"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"), "a Slack token"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b"), "a JSON web token"),
)
_BLOB = re.compile(r"^[A-Za-z0-9+/_=-]{32,}$")
_HEX = re.compile(r"^[0-9a-fA-F]{64,}$")
# A long hex string under these names is a digest of public bytes (an image checksum), not a key.
DIGEST_WORDS = frozenset({"sha", "md5", "checksum", "digest", "hash", "fingerprint"})


def secret_by_name(name: str) -> bool:
    """The key's last word (after encodings, digits and plurals) names a secret: `dbPassword`, `apiKeys`."""
    words = [
        w.removesuffix("s") if w.endswith(("keys", "tokens", "secrets", "passwords")) else w for w in key_words(name)
    ]
    while words and (words[-1] in ENCODING_WORDS or words[-1].isdigit()):
        words.pop()
    if not words:
        return False
    last = words[-1]
    if last in SECRET_WORDS:
        return True
    return last == "key" and len(words) > 1 and words[-2] in KEY_QUALIFIERS


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def secret_by_shape(value: str, name: str = "") -> str | None:
    for pattern, what in _PATTERNS:
        if pattern.search(value):
            return what
    if "://" in value:
        parts = urlsplit(value.strip())
        if parts.password:
            return "a URL with a password in it"
        return None
    text = value.strip()
    if _HEX.match(text):
        words = key_words(name)
        return None if set(words) & DIGEST_WORDS else "a long hexadecimal key"
    if (
        _BLOB.match(text)
        and any(c.isdigit() for c in text)
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and _entropy(text) >= 4.0
    ):
        return "a long random-looking string (a key or token)"
    return None


def plaintext_problem(leaf: Leaf, name: str | None = None) -> str | None:
    """Why the leaf looks like a credential in plaintext, or None (`name`: the key that names it)."""
    if leaf.secure or leaf.value is None or isinstance(leaf.value, bool):
        return None
    value = leaf.value if isinstance(leaf.value, str) else str(leaf.value)
    if not value.strip():
        return None
    names = [name] if name else [part for part in leaf.path if isinstance(part, str)]
    if isinstance(leaf.value, str):
        shape = secret_by_shape(value, names[-1] if names else "")
        if shape:
            return f"holds {shape} in plaintext; set it with `pulumi config set --secret`"
    # The nearest name: a list's items take the list's key (`tokens: [...]`).
    if names and secret_by_name(names[-1]) and isinstance(leaf.value, str | int | float):
        return "is named like a credential and holds a plaintext value; set it with `pulumi config set --secret`"
    return None
