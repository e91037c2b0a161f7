"""Generate virtual_receiver/tables.py: the command facts the virtual receiver needs, from the spec.

The virtual receiver must not share tables with the integration it tests, so it reads its
facts from the eISCP specification (ISCP_AVR v1.48, one TSV per sheet) instead. Each sheet
lists commands as a heading row (``"PWR" - System Power Command``) followed by one row per
parameter (``"01"`` and what it does, then one "Yes"/"No" column per model). Run:

    .venv/bin/python scripts/gen_vr_tables.py [path/to/ISCP_AVR_148] [--check]

``--check`` compares instead of writing (exit status 1 when the committed file differs).
"""

from __future__ import annotations

from pathlib import Path
import re
import sys

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "protocol" / "ISCP_AVR_148"
OUTPUT = ROOT / "virtual_receiver" / "tables.py"

SHEETS = ("CMND_MAIN", "CMND_ZONE2", "CMND_ZONE3", "CMND_ZONE4", "CMND_NET_USB")
# The commands whose parameters the virtual receiver checks.
WANTED = (
    "PWR", "ZPW", "PW3", "PW4", "AMT", "ZMT", "MT3", "MT4", "MVL", "ZVL", "VL3", "VL4",
    "TFR", "ZTN", "TN3", "SLI", "SLZ", "SL3", "SL4", "LMD", "DIM", "HDO", "CTL", "SWL",
    "PRS", "UPD", "NTC", "NTZ", "NT3", "NT4", "NJA",
)  # fmt: skip
# Per-zone functions: a sheet, and a pattern its command's title matches.
ZONED = {
    "power": (
        ("CMND_MAIN", r"System Power"),
        ("CMND_ZONE2", r"Zone2 Power"),
        ("CMND_ZONE3", r"Zone3 Power"),
        ("CMND_ZONE4", r"Zone4 Power"),
    ),
    "volume": (
        ("CMND_MAIN", r"Master Volume"),
        ("CMND_ZONE2", r"Zone2 Volume"),
        ("CMND_ZONE3", r"Zone3 Volume"),
        ("CMND_ZONE4", r"Zone4 Volume"),
    ),
    "muting": (
        ("CMND_MAIN", r"^Audio Muting Command"),
        ("CMND_ZONE2", r"Zone2 Muting"),
        ("CMND_ZONE3", r"Zone3 Muting"),
        ("CMND_ZONE4", r"Zone4 Muting"),
    ),
    "selector": (
        ("CMND_MAIN", r"^Input Selector Command"),
        ("CMND_ZONE2", r"ZONE2 Selector"),
        ("CMND_ZONE3", r"ZONE3 Selector"),
        ("CMND_ZONE4", r"ZONE4 Selector"),
    ),
    "tone": (
        ("CMND_MAIN", r"^Tone\(Front\)"),
        ("CMND_ZONE2", r"Zone2 Tone"),
        ("CMND_ZONE3", r"Zone3 Tone"),
        ("CMND_ZONE4", r"Zone4 Tone"),
    ),
    "network": (
        ("CMND_NET_USB", r"^Network/USB Operation"),
        ("CMND_ZONE2", r"Network Operation Command\(Network Model"),
        ("CMND_ZONE3", r"Network Operation Command\(Network Model"),
        ("CMND_ZONE4", r"Network Operation Command\(Network Model"),
    ),
}

_QUOTES = "\"'“”"
_HEADING = re.compile(r'^\s*["“”]?([A-Z0-9]{3})["“”]?(?:/["“”]?[A-Z0-9]{3}["“”]?)?\s*-?\s*(.*)$')
_LITERAL = re.compile(r"^[0-9A-Za-z/+\-]{1,8}$")
_RANGE = re.compile(r'^["“”]([0-9A-F]{2})["“”]\s*-\s*["“”]([0-9A-F]{2})["“”]$')
_MODEL = re.compile(r"^[A-Z][A-Za-z0-9]*-[A-Za-z0-9.\-]+$")
_SERVICE = re.compile(r"([0-9A-F]{2})\s*:\s*([^,|]+?)\s*(?=,|\||\s[0-9A-F]{2}\s*:|$)")

Sections = dict[str, list[tuple[str, str, list[tuple[str, str]]]]]


def read_sheet(path: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The sheet's commands in order: (code, title, [(parameter cell, meaning)])."""
    commands: list[tuple[str, str, list[tuple[str, str]]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        filled = [cell for cell in cells if cell.strip()]
        if not filled:
            continue
        heading = _HEADING.match(cells[0]) if len(filled) == 1 else None
        if heading is not None and cells[0].strip()[:1] in _QUOTES:
            commands.append((heading.group(1), " ".join(heading.group(2).split()), []))
        elif commands and len(cells) > 1 and cells[0].strip()[:1] in _QUOTES:
            commands[-1][2].append((cells[0].strip(), " ".join(cells[1].split())))
    return commands


def read_spec(spec: Path) -> Sections:
    """Sheet name -> its commands."""
    return {sheet: read_sheet(spec / f"{sheet}.tsv") for sheet in SHEETS}


def zoned_codes(sheets: Sections) -> dict[str, tuple[str | None, ...]]:
    """Function -> its command code in main, zone 2, 3 and 4 (None: the zone has none)."""
    result: dict[str, tuple[str | None, ...]] = {}
    for function, places in ZONED.items():
        codes: list[str | None] = []
        for sheet, pattern in places:
            found = [code for code, title, _ in sheets[sheet] if re.search(pattern, title)]
            codes.append(found[-1] if found else None)
        result[function] = tuple(codes)
    return result


def parameters(sheets: Sections) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per wanted command: its literal parameters, and its hex ranges ("00-C8")."""
    literals: dict[str, list[str]] = {}
    ranges: dict[str, list[str]] = {}
    for sheet in SHEETS:
        for code, title, rows in sheets[sheet]:
            if code not in WANTED or "Net-Tune Model Only" in title:
                continue  # the Net-Tune sections are for models before TX-NR1000
            for cell, _ in rows:
                span = _RANGE.match(cell)
                if span is not None:
                    value = f"{span.group(1)}-{span.group(2)}"
                    if value not in ranges.setdefault(code, []):
                        ranges[code].append(value)
                    continue
                value = cell.strip(_QUOTES + " ")
                if _LITERAL.match(value) and value not in literals.setdefault(code, []):
                    literals[code].append(value)
    return literals, ranges


def model_support(spec: Path, command: str) -> dict[str, set[str]]:
    """Model -> the two-digit parameters of ``command`` its CMND_MAIN column supports.

    A cell counts when it starts with "Yes": "Yes*3" (North American models only) and
    "Yes*5" (after a firmware update) are support too.
    """
    lines = (spec / "CMND_MAIN.tsv").read_text(encoding="utf-8").splitlines()
    header = next(line.split("\t") for line in lines if line.startswith("Code\t"))
    columns: dict[str, int] = {}
    for column, cell in enumerate(header):
        for name in cell.split("|"):
            if _MODEL.match(name.strip()):
                columns.setdefault(name.strip(), column)
    support: dict[str, set[str]] = {name: set() for name in columns}
    section = ""
    for line in lines:
        cells = line.split("\t")
        heading = _HEADING.match(cells[0]) if len([c for c in cells if c.strip()]) == 1 else None
        if heading is not None and cells[0].strip()[:1] in _QUOTES:
            section = heading.group(1)
            continue
        value = cells[0].strip().strip(_QUOTES)
        if section != command or not re.fullmatch(r"[0-9A-F]{2}", value):
            continue
        for name, column in columns.items():
            if column < len(cells) and cells[column].strip().startswith("Yes"):
                support[name].add(value)
    return support


def net_services(sheets: Sections) -> dict[str, str]:
    """Service id -> name, from the fullest NLT "xx : Service Type" list."""
    best: dict[str, str] = {}
    for code, _, rows in sheets["CMND_NET_USB"]:
        if code != "NLT":
            continue
        for _, meaning in rows:
            part = meaning.split("Service Type", 1)[-1].split("u : UI Type", 1)[0]
            found = {key: name.strip() for key, name in _SERVICE.findall(part)}
            if len(found) > len(best):
                best = found
    return best


def render(spec: Path) -> str:
    """The text of tables.py."""
    sheets = read_spec(spec)
    literals, ranges = parameters(sheets)
    zoned = [
        f'    "{function}": ({", ".join(_quoted(code) for code in codes)}),'
        for function, codes in zoned_codes(sheets).items()
    ]
    services = [f'    "{key}": "{name}",' for key, name in net_services(sheets).items()]
    return "\n".join(
        [
            '"""Command facts of the eISCP specification (ISCP_AVR v1.48), for the virtual '
            "receiver.",
            "",
            "Generated by scripts/gen_vr_tables.py from the spec's TSV sheets: do not edit.",
            '"""',
            "",
            "from typing import Final",
            "",
            "# fmt: off",
            "# Function -> its command code in the main zone, zone 2, zone 3, zone 4 (None: none).",
            "ZONED_COMMANDS: Final[dict[str, tuple[str | None, ...]]] = {",
            *zoned,
            "}",
            "",
            "# Command -> the literal parameters the spec lists for it.",
            _dict_of("PARAMETERS", literals),
            "",
            '# Command -> hexadecimal ranges of its parameters ("00-C8").',
            _dict_of("RANGES", ranges),
            "",
            "# Network service id (NSV, NLT) -> the spec's name.",
            "NET_SERVICES: Final[dict[str, str]] = {",
            *services,
            "}",
            "# fmt: on",
            "",
        ]
    )


def _quoted(value: str | None) -> str:
    return "None" if value is None else f'"{value}"'


def _dict_of(name: str, table: dict[str, list[str]]) -> str:
    out = [f"{name}: Final[dict[str, tuple[str, ...]]] = {{"]
    for code in sorted(table):
        values = table[code]
        items = ", ".join(_quoted(value) for value in values)
        one_line = f'    "{code}": ({items}{"," if len(values) == 1 else ""}),'
        if len(one_line) <= 100:
            out.append(one_line)
            continue
        out.append(f'    "{code}": (')
        row = "       "
        for value in values:
            item = f' "{value}",'
            if len(row) + len(item) > 100:
                out.append(row)
                row = "       "
            row += item
        out += [row, "    ),"]
    out.append("}")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    """Write (or with --check, compare) tables.py."""
    check = "--check" in argv
    paths = [arg for arg in argv if not arg.startswith("--")]
    spec = Path(paths[0]) if paths else DEFAULT_SPEC
    text = render(spec)
    if check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} differs from the spec; run scripts/gen_vr_tables.py")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
