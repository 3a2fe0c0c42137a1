"""reportgen's own .xlsx serialiser against XlsxWriter, for every workbook reportgen writes.

Every example's unit workbook, the blank fill-in form of every unit type and the roll-up of all
examples are rendered by ``reportgen.writers.xlsx`` and by the XlsxWriter renderer it replaced
(tests/xlsx_reference.py), read back with openpyxl's public API, and compared: sheets, every cell's
value, type and style, merges, sizes, validations, conditional formats, panes, filters, print
set-up, protection, document properties. Charts, which openpyxl does not expose when reading, are
compared from the chart and drawing parts. A difference names the book, sheet!cell and attribute.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook

from reportgen import unit_book
from reportgen.compose import compose, load_pack
from reportgen.loaders import load
from reportgen.model import SELF_REFERENCE
from reportgen.rollup import summarise, workbook_book
from reportgen.writers.xlsx import render_book
from xlsx_reference import render_book as reference_render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"


def _color(color) -> object:  # noqa: ANN001 — an openpyxl Color or None
    """Theme text colour 1 and no colour both mean Excel's automatic black."""
    if color is None or (color.type == "theme" and color.theme == 1):
        return "auto"
    return color.rgb if color.type == "rgb" else (color.type, color.value)


def _style(cell) -> dict:  # noqa: ANN001
    f, a, b = cell.font, cell.alignment, cell.border
    return {
        "font.name": f.name, "font.size": f.sz, "font.bold": bool(f.b), "font.italic": bool(f.i),
        "font.color": _color(f.color), "fill.type": cell.fill.fill_type,
        "fill.color": _color(cell.fill.fgColor) if cell.fill.fill_type else None,
        "border": tuple(getattr(b, side).style for side in ("left", "right", "top", "bottom")),
        "align.horizontal": a.horizontal, "align.vertical": a.vertical, "align.wrap": bool(a.wrap_text),
        "align.indent": a.indent, "number_format": cell.number_format, "locked": cell.protection.locked,
        "quote_prefix": bool(cell.quotePrefix),
    }


def _sheet(ws) -> dict:  # noqa: ANN001 — an openpyxl worksheet
    """Everything compared on a sheet except its cells, keyed by what it is."""
    columns = {}
    for dim in ws.column_dimensions.values():
        for col in range(dim.min or 0, (dim.max or 0) + 1):
            columns[col] = (dim.width, dim.font.name, dim.protection.locked)
    ps, margins = ws.page_setup, ws.page_margins
    found = {
        "state": ws.sheet_state, "tab selected": bool(ws.sheet_view.tabSelected),
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "column widths/styles": columns,
        "row heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
        "freeze": ws.freeze_panes, "autofilter": ws.auto_filter.ref,
        "paper": ps.paperSize, "orientation": ps.orientation, "fit width": ps.fitToWidth or 1,
        "fit height": ps.fitToHeight,
        "fit to page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "centred": ws.print_options.horizontalCentered,
        "margins": (margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer),
        "footer": (ws.oddFooter.center.text, ws.oddFooter.center.font, ws.oddFooter.center.size),
        "print area": (ws.print_area or "").replace("'", ""), "print titles": ws.print_title_rows,
        "protection": {k: getattr(ws.protection, k) for k in (
            "sheet", "objects", "scenarios", "formatColumns", "formatRows", "insertRows", "deleteRows", "sort",
            "autoFilter", "selectLockedCells", "selectUnlockedCells")},
    }
    for i, v in enumerate(sorted(ws.data_validations.dataValidation, key=lambda v: str(v.sqref))):
        found[f"validation {v.sqref}"] = (v.type, v.formula1, v.allow_blank, v.showInputMessage, v.showErrorMessage,
                                          v.promptTitle, v.prompt, v.errorTitle, v.error)
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            dxf = rule.dxf
            found[f"conditional format {cf.sqref}"] = (
                rule.type, rule.operator, rule.formula, _color(dxf.font.color), bool(dxf.font.b),
                _color(dxf.fill.bgColor) if dxf.fill else None)
    return found


def _charts(data: bytes) -> list[dict]:
    """What each chart shows and where, read from the chart and drawing parts (sheet names in references
    with or without quotes, both valid)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        charts = [ElementTree.fromstring(z.read(n)) for n in sorted(n for n in names if re.match(r"xl/charts/chart\d+\.xml$", n))]
        drawings = [ElementTree.fromstring(z.read(n)) for n in sorted(n for n in names if re.match(r"xl/drawings/drawing\d+\.xml$", n))]
    found = []
    for chart in charts:
        axis = chart.find(f".//{C}valAx")
        found.append({
            "type": chart.find(f".//{C}barDir").get("val"),
            "title": "".join(t.text for t in chart.find(f"{C}chart/{C}title").iter(f"{A}t")),
            "series": [(s.findtext(f"{C}tx/{C}v"), [f.text.replace("'", "") for f in s.iter(f"{C}f")],
                        s.find(f"{C}spPr//{A}srgbClr").get("val"), s.find(f"{C}dLbls") is not None)
                       for s in chart.iter(f"{C}ser")],
            "axis": (axis.find(f".//{C}numFmt").get("formatCode"),
                     axis.find(f".//{C}min").get("val") if axis.find(f".//{C}min") is not None else None,
                     axis.find(f".//{C}max").get("val") if axis.find(f".//{C}max") is not None else None,
                     "".join(t.text for t in axis.iter(f"{A}t"))),
            "reversed": chart.find(f".//{C}catAx/{C}scaling/{C}orientation").get("val"),
            "legend": chart.find(f".//{C}legend/{C}legendPos").get("val") if chart.find(f".//{C}legend") is not None else None,
        })
    anchors = [[(a.findtext(f"{XDR}from/{XDR}col"), a.findtext(f"{XDR}from/{XDR}row"), a.findtext(f"{XDR}to/{XDR}col"),
                 a.findtext(f"{XDR}to/{XDR}row"), a.findtext(f"{XDR}to/{XDR}colOff"), a.findtext(f"{XDR}to/{XDR}rowOff"))
                for a in d.iter(f"{XDR}twoCellAnchor")] for d in drawings]
    return found + [{"anchors": anchors}]


def differences(reference: bytes, ours: bytes) -> list[str]:
    """Every way the two workbooks differ as openpyxl reads them, each naming sheet!cell and the attribute."""
    ref, new = load_workbook(io.BytesIO(reference)), load_workbook(io.BytesIO(ours))
    found: list[str] = []

    def differ(where: str, what: str, a: object, b: object) -> None:
        if a != b:
            found.append(f"{where} {what}: XlsxWriter {a!r}, ours {b!r}")

    differ("book", "sheets", ref.sheetnames, new.sheetnames)
    differ("book", "active sheet", ref.active.title, new.active.title)
    for key in ("title", "creator", "lastModifiedBy", "created", "modified"):
        differ("book", f"property {key}", getattr(ref.properties, key), getattr(new.properties, key))
    for name in ref.sheetnames:
        if name not in new.sheetnames:
            continue
        a, b = ref[name], new[name]
        sa, sb = _sheet(a), _sheet(b)
        for key in sa.keys() | sb.keys():
            differ(name, key, sa.get(key), sb.get(key))
        rows, cols = max(a.max_row, b.max_row), max(a.max_column, b.max_column)
        for ra, rb in zip(a.iter_rows(1, rows, 1, cols), b.iter_rows(1, rows, 1, cols)):
            for ca, cb in zip(ra, rb):
                where = f"{name}!{ca.coordinate}"
                differ(where, "value", ca.value, cb.value)
                differ(where, "data type", ca.data_type, cb.data_type)
                style_a, style_b = _style(ca), _style(cb)
                for key in style_a:
                    differ(where, key, style_a[key], style_b[key])
    ca, cb = _charts(reference), _charts(ours)
    differ("book", "chart count", len(ca), len(cb))
    for i, (x, y) in enumerate(zip(ca, cb), 1):
        for key in x.keys() | y.keys():
            differ(f"chart {i}", key, x.get(key), y.get(key))
    return found


def _assert_same(book) -> None:  # noqa: ANN001 — a workbook.Book
    ours = render_book(book)
    with zipfile.ZipFile(io.BytesIO(ours)) as z:  # Excel refuses a file with any part it cannot parse
        for name in z.namelist():
            ElementTree.fromstring(z.read(name))
    found = differences(reference_render(book), ours)
    assert not found, f"{len(found)} differences:\n" + "\n".join(found[:40])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_unit_workbook_matches_xlsxwriter(path: Path) -> None:
    loaded = load(path)
    document = compose(loaded.report, pack=load_pack(), source=loaded.source)
    _assert_same(unit_book.build(loaded.report, document))


@pytest.mark.parametrize("unit_type", list(SELF_REFERENCE))
def test_blank_form_matches_xlsxwriter(unit_type: str) -> None:
    _assert_same(unit_book.form(unit_type))


def test_rollup_of_every_example_matches_xlsxwriter() -> None:
    summaries = [summarise(load(p).report, p) for p in EXAMPLES]
    _assert_same(workbook_book(summaries, "青枫市文明办"))


def test_the_comparison_sees_a_difference() -> None:
    """The comparison itself works: a changed style, width, hint and chart title are each reported by name."""
    from dataclasses import replace

    from reportgen import workbook as W

    book = unit_book.form("社区")
    book.sheets[1].charts.append(W.Chart("bar", "图", (W.Series("数", (1, 4, 6), (2, 4, 6)),), (30, 1), (300, 200)))
    ours = render_book(book)
    sheet = book.sheets[1]
    (row, col), (value, style) = next(iter(sorted(sheet.cells.items())))
    sheet.put(row, col, value, style.but(bold=not style.bold))
    sheet.widths[1] += 3
    sheet.validations[0] = replace(sheet.validations[0], prompt="改过的提示")
    sheet.charts[0] = replace(sheet.charts[0], title="改过的图")
    found = "\n".join(differences(render_book(book), ours))
    assert f"{sheet.name}!{W.col_letter(col)}{row} font.bold" in found, found
    assert f"{sheet.name} column widths" in found and f"{sheet.name} validation" in found, found
    assert "chart 1 title" in found, found


def test_edge_cases_match_xlsxwriter() -> None:
    """What the examples do not hold: formula-like, escape-like and whitespace text, dates, floats,
    hidden and empty sheets, one-way frozen panes, a column chart without labels or legend."""
    import datetime as dt

    from reportgen import workbook as W

    book = W.Book(title="边界 & <测试>")
    ws = book.add("数据")
    texts = ["=SUM(A1)", "+1", "-2", "@x", "_x0041_ 字面", "行一\r\n行二\t制表", "  前后空格  ", "引号\"和'撇号", "a&b<c>d"]
    for row, text in enumerate(texts, 1):
        ws.put(row, 1, text, W.TEXT)
        ws.put(row, 2, [0.1 + 0.2, 12345678901234, -3.5, 1e-7, 0, 7, 2.5, 1e20, 100][row - 1], W.DECIMAL)
    ws.put(1, 3, dt.date(2024, 3, 1), W.DATE)
    ws.put(2, 3, dt.datetime(2024, 3, 1, 12, 30), W.DATE)
    ws.put(3, 3, None, W.CENTER)
    ws.put(4, 3, "=合并", W.HEADER)
    ws.merge(4, 3, 6, 4)
    ws.put(5, 3, "被合并盖住", W.TEXT)
    ws.heights[20] = 40
    ws.widths.update({1: 0.5, 2: 12.3, 5: 8.43})
    ws.column_styles[6] = W.PLAIN.but(locked=False)
    ws.freeze = (1, 3)
    ws.validations.append(W.Validation((1, 4, 9, 4), choices=("甲", "乙"), show_error=False, prompt_title="提示",
                                       prompt="第一行\n第二行 & <三>"))
    ws.validations.append(W.Validation((1, 5, 9, 5), source="'选项'!$A$1:$A$3", error_title="错" * 40, error="误" * 300))
    ws.highlights.append(W.Highlight((1, 1, 9, 1), "+1", W.UNMET.but(bold=False, fill="")))
    ws.charts.append(W.Chart("column", "数值", (W.Series("数", (1, 1, 9), (2, 1, 9), color="ED7D31"),), (12, 2),
                             (300, 200), axis_min=None, labels=False))
    ws.protected = True
    hidden = book.add("选项")
    hidden.hidden = True
    for row in range(1, 4):
        hidden.put(row, 1, f"选项{row}", W.PLAIN)
    book.add("空表").freeze = (4, 1)
    _assert_same(book)
