"""Import the pack's rules in-process the way the CLI's runpy does: pack directory first on sys.path."""

from __future__ import annotations

import sys
from types import ModuleType

from .harness import PACK_DIR


def rules_package() -> ModuleType:
    if str(PACK_DIR) not in sys.path:
        sys.path.insert(0, str(PACK_DIR))
    import sovereign_rules

    return sovereign_rules
