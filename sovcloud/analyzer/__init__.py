"""The offline engine's analyzer client: run the policy pack as the Pulumi CLI does, over gRPC."""

from __future__ import annotations

from .client import PolicyPackError, PolicyPackSession
from .config import PolicyConfig, PolicyPackConfigError, reconcile
from .launcher import PolicyPackStartError

__all__ = [
    "PolicyConfig",
    "PolicyPackConfigError",
    "PolicyPackError",
    "PolicyPackSession",
    "PolicyPackStartError",
    "reconcile",
]
