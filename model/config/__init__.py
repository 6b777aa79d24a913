"""Typed models of the stack configuration, validated before any resource is declared."""

from federation_catalogue.errors import ConfigError

from model.config.loader import StackConfig, stack_file_for, validate_stack_config

__all__ = ["ConfigError", "StackConfig", "stack_file_for", "validate_stack_config"]
