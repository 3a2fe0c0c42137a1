"""No text a user typed ever becomes a formula in any workbook we write.

The attack run found the roll-up's A1 (the office name from ``--name`` or a shared ``unit.parent``)
written as a formula, and body rows stored as text without the quote prefix the unit workbook uses
(Excel turns such a cell into a formula as soon as it is edited). The class: every workbook a batch
writes (each unit's and 汇总.xlsx) is checked cell by cell — no cell holds a formula, and every text
cell that starts with = + - @ is text with the quote prefix.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from fuzz_helpers import EXAMPLES, run_cli

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
STARTS = ("=", "+", "-", "@")
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", '=HYPERLINK("http://evil.example","x")']


def formula_problems(path: Path) -> list[str]:
    """Cells of ``path`` that are formulas, or formula-like text without the quote prefix."""
    from openpyxl import load_workbook

    problems = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                for cell in etree.fromstring(archive.read(name)).iter(f"{_MAIN}c"):
                    if cell.find(f"{_MAIN}f") is not None:
                        problems.append(f"{path.name} {name} {cell.get('r')}: formula")
    book = load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(STARTS) and not cell.quotePrefix:
                    problems.append(f"{path.name} {ws.title}!{cell.coordinate}: {cell.value!r} without quote prefix")
    return problems


def _units(folder: Path, parent: str | None = None, name: str | None = None) -> Path:
    folder.mkdir()
    text = (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")
    for stem, own in (("a", "竹园社区"), ("b", "桃源社区")):
        unit = text.replace("name: 青枫市东湖区柳荫街道竹园社区", "name: '" + ((name or "柳荫街道") + own).replace("'", "''") + "'", 1)
        if parent is not None:
            unit = unit.replace("{name: ", "{parent: '" + parent.replace("'", "''") + "', name: ", 1)
        (folder / f"{stem}.yaml").write_text(unit, encoding="utf-8")
    return folder


@pytest.mark.parametrize("hostile", HOSTILE)
def test_batch_name_never_makes_a_formula(hostile, tmp_path):
    out = tmp_path / "out"
    result = run_cli("batch", _units(tmp_path / "in"), "-o", out, "-j", "1", "--name", hostile)
    assert result.exit_code == 0, result.output
    books = sorted(out.glob("*.xlsx"))
    assert (out / "汇总.xlsx") in books and len(books) == 3
    for book in books:
        assert formula_problems(book) == []
    from openpyxl import load_workbook

    assert hostile in str(load_workbook(out / "汇总.xlsx").worksheets[0]["A1"].value)


@pytest.mark.parametrize("hostile", HOSTILE[:3])
def test_unit_parent_never_makes_a_formula(hostile, tmp_path):
    out = tmp_path / "out"
    result = run_cli("rollup", _units(tmp_path / "in", parent=hostile), "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    assert formula_problems(out / "汇总.xlsx") == []


@pytest.mark.parametrize("hostile", ["=1+2", "+1+1", "-2+3", "@柳荫"])
def test_unit_names_in_body_rows_never_make_formulas(hostile, tmp_path):
    """A unit name that starts like a formula lands in the body rows of two roll-up sheets."""
    out = tmp_path / "out"
    result = run_cli("batch", _units(tmp_path / "in", name=hostile), "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.xlsx"))) == 3
    for book in sorted(out.glob("*.xlsx")):
        assert formula_problems(book) == []


def test_the_checker_sees_a_formula(tmp_path):
    """The check above would fail on what the attack run produced."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "=1+1"
    book.active["A2"] = "text"
    book.active["A3"].value, book.active["A3"].data_type = "+2", "s"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    problems = formula_problems(path)
    assert any("A1: formula" in p for p in problems) and any("A3" in p for p in problems), problems
