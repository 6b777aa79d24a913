"""A stack file read once, safely, and held to what the Pulumi engine itself accepts.

Every reader of `stacks/Pulumi.<stack>.yaml` (the offline check, the project checks, `tenant new`)
goes through `read_stack_document`: the file is read within the limits of `model.safe_yaml`, then
refused, naming file and key, when the engine would refuse it: a stack name Pulumi rejects, a
top-level key a stack file does not have, a key that is not a string, a `secure:` value that is
not a ciphertext string.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from federation_catalogue.errors import ConfigError

from model.safe_yaml import load_yaml_file

STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
"""Pulumi's rule for a stack name: letters, digits, `-`, `_`, `.`; 1 to 100 characters."""
TOP_LEVEL_KEYS = ("secretsprovider", "encryptedkey", "encryptionsalt", "config", "environment")
"""What a Pulumi stack settings file holds; anything else is a typo the engine would not read."""
# A ciphertext: the passphrase and service providers' `v1:<nonce>:<sealed>`, or a KMS's base64 blob.
CIPHERTEXT = re.compile(r"v1:[A-Za-z0-9+/=_-]+:[A-Za-z0-9+/=_-]+|[A-Za-z0-9+/=_-]{16,}")


def stack_name(path: Path) -> str:
    """`Pulumi.<stack>.yaml` -> `<stack>`."""
    name = path.name
    for suffix in (".yaml", ".yml"):
        name = name.removesuffix(suffix)
    return name.removeprefix("Pulumi.")


def stack_name_problem(name: str) -> str | None:
    if STACK_NAME.fullmatch(name):
        return None
    return "invalid stack name: Pulumi allows 1 to 100 letters, digits, '-', '_' and '.' (no spaces or accents)"


# Control characters (tab and newline aside) and bidirectional overrides: written as YAML escapes
# they survive parsing, and in a terminal or a review they rewrite or reorder what is shown.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, str):
        hidden = _HIDDEN.search(value)
        if hidden:
            return f"holds the invisible character U+{ord(hidden.group()):04X}: stack values are printable text"
        return None
    if not isinstance(value, _PLAIN_SCALARS):
        return f"is a YAML {type(value).__name__}: the engine reads only text, numbers, booleans, lists and mappings"
    return None


def _key_path(parent: str, key: object) -> str:
    text = str(key) if isinstance(key, str) else f"<{type(key).__name__} key>"
    return f"{parent}.{text}" if parent else text


def _shape_problems(value: Any, where: str, problems: list[tuple[str, str]]) -> None:
    """Non-string keys anywhere; `secure:` values that are not one ciphertext string."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append((_key_path(where, key), "keys must be strings (quote the key)"))
                continue
            if _HIDDEN.search(key):
                problems.append((_key_path(where, repr(key)), "a key holds an invisible character"))
                continue
            if key == "secure":
                if len(value) != 1:
                    problems.append((_key_path(where, key), "a `secure:` value stands alone in its mapping"))
                elif not (isinstance(item, str) and CIPHERTEXT.fullmatch(item)):
                    problems.append(
                        (
                            _key_path(where, key),
                            "must be a ciphertext string (set it with `pulumi config set --secret`)",
                        )
                    )
                continue
            _shape_problems(item, _key_path(where, key), problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _shape_problems(item, f"{where}[{index}]", problems)
    else:
        problem = _scalar_problem(value)
        if problem:
            problems.append((where, problem))


def stack_document_problems(document: Any, path: Path) -> list[tuple[str, str]]:
    """(key, message) for everything the engine would refuse in a stack file's content and name."""
    problems: list[tuple[str, str]] = []
    name_problem = stack_name_problem(stack_name(path))
    if name_problem:
        problems.append(("(file name)", name_problem))
    if document is None:
        return problems
    if not isinstance(document, dict):
        problems.append(("(document)", f"must be a mapping of {', '.join(TOP_LEVEL_KEYS)}"))
        return problems
    for key in document:
        if not isinstance(key, str):
            problems.append((_key_path("", key), "keys must be strings (quote the key)"))
        elif key not in TOP_LEVEL_KEYS:
            problems.append((key, f"unknown top-level key (a stack file holds: {', '.join(TOP_LEVEL_KEYS)})"))
    for key in ("secretsprovider", "encryptedkey", "encryptionsalt"):
        if key in document and not isinstance(document[key], str):
            problems.append((key, "must be a string"))
    config = document.get("config")
    if config is not None and not isinstance(config, dict):
        problems.append(("config", "must be a mapping of `namespace:key: value`"))
    elif isinstance(config, dict):
        _shape_problems(config, "", problems)
    return problems


def read_stack_document(path: Path, *, shown: str | None = None) -> dict[str, Any]:
    """The stack file's mapping ({} when empty). Raises UnreadableFile (it could not be read within
    the limits) or ConfigError (it was read, and the engine would refuse it), naming the file."""
    name = shown or str(path)
    document = load_yaml_file(path, shown=name)
    problems = stack_document_problems(document, path)
    if problems:
        raise ConfigError(name, problems)
    return document if isinstance(document, dict) else {}
