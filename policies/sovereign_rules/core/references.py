"""The framework clauses that more than one rule family enforces, declared once."""

from __future__ import annotations

from .framework import framework

NO_INTERNET = framework(
    "SecNumCloud",
    "19.6",
    "No path to or from any address outside the federation's address plan (disconnected cloud).",
)
EU_PLACEMENT = framework(
    "SecNumCloud",
    "19.2.b",
    "Customer and technical data stored and processed in the EU (also SNC 19.2.d, BSI C5 PSS-12, EUCS PSS-05).",
)
SUPPLY_CHAIN = framework(
    "SCS",
    "scs-0104",
    "Software only from the site mirrors and registries of the disconnected federation (SNC 19.6).",
)
