"""docs/standard.md is the standard in the repository: written from schemas/, complete, current."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gongkai.cli import main
from gongkai.identifiers import USCC_ALPHABET, USCC_WEIGHTS
from gongkai.standard import FORMATS, TABLE_NAMES, load_standard
from gongkai.standard_doc import render_standard
from tests.paths import ROOT

DOC = ROOT / "docs" / "standard.md"


def test_docs_standard_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_standard(), (
        "docs/standard.md is stale: run `gongkai standard --output docs/standard.md`"
    )


def test_the_command_writes_it(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "standard.md"
    result = CliRunner().invoke(main, ["standard", "--output", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == render_standard()
    assert CliRunner().invoke(main, ["standard"]).stdout == render_standard()


def _rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in text.splitlines()
        if line.startswith("| `")
    ]


def test_every_table_field_item_and_rule_is_in_it() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = _rows(text)
    standard = load_standard()
    for code in FORMATS:
        fmt = standard.format(code)
        for name in TABLE_NAMES:
            assert f"`{name}.csv`" in text
            for field in fmt.table(name).fields:
                assert [f"`{field.name}`", field.title] in [r[:2] for r in rows], field.name
        for item in fmt.table("applications").items:
            assert [f"`{item.code}`", item.label, item.group] in rows, item.code
        for rule in fmt.rules:
            row = next(r for r in rows if r[0] == f"`{rule['id']}`")
            assert row[1] == rule["severity"] and code in row[2]
            assert rule["description"] in row[3] and row[4], rule["id"]
    for field in standard.agencies.fields:
        assert [f"`{field.name}`", field.title] in [r[:2] for r in rows]


def test_the_identifier_section_says_what_the_code_checks() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"Alphabet `{USCC_ALPHABET}`" in text
    assert "Weights for positions 1–17: " + ", ".join(map(str, USCC_WEIGHTS)) in text.replace(
        "\n  ", " "
    )
