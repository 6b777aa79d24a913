"""Nothing secret reaches a report: reports go to code scanning, job summaries and artifacts.

A value is secret when the program marked it so (Pulumi's wire form wraps it in a signature
object) or when it sits under a key that names a credential (`password`, `clientSecret`,
`secretAccessKey`, `token`, ...), whatever the program did. Such values become `[secret]` in
resource inputs and stack outputs, and the plaintext of every secret found is then scrubbed from
every other text of the result (a finding's message, a note), so a policy or a program that
quotes a secret in a message does not leak it either.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sovcloud.results import CheckResult, Finding, ResourceRecord, StackResult

REDACTED = "[secret]"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the SDK's unknown-value sentinel: never a secret
SIG_KEY = "4dabf18193072939515e22adb298388d"  # Pulumi's key marking a special value in wire form
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # ... and the signature of a secret
CREDENTIAL_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "privatekey",
    "apikey",
    "accesskey",
    "sessionkey",
    "encryptedkey",
    "encryptionsalt",
)
MIN_SCRUBBED = 4
"""Shorter secrets are not searched for in other text: replacing every `ab` would garble reports."""
MIN_SCRUBBED_BY_KEY = 8
"""Values found only by their key's name (`tokenTtl`, `secretName`) are often plain words: only the
longer ones are scrubbed from other text, so `admin` does not vanish from every message."""


def credential_key(name: str) -> bool:
    """Whether a key names a credential (case, dashes and underscores ignored)."""
    normalized = re.sub(r"[^a-z0-9]", "", name.lower())
    return normalized.endswith("pass") or any(word in normalized for word in CREDENTIAL_WORDS)


def _plaintexts(value: Any, found: set[str], shortest: int) -> None:
    """Every string inside a secret value (numbers are redacted in place, never searched for)."""
    if isinstance(value, str):
        if len(value) >= shortest and value not in (REDACTED, UNKNOWN):
            found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _plaintexts(item, found, shortest)
    elif isinstance(value, list | tuple):
        for item in value:
            _plaintexts(item, found, shortest)


def redact_value(value: Any, found: set[str], *, credential: bool = False) -> Any:
    """`value` with every secret replaced by `[secret]`; each secret's plaintext is added to `found`."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            if value.get("value") == UNKNOWN:
                return value  # a secret not yet known (a preview's ID): nothing to hide, keep its shape
            _plaintexts(value.get("value"), found, MIN_SCRUBBED)
            return REDACTED
        return {
            key: redact_value(item, found, credential=credential or credential_key(str(key)))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(item, found, credential=credential) for item in value]
    if credential and value is not None and not isinstance(value, bool) and value != "":
        _plaintexts(value, found, MIN_SCRUBBED_BY_KEY)
        return REDACTED
    return value


def scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _scrub_deep(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {key: _scrub_deep(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_deep(item, secrets) for item in value]
    return value


def _finding(finding: Finding, secrets: list[str]) -> Finding:
    return replace(finding, message=scrub(finding.message, secrets))


def redacted(result: CheckResult) -> CheckResult:
    """A copy of the result that every report may print: no secret value, anywhere."""
    found: set[str] = set()
    stacks: list[StackResult] = []
    for stack in result.stacks:
        records: list[ResourceRecord] = [replace(r, inputs=redact_value(r.inputs, found)) for r in stack.resources]
        stacks.append(replace(stack, resources=records, outputs=redact_value(stack.outputs, found)))
    secrets = sorted(found, key=len, reverse=True)  # longest first: a secret containing another stays whole
    if secrets:
        stacks = [
            replace(
                stack,
                resources=[replace(r, inputs=_scrub_deep(r.inputs, secrets)) for r in stack.resources],
                outputs=_scrub_deep(stack.outputs, secrets),
                findings=[_finding(f, secrets) for f in stack.findings],
            )
            for stack in stacks
        ]
    return replace(
        result,
        stacks=stacks,
        project_findings=[_finding(f, secrets) for f in result.project_findings],
        notes=[scrub(note, secrets) for note in result.notes],
    )
