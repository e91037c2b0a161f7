"""Brand images shipped with the integration, and the quality scale tier the manifest claims."""

from __future__ import annotations

from http import HTTPStatus
import json
from pathlib import Path
import struct
import sys

import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import yaml

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "custom_components" / "onkyo_eiscp"
BRAND = INTEGRATION / "brand"

# Home Assistant's integration quality scale, tier by tier, lowest first: the rules and
# tiers of ALL_RULES in Home Assistant's script/hassfest/quality_scale.py (hassfest is not
# part of the installed homeassistant package, so the table lives here).
RULES = {
    "bronze": [
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow-test-coverage",
        "config-flow",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ],
    "silver": [
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ],
    "gold": [
        "devices",
        "diagnostics",
        "discovery-update-info",
        "discovery",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}


def png_size(data: bytes) -> tuple[int, int, int]:
    """Width, height and colour type from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height, _depth, color_type = struct.unpack(">IIBB", data[16:26])
    return width, height, color_type


@pytest.mark.parametrize(
    ("name", "width", "height"),
    [
        ("icon.png", 256, 256),
        ("icon@2x.png", 512, 512),
        ("logo.png", 320, 128),
        ("logo@2x.png", 640, 256),
    ],
)
def test_brand_image_sizes(name: str, width: int, height: int) -> None:
    """Icons are square 256/512 px; logos' short side is 128-256 px (512 for @2x)."""
    assert png_size((BRAND / name).read_bytes()) == (width, height, 6)  # 6: RGBA


def test_brand_images_are_current() -> None:
    """The committed images are what scripts/gen_brand.py draws."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_brand  # noqa: PLC0415 - a script, importable only from scripts/
    finally:
        sys.path.pop(0)
    assert gen_brand.main(["--check"]) == 0
    for name, data in gen_brand.images().items():
        assert (BRAND / name).read_bytes() == data


async def test_brands_api_serves_local_images(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """Home Assistant serves the shipped images, and falls back for missing variants."""
    assert await async_setup_component(hass, "brands", {})
    client = await hass_client()
    base = "/api/brands/integration/onkyo_eiscp"

    for name in ("icon.png", "icon@2x.png", "logo.png", "logo@2x.png"):
        response = await client.get(f"{base}/{name}")
        assert response.status == HTTPStatus.OK
        assert await response.read() == (BRAND / name).read_bytes()

    # No dark variants are shipped: the tile is dark already, so the light ones serve.
    response = await client.get(f"{base}/dark_icon.png")
    assert await response.read() == (BRAND / "icon.png").read_bytes()
    response = await client.get(f"{base}/dark_logo@2x.png")
    assert await response.read() == (BRAND / "logo@2x.png").read_bytes()


def reached_tier(statuses: dict[str, str]) -> str | None:
    """The highest tier whose rules, and those of every tier below it, are done or exempt."""
    reached = None
    for tier, names in RULES.items():
        if any(statuses[name] not in {"done", "exempt"} for name in names):
            break
        reached = tier
    return reached


def test_quality_scale_is_complete_and_matches_manifest() -> None:
    """Every rule is listed with a status, reasons where owed; the manifest claims no more.

    A rule left to do says why in a comment, as does an exemption. The manifest's
    ``quality_scale`` is exactly the tier the statuses reach (absent when they reach none,
    as while a bronze rule is still to do), so neither a claim above the truth nor a
    finished tier left unclaimed gets through.
    """
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    assert set(rules) == {name for names in RULES.values() for name in names}
    statuses: dict[str, str] = {}
    for name, rule in rules.items():
        if isinstance(rule, dict):
            statuses[name] = rule["status"]
            if rule["status"] != "done":
                assert len(rule.get("comment", "")) > 20, name
        else:
            statuses[name] = rule
    assert set(statuses.values()) <= {"done", "exempt", "todo"}, statuses

    manifest = json.loads((INTEGRATION / "manifest.json").read_text())
    assert manifest.get("quality_scale") == reached_tier(statuses)
    # Every other rule stays done or exempt: only the package's release on PyPI stands
    # between the integration and platinum (see that rule's comment).
    assert reached_tier(statuses | {"dependency-transparency": "done"}) == "platinum"
