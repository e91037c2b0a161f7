"""The protocol library must stay publishable on its own: no Home Assistant import."""

from __future__ import annotations

import ast
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[2] / "custom_components" / "onkyo_eiscp" / "eiscp"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_library_never_imports_homeassistant() -> None:
    """No module of eiscp/ imports homeassistant (directly or as a submodule)."""
    files = sorted(LIBRARY.rglob("*.py"))
    assert files
    offenders = {
        str(path.relative_to(LIBRARY)): name
        for path in files
        for name in _imports(path)
        if name == "homeassistant" or name.startswith("homeassistant.")
    }
    assert offenders == {}
