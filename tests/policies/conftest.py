"""One policy pack process for the whole test session, started exactly as the engine starts it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sovcloud.analyzer import PolicyPackSession

from .harness import PACK_DIR


@pytest.fixture(scope="session")
def pack_session() -> Iterator[PolicyPackSession]:
    with PolicyPackSession(PACK_DIR, project="sovcloud") as session:
        yield session
