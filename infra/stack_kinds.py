"""The stack kinds: for each, the config model that validates its stack file and the program that
declares its resources, side by side. Adding a kind is adding a row here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from federation_catalogue import Catalogue
from pydantic import BaseModel

from infra.programs import bootstrap, platform, tenant
from model.config.bootstrap import BootstrapConfig
from model.config.loader import StackConfig, validate_stack_config
from model.config.platform import PlatformConfig
from model.config.tenant import TenantConfig


@dataclass(frozen=True)
class StackKind:
    config: type[BaseModel]
    program: Callable[[Any, Catalogue], None]


STACK_KINDS: Mapping[str, StackKind] = {
    "platform": StackKind(PlatformConfig, platform.run),
    "tenant": StackKind(TenantConfig, tenant.run),
    "bootstrap": StackKind(BootstrapConfig, bootstrap.run),
}

CONFIG_MODELS: Mapping[str, type[BaseModel]] = {kind: entry.config for kind, entry in STACK_KINDS.items()}


def parse_stack_config(raw: Mapping[str, Any], file: str, catalogue: Catalogue | None = None) -> StackConfig:
    """Validate a stack's raw config against the model of its kind (errors name file and key)."""
    return validate_stack_config(raw, file, CONFIG_MODELS, catalogue)


def run_program(config: StackConfig, catalogue: Catalogue) -> None:
    """Declare the stack's resources. Config is already validated: nothing here can fail on input."""
    STACK_KINDS[config.kind].program(config.model, catalogue)
