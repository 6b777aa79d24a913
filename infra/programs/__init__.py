"""One program per stack kind (`infra/programs/<kind>.py`, each with `run(config, catalogue)`);
`infra/__main__.py` picks it from the validated config."""

from __future__ import annotations

import importlib

from infra.catalogue import Catalogue
from infra.config import StackConfig


def run_program(config: StackConfig, catalogue: Catalogue) -> None:
    """Declare the stack's resources. Config is already validated: nothing here can fail on input."""
    program = importlib.import_module(f"infra.programs.{config.kind}")
    program.run(config.model, catalogue)
