"""The virtual receiver is an implementation of its own, and its tables are the spec's."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
import sys
from types import ModuleType

import pytest

from custom_components.onkyo_eiscp.eiscp import codes
from virtual_receiver import available_profiles, tables
from virtual_receiver.device import LISTENING_MODES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "virtual_receiver"
SPEC = ROOT.parent / "shared" / "protocol" / "ISCP_AVR_148"
needs_spec = pytest.mark.skipif(not SPEC.is_dir(), reason="the spec (../shared) is not here")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _generator() -> ModuleType:
    path = ROOT / "scripts" / "gen_vr_tables.py"
    spec = importlib.util.spec_from_file_location("gen_vr_tables", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_vr_tables"] = module
    spec.loader.exec_module(module)
    return module


def test_imports_nothing_from_the_integration() -> None:
    """No module of the virtual receiver imports custom_components (nor homeassistant)."""
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) >= 10
    for path in sources:
        foreign = {
            name
            for name in _imports(path)
            if name.split(".")[0] in ("custom_components", "homeassistant")
        }
        assert not foreign, f"{path.name} imports {foreign}"


def test_no_import_cycle() -> None:
    """The package's modules import each other without a cycle."""
    graph = {
        path.stem: {
            node.module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
        }
        for path in PACKAGE.glob("*.py")
    }

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, f"import cycle: {' -> '.join((*trail, module))}"
        for imported in graph.get(module, ()):
            visit(imported, (*trail, module))

    for module in graph:
        visit(module, ())


@needs_spec
def test_tables_are_generated_from_the_spec() -> None:
    """Regenerating tables.py from the spec gives the committed file."""
    generator = _generator()
    assert generator.render(SPEC) == (PACKAGE / "tables.py").read_text(encoding="utf-8")
    assert generator.main([str(SPEC), "--check"]) == 0


@needs_spec
def test_generator_check_reports_a_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--check fails on a file that differs; without it the generator writes the file."""
    generator = _generator()
    output = tmp_path / "tables.py"
    output.write_text("stale", encoding="utf-8")
    monkeypatch.setattr(generator, "OUTPUT", output)
    assert generator.main([str(SPEC), "--check"]) == 1
    assert "differs" in capsys.readouterr().out
    assert generator.main([str(SPEC)]) == 0
    assert output.read_text(encoding="utf-8") == generator.render(SPEC)


def test_spec_facts() -> None:
    """A few facts the tables must hold, read from the spec."""
    assert tables.ZONED_COMMANDS["power"] == ("PWR", "ZPW", "PW3", "PW4")
    assert tables.ZONED_COMMANDS["selector"] == ("SLI", "SLZ", "SL3", "SL4")
    assert tables.ZONED_COMMANDS["tone"] == ("TFR", "ZTN", "TN3", None)  # zone 4 has no tone
    assert tables.ZONED_COMMANDS["network"] == ("NTC", "NTZ", "NT3", "NT4")
    assert "PLAY" in tables.PARAMETERS["NTC"]
    assert "P/P" not in tables.PARAMETERS["NT4"]
    assert tables.RANGES["MVL"][0] == "00-C8"
    assert tables.NET_SERVICES["0E"] == "TuneIn Radio"
    assert tables.NET_SERVICES["F3"] == "NET"


def test_integration_tables_agree_with_the_spec() -> None:
    """The integration's code tables name only codes the spec has.

    This is what an independent virtual receiver is for: a code the integration offers
    that the spec lacks would be answered N/A by a device.
    """
    assert set(codes.LISTENING_MODE_NAMES) <= LISTENING_MODES
    spec_selectors = {
        value
        for code in ("SLI", "SLZ", "SL3", "SL4")
        for value in tables.PARAMETERS[code]
        if len(value) == 2
    }
    assert set(codes.SELECTOR_NAMES) <= spec_selectors
    assert set(codes.NET_SERVICES) <= set(tables.NET_SERVICES)


@needs_spec
def test_integration_listening_modes_per_model_match_the_spec() -> None:
    """The modes the integration offers each profiled model are the spec's column for it.

    A cell "Yes*3" (a footnote: North American models, or after an update) counts too.
    """
    support = _generator().model_support(SPEC, "LMD")
    differences: dict[str, set[str]] = {}
    checked = 0
    for model in available_profiles():
        column = support.get(model) or support.get(model.removesuffix("E"))
        if not column:
            continue  # not in the spec (Pioneer, Integra, network players, newer models)
        checked += 1
        offered = set(codes.listening_modes_for(model))
        if offered != column:
            differences[model] = column ^ offered
    assert checked >= 15
    assert differences == {}
