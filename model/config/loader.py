"""Read a stack's `sovcloud:*` config, validate it whole, and fail before any resource exists.

Structure and types are checked by the pydantic models of each stack kind; facts that need the
catalogue (known sites, EU countries, ranges inside the plan, no overlaps) by each model's
`problems(catalogue)`. Either way the error names the stack file and the exact key.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from federation_catalogue import Catalogue, load_catalogue
from federation_catalogue.errors import ConfigError, dotted, from_validation_error, without_input
from pydantic import BaseModel, ValidationError

PROJECT = "sovcloud"
STACK_CONFIG_DIR = "stacks"


KindModels = Mapping[str, type[BaseModel]]
"""Stack kind -> its config model (the table lives beside the programs, in `infra/stack_kinds.py`)."""


@dataclass(frozen=True)
class StackConfig:
    """A validated stack config: its kind and the model of that kind."""

    kind: str
    file: str
    model: BaseModel


def stack_file_for(stack: str) -> str:
    return f"{STACK_CONFIG_DIR}/Pulumi.{stack}.yaml"


def _allowed_keys(model: type[BaseModel]) -> Callable[[tuple[int | str, ...]], list[str]]:
    """Field names (aliases first) valid at a location of the config, for 'did you mean' hints."""

    def at(loc: tuple[int | str, ...]) -> list[str]:
        annotation: Any = model
        for part in loc:
            annotation = _step(annotation, part)
            if annotation is None:
                return []
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [field.alias or name for name, field in annotation.model_fields.items()]
        return []

    return at


def _step(annotation: Any, part: int | str) -> Any:
    """The type found one step down a location: a model's field, a dict's value, a sequence's item."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    args = [a for a in typing.get_args(annotation) if a is not type(None) and a is not Ellipsis]
    origin = typing.get_origin(annotation)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (tuple, list) and args:
        return args[0]
    if origin in (typing.Union, types.UnionType):
        return next((a for a in args if _step(a, part) is not None), None)
    return None


def validate_stack_config(
    raw: Mapping[str, Any], file: str, kinds: KindModels, catalogue: Catalogue | None = None
) -> StackConfig:
    """Validate raw config (`project:key` -> value; structured values as objects or JSON strings)."""
    catalogue = catalogue or load_catalogue()
    prefix = f"{PROJECT}:"
    problems: list[tuple[str, str]] = []
    for key in raw:
        namespace = key.split(":", 1)[0]
        if namespace in ("openstack", "kubernetes", "keycloak"):
            problems.append((key, "default providers are never used; configure the site in the catalogue"))
        elif key.startswith(prefix) and key[len(prefix) :] not in ("kind", *kinds):
            problems.append((key, f"unknown key (valid keys: {prefix}kind, {', '.join(prefix + k for k in kinds)})"))
    kind = _decode(raw.get(f"{prefix}kind"))
    if not isinstance(kind, str) or kind not in kinds:
        problems.append((f"{prefix}kind", f"must be one of {', '.join(kinds)}"))
        raise ConfigError(file, problems)
    body_key = f"{prefix}{kind}"
    for other in kinds:
        if other != kind and f"{prefix}{other}" in raw:
            problems.append((f"{prefix}{other}", f"does not belong in a {kind} stack"))
    if body_key not in raw:
        problems.append((body_key, "required key is missing"))
    if problems:
        raise ConfigError(file, problems)
    model_type = kinds[str(kind)]
    try:
        model = model_type.model_validate(_decode(raw[body_key]))
    except ValidationError as error:
        raise from_validation_error(file, body_key, error, _allowed_keys(model_type)) from None
    check: Callable[[Catalogue], list[tuple[tuple[int | str, ...], str]]] = model.problems  # type: ignore[attr-defined]
    semantic: dict[str, str] = {}
    body = _decode(raw[body_key])
    for loc, message in check(catalogue):
        # one error per key (the first, most basic one), never quoting the value found there
        semantic.setdefault(dotted(body_key, loc), without_input(message, _value_at(body, loc)))
    if semantic:
        raise ConfigError(file, list(semantic.items()))
    return StackConfig(kind=str(kind), file=file, model=model)


def read_stack_file(path: Path) -> dict[str, Any]:
    """A stack file's `config:` block, as `project:key` -> value (structured values kept as objects).

    Raises UnreadableFile (not read within the limits) or ConfigError (a stack file the engine refuses)."""
    from model.stack_file import read_stack_document

    config = read_stack_document(path).get("config") or {}
    return {(k if ":" in k else f"{PROJECT}:{k}"): v for k, v in config.items()}


def _value_at(body: Any, loc: tuple[int | str, ...]) -> Any:
    """The raw value at a location of the config (None when the path does not lead anywhere)."""
    for part in loc:
        if isinstance(body, list) and isinstance(part, int):
            body = body[part] if -len(body) <= part < len(body) else None
        elif isinstance(body, dict):
            body = body.get(part)
        else:
            return None
    return body


def _decode(value: Any) -> Any:
    """Structured config reaches the program JSON-encoded; stack files hold it as objects."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
