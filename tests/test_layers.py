"""Layers read from the ground up: no module imports from a layer above its own.

federation_catalogue (owned by the pack) -> model -> components -> infra (programs) -> sovcloud
(the command). The pack's rules stand on the catalogue alone. Checked over every import statement,
including those inside functions, so a cycle cannot hide in a late import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the packages of ours it may import (itself always allowed)
MAY_IMPORT: dict[str, set[str]] = {
    "federation_catalogue": set(),
    "model": {"federation_catalogue"},
    "components": {"federation_catalogue", "model"},
    "infra": {"federation_catalogue", "model", "components"},
    "sovereign_rules": {"federation_catalogue"},
    "sovcloud": {"federation_catalogue", "model", "components", "infra"},
}
SOURCES: dict[str, Path] = {
    "federation_catalogue": ROOT / "policies" / "federation_catalogue",
    "model": ROOT / "model",
    "components": ROOT / "components",
    "infra": ROOT / "infra",
    "sovereign_rules": ROOT / "policies" / "sovereign_rules",
    "sovcloud": ROOT / "sovcloud",
}


def _imported(path: Path) -> set[str]:
    """Top-level names of every absolute import in a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_no_module_imports_from_a_layer_above_it(package: str) -> None:
    ours = set(MAY_IMPORT)
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(SOURCES[package].rglob("*.py"))
        for name in sorted(_imported(path) & ours - {package} - MAY_IMPORT[package])
    ]
    assert wrong == []


def test_the_entry_point_only_runs_the_program() -> None:
    assert _imported(ROOT / "__main__.py") == {"infra"}


def test_the_layer_check_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def late():\n    from sovcloud.check import run_check\n", encoding="utf-8")
    assert "sovcloud" in _imported(module)
