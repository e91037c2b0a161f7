"""Translations: every error the code raises has a message, and no message is left over."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

COMPONENT = Path(__file__).parents[2] / "custom_components" / "onkyo_eiscp"
_KEY = re.compile(r'translation_key="([a-z0-9_]+)"')


def _strings() -> dict[str, Any]:
    strings: dict[str, Any] = json.loads((COMPONENT / "strings.json").read_text())
    return strings


def _keys_in_code() -> set[str]:
    return {key for path in COMPONENT.glob("*.py") for key in _KEY.findall(path.read_text())}


def test_every_exception_message_is_used() -> None:
    """Each message under "exceptions" is raised somewhere (no dead keys)."""
    assert set(_strings()["exceptions"]) <= _keys_in_code()


def test_every_raised_key_has_a_message() -> None:
    """Each translation key in the code names a message, an issue or an entity."""
    strings = _strings()
    entity_keys = {key for platform in strings["entity"].values() for key in platform}
    known = set(strings["exceptions"]) | set(strings["issues"]) | entity_keys
    assert _keys_in_code() <= known
