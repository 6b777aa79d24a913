"""The Pulumi program: validate the stack's config, then declare its kind's resources. No logic here.

Validation raises before any resource is registered, naming the stack file and the key.
"""

from __future__ import annotations

import pulumi
import pulumi.runtime.config
from federation_catalogue import load_catalogue

from infra.stack_kinds import parse_stack_config, run_program
from model.config.loader import stack_file_for


def run() -> None:
    # The engine hands config over as PULUMI_CONFIG; tests and mocks set it in-process.
    raw = {**pulumi.runtime.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    catalogue = load_catalogue()
    run_program(parse_stack_config(raw, stack_file_for(pulumi.get_stack()), catalogue), catalogue)
