"""The `encryptionsalt` of a stack file, made the way Pulumi's passphrase secrets provider makes it.

Pulumi (pkg/secrets/passphrase) derives a 32-byte key with PBKDF2-HMAC-SHA256, 1,000,000
iterations, over the passphrase and an 8-byte random salt, then encrypts the string "pulumi" with
AES-256-GCM under a 12-byte random nonce. The salt state is
`v1:<base64 salt>:v1:<base64 nonce>:<base64 ciphertext+tag>`; the CLI later checks a passphrase by
decrypting that message. Writing it here lets `sovcloud tenant new` produce a stack file the CLI
accepts without `pulumi stack init` having to rewrite it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

ITERATIONS = 1_000_000
KEY_BYTES = 32
SALT_BYTES = 8
NONCE_BYTES = 12
CHECK_MESSAGE = b"pulumi"


def derive_key(passphrase: str, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=ITERATIONS)
    return kdf.derive(passphrase.encode("utf-8"))


def encrypt_value(key: bytes, plaintext: str) -> str:
    """A config ciphertext as Pulumi's symmetric crypter writes it: `v1:<nonce>:<ciphertext>`."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), None)
    return f"v1:{_b64(nonce)}:{_b64(sealed)}"


def decrypt_value(key: bytes, ciphertext: str) -> str:
    version, nonce, sealed = ciphertext.split(":")
    if version != "v1":
        raise ValueError(f"unknown ciphertext version {version!r}")
    return AESGCM(key).decrypt(base64.b64decode(nonce), base64.b64decode(sealed), None).decode("utf-8")


def new_encryption_salt(passphrase: str) -> str:
    """A fresh `encryptionsalt` for the passphrase."""
    salt = os.urandom(SALT_BYTES)
    return f"v1:{_b64(salt)}:{encrypt_value(derive_key(passphrase, salt), CHECK_MESSAGE.decode())}"


def passphrase_matches(passphrase: str, encryption_salt: str) -> bool:
    """True when the passphrase unlocks the salt state (what the CLI checks before decrypting config)."""
    version, salt, message = encryption_salt.split(":", 2)
    if version != "v1":
        return False
    try:
        return decrypt_value(derive_key(passphrase, base64.b64decode(salt)), message) == CHECK_MESSAGE.decode()
    except (InvalidTag, ValueError):
        return False


def passphrase_from_environment() -> str | None:
    """The passphrase the CLI would use: PULUMI_CONFIG_PASSPHRASE, else PULUMI_CONFIG_PASSPHRASE_FILE."""
    if "PULUMI_CONFIG_PASSPHRASE" in os.environ:
        return os.environ["PULUMI_CONFIG_PASSPHRASE"]
    path = os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
