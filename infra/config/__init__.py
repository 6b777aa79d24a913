"""Typed models of the stack configuration, validated before any resource is declared."""

from infra.config.errors import ConfigError
from infra.config.loader import StackConfig, load_stack_config, stack_file_for

__all__ = ["ConfigError", "StackConfig", "load_stack_config", "stack_file_for"]
