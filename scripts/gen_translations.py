"""Write translations/en.json from strings.json, resolving ``[%key:...%]`` references.

Home Assistant core does this for its own integrations; a custom integration ships the
resolved file. References point into Home Assistant's own strings.json ("common::...")
or into ours. Run: .venv/bin/python scripts/gen_translations.py [--check]
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys
from typing import Any

import homeassistant

ROOT = Path(__file__).resolve().parent.parent
COMPONENT = ROOT / "custom_components" / "onkyo_eiscp"
STRINGS = COMPONENT / "strings.json"
OUTPUT = COMPONENT / "translations" / "en.json"
_REFERENCE = re.compile(r"\[%key:([a-z0-9_:]+)%\]")


def _lookup(tree: dict[str, Any], path: str) -> str:
    node: Any = tree
    for part in path.split("::"):
        node = node[part]
    if not isinstance(node, str):
        raise TypeError(f"[%key:{path}%] does not point at a string")
    return node


def resolve(strings: dict[str, Any], core: dict[str, Any]) -> dict[str, Any]:
    """``strings`` with every reference replaced by the text it points at."""

    def text(value: str) -> str:
        def replace(match: re.Match[str]) -> str:
            path = match.group(1)
            if path.startswith("common::"):
                return text(_lookup(core, path))
            return text(_lookup(strings, path.removeprefix("component::onkyo_eiscp::")))

        return _REFERENCE.sub(replace, value)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return text(node) if isinstance(node, str) else node

    result: dict[str, Any] = walk(strings)
    return result


def render() -> str:
    """The text en.json must have."""
    core = json.loads((Path(homeassistant.__file__).parent / "strings.json").read_text())
    strings = json.loads(STRINGS.read_text())
    return json.dumps(resolve(strings, core), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Write en.json, or with --check report whether it is current."""
    wanted = render()
    if "--check" in sys.argv[1:]:
        if not OUTPUT.exists() or OUTPUT.read_text() != wanted:
            print(f"{OUTPUT} is stale: run scripts/gen_translations.py")
            return 1
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
