"""Each stack's secrets provider must stay in the federation.

How the CLI picks a stack's secrets manager (pkg/cmd/pulumi: the stack file decides):
- `secretsprovider: <url>` of a key-management service (`awskms://`, `azurekeyvault://`, `gcpkms://`,
  `hashivault://`): that service wraps the stack's data key (`encryptedkey`);
- otherwise an `encryptionsalt` means the passphrase provider (Pulumi writes *only* the salt for a
  passphrase stack and drops `secretsprovider: passphrase` when it saves the file, so the salt is
  what counts, with or without that key);
- otherwise (`default`, or nothing) the backend's default: Pulumi Cloud's key service when logged
  in there. A stack file must never leave that choice to the login, so it is refused.

Allowed: the passphrase provider, and `hashivault://<key>`, the transit engine of the Vault/OpenBao
the operations partner runs on a site. The Vault address is not part of that URL (the CLI reads
`VAULT_SERVER_URL`), so this offline check cannot see where it points; the README requires a
`*.sov.internal` address.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from urllib.parse import urlsplit

from sovcloud.project_checks.located import Document

PASSPHRASE = "passphrase"
ALLOWED_KMS = ("hashivault",)
OUTSIDE_KMS = {
    "awskms": "AWS KMS",
    "azurekeyvault": "Azure Key Vault",
    "gcpkms": "Google Cloud KMS",
}
VALID = "valid: secretsprovider: passphrase with its encryptionsalt, or hashivault://<key> on the federation's Vault"


def salt_problem(salt: object) -> str | None:
    """Why `salt` is not a passphrase provider's state (`v1:<salt>:v1:<nonce>:<ciphertext>`, base64)."""
    if not isinstance(salt, str) or not salt.strip():
        return "is empty"
    parts = salt.split(":")
    if len(parts) != 5 or parts[0] != "v1" or parts[2] != "v1":
        return (
            f"{salt!r} is not a passphrase salt (v1:<salt>:v1:<nonce>:<ciphertext>, as `pulumi stack init` writes it)"
        )
    for part in parts[1:2] + parts[3:]:
        try:
            if not base64.b64decode(part, validate=True):
                raise binascii.Error("empty")
        except (binascii.Error, ValueError):
            return f"{salt!r} is not a passphrase salt: {part!r} is not base64"
    return None


def _holds_secure_value(value: object) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_holds_secure_value(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secure_value(v) for v in value)
    return False


def salt_pending(document: Document) -> bool:
    """A fresh passphrase stack file (as `sovcloud tenant new` writes without a passphrase): no salt yet
    and no `secure:` value that would need one. `pulumi stack init` writes the salt, so this is a note."""
    data = document.data
    provider = data.get("secretsprovider")
    return provider == PASSPHRASE and data.get("encryptionsalt") is None and not _holds_secure_value(data.get("config"))


SALT_PENDING = (
    "is missing: `pulumi stack init {stack} --secrets-provider passphrase` writes it (with the passphrase in "
    "PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE); the file holds no secret yet, so nothing waits on it"
)


def provider_problems(document: Document) -> Iterator[tuple[str, str]]:
    """(key, message) for each way the stack file's secrets provider leaves the federation."""
    data = document.data
    provider = data.get("secretsprovider")
    salt = data.get("encryptionsalt")
    if provider is not None and not isinstance(provider, str):
        yield "secretsprovider", f"must be a string ({VALID})"
        return
    name = (provider or "").strip()
    scheme = urlsplit(name).scheme.lower() if "://" in name else ""
    if scheme in ALLOWED_KMS:
        key_name = name.split("://", 1)[1].split("?", 1)[0].strip("/")
        if not key_name:
            yield "secretsprovider", f"{name!r} names no transit key (valid: hashivault://<key>)"
        return
    if scheme:
        outside = OUTSIDE_KMS.get(scheme)
        what = f"{outside}, a key-management service outside the federation" if outside else "not an allowed provider"
        yield "secretsprovider", f"{name!r} is {what} ({VALID})"
        return
    if name not in ("", PASSPHRASE, "default"):
        yield "secretsprovider", f"{name!r} is not an allowed provider ({VALID})"
        return
    if salt is None:
        if name == PASSPHRASE:
            yield "encryptionsalt", "is missing: a passphrase stack needs the salt `pulumi stack init` writes"
        elif name == "default":
            yield "secretsprovider", f"'default' is Pulumi Cloud's key service when logged in there ({VALID})"
        else:
            yield (
                "secretsprovider",
                f"is missing and so is encryptionsalt: secrets would use the backend's default, Pulumi Cloud's "
                f"key service when logged in there ({VALID})",
            )
        return
    if name == "default":
        yield "secretsprovider", f"'default' is Pulumi Cloud's key service when logged in there ({VALID})"
        return
    problem = salt_problem(salt)
    if problem:
        yield "encryptionsalt", problem
