"""Code names and per-model listening modes (generated from the spec)."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

import pytest

from custom_components.onkyo_eiscp.eiscp.codes import (
    DEFAULT_LISTENING_MODES,
    LISTENING_MODE_NAMES,
    brand_name,
    listening_modes_for,
)
from custom_components.onkyo_eiscp.eiscp.models import LISTENING_MODES_BY_MODEL

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "protocol" / "ISCP_AVR_148" / "CMND_MAIN.tsv"


def test_every_known_mode_has_a_name() -> None:
    """Each code any model supports has a display name."""
    codes = {code for value in LISTENING_MODES_BY_MODEL.values() for code in value.split()}
    assert codes <= set(LISTENING_MODE_NAMES)
    assert set(DEFAULT_LISTENING_MODES) <= set(LISTENING_MODE_NAMES)


@pytest.mark.parametrize(
    ("model", "found"),
    [("TX-NR686", True), ("tx-nr686", True), ("TX-NR575E", True), ("VSX-832", False), ("", False)],
)
def test_listening_modes_for(model: str, found: bool) -> None:
    """Exact, case-insensitive and region-letter matches; the common set otherwise."""
    modes = listening_modes_for(model)
    assert modes
    assert (modes != DEFAULT_LISTENING_MODES) is found


@pytest.mark.skipif(not SPEC.exists(), reason="the spec is in ../shared only in this workspace")
def test_generated_table_is_current() -> None:
    """models.py is what scripts/gen_codes.py makes from the spec."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_codes.py"), str(SPEC), "--check"],
        check=False,
    )
    assert result.returncode == 0


def test_brand_names() -> None:
    """Brands in NRI's capitals read as names; unknown brands stay as sent."""
    assert [brand_name(b) for b in ("ONKYO", "Pioneer", "INTEGRA", "TEAC")] == [
        "Onkyo", "Pioneer", "Integra", "TEAC",
    ]  # fmt: skip
