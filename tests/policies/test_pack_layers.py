"""Inside the pack: rule families stand on the core alone, and the core on no family."""

from __future__ import annotations

import ast
from pathlib import Path

from .harness import RULES_DIR

CORE = RULES_DIR / "core"
FAMILIES = sorted(p for p in RULES_DIR.glob("*.py") if p.name != "__init__.py")


def _relative_imports(path: Path) -> set[str]:
    """Modules of the rules package a module imports, as dotted names relative to the package."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = (node.module or "").split(".")
            if node.level == 1 and path.parent == CORE:
                base = ["core", *base]
            found.add(".".join(b for b in base if b))
    return found


def test_families_import_only_the_core() -> None:
    wrong = {
        f"{path.name} imports .{name}"
        for path in FAMILIES
        for name in _relative_imports(path)
        if not name.startswith("core")
    }
    assert wrong == set()


def test_the_core_imports_no_family() -> None:
    wrong = {
        f"core/{path.name} imports .{name}"
        for path in sorted(CORE.glob("*.py"))
        for name in _relative_imports(path)
        if not name.startswith("core")
    }
    assert wrong == set()


def test_no_family_reaches_for_a_private_name() -> None:
    private = [
        f"{path.name}: {alias.name}"
        for path in [*FAMILIES, *CORE.glob("*.py")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "__future__" and node.module != "__future__"
    ]
    assert private == []
