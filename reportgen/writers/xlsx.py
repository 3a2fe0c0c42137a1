"""Report → .xlsx: 汇总, 指标完成情况表, 活动台账 and every other fact, laid out as Chinese offices print it.

The columns come from ``workbook_layout`` (derived from the models), so the workbook written here is
also a valid input: ``loaders.xlsx_loader`` reads it back into the same Report. Figures (完成率, 同比,
达标) come from ``figures.indicator_rows``, the computation the Word document uses, and are written as
values (no formulas), so WPS and phone previews never show 0.

Bytes are deterministic: fixed document times and fixed zip entry times.
"""

from __future__ import annotations

import datetime as dt
import io
from copy import copy
from functools import partial
import math
import re
import zipfile
from decimal import Decimal
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet.datavalidation import DataValidation, DataValidationList
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.compat import safe_string
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import Element, SubElement
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

from .. import figures, zh
from .. import workbook_layout as L
from ..model import THEMES, Activity, Metric, Part, Report

FONT = "宋体"
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
FIXED_TIME = dt.datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_WIDTH = 40
WIDTH_SAMPLE = 400  # rows looked at when sizing columns
LINE_HEIGHT = 15.5
SEPARATORS = "、，,；;\n"

# ---------------------------------------------------------------- values


def clean_text(text: str) -> str:
    """Remove characters XML 1.0 cannot hold (the model already refuses them; this is the last guard)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def join_list(items: Sequence[str]) -> str:
    """A list in one cell: ``甲、乙`` normally; one item per line when an item itself holds a separator.

    The reader splits on line breaks when there are any, else on 、，,；; — so the choice here is
    always read back exactly (a single item holding a separator gets a trailing line break).
    """
    items = [clean_text(str(i)) for i in items]
    if not any(ch in item for item in items for ch in SEPARATORS):
        return "、".join(items)
    return "\n".join(items) + ("\n" if len(items) == 1 else "")


def number(value: Decimal | int) -> int | float | str:
    """A number cell when a double holds the value exactly; text otherwise (read back as the same number)."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return format(value, "f")


def cell_value(kind: L.Kind, value: Any) -> Any:
    """A model value as it goes into a cell."""
    if value is None:
        return None
    if kind.is_list:
        return join_list(value) if value else None
    if kind.name == "bool":
        return "是" if value else "否"
    if kind.name == "choice":
        return L.DISPLAY.get(value, value)
    if kind.name in ("decimal", "int"):
        return number(value)
    if kind.name == "date":
        return value
    return clean_text(str(value))


def rounded_percent(value: Decimal | None) -> float | None:
    """A percentage as the document prints it (zh.percent rounding), as a fraction for a 0.0% cell."""
    if value is None:
        return None
    return float(Decimal(zh.plain_number(value, 1)) / 100)


# ---------------------------------------------------------------- the book


class Book:
    """A workbook with the office styles registered once, and the hidden sheet of dropdown lists."""

    def __init__(self) -> None:
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        body = dict(font=Font(name=FONT, size=11), border=border)
        wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        styles = [
            NamedStyle("rg_title", font=Font(name=FONT, size=18, bold=True),
                       alignment=Alignment(horizontal="center", vertical="center")),
            NamedStyle("rg_meta", font=Font(name=FONT, size=11), alignment=Alignment(horizontal="left", vertical="center")),
            NamedStyle("rg_meta_right", font=Font(name=FONT, size=11),
                       alignment=Alignment(horizontal="right", vertical="center")),
            NamedStyle("rg_header", font=Font(name=FONT, size=11, bold=True), border=border,
                       fill=PatternFill("solid", fgColor="D9D9D9"), alignment=wrap_center),
            NamedStyle("rg_text", alignment=wrap_left, **body),
            NamedStyle("rg_center", alignment=wrap_center, **body),
            NamedStyle("rg_child", alignment=Alignment(horizontal="left", vertical="center", wrap_text=True, indent=2),
                       **body),
            NamedStyle("rg_number", alignment=wrap_center, number_format="General", **body),
            NamedStyle("rg_int", alignment=wrap_center, number_format="#,##0", **body),
            NamedStyle("rg_date", alignment=wrap_center, number_format=DATE_FORMAT, **body),
            NamedStyle("rg_percent", alignment=wrap_center, number_format="0.0%", **body),
            NamedStyle("rg_change", alignment=wrap_center, number_format="+0.0%;-0.0%;0.0%", **body),
            NamedStyle("rg_bold", font=Font(name=FONT, size=11, bold=True), border=border, alignment=wrap_center),
            NamedStyle("rg_section", font=Font(name=FONT, size=12, bold=True),
                       alignment=Alignment(horizontal="left", vertical="center")),
            NamedStyle("rg_plain", font=Font(name=FONT, size=11)),
            NamedStyle("rg_value", alignment=wrap_left, number_format="General", **body),
            NamedStyle("rg_value_date", alignment=wrap_left, number_format=DATE_FORMAT, **body),
        ]
        for style in styles:
            self.wb.add_named_style(style)
        self.choices: dict[tuple[str, ...], str] = {}
        self.choice_sheet: Worksheet | None = None

    def sheet(self, name: str) -> Worksheet:
        assert not INVALID_TITLE_REGEX.search(name) and len(name) <= 31
        return self.wb.create_sheet(name)

    def choice_range(self, values: tuple[str, ...]) -> str:
        """An absolute reference to ``values`` listed on the hidden 选项 sheet (for a list validation)."""
        if values not in self.choices:
            if self.choice_sheet is None:
                self.choice_sheet = self.wb.create_sheet(L.CHOICES)
                self.choice_sheet.sheet_state = "hidden"
            col = get_column_letter(len(self.choices) + 1)
            ws = self.choice_sheet
            ws[f"{col}1"] = "选项"
            for i, value in enumerate(values, 2):
                put(ws, i, len(self.choices) + 1, value, "rg_plain")
            self.choices[values] = f"'{L.CHOICES}'!${col}$2:${col}${len(values) + 1}"
        return self.choices[values]

    def save(self, created: dt.datetime = FIXED_TIME) -> bytes:
        props = self.wb.properties
        props.creator = "reportgen"
        props.lastModifiedBy = "reportgen"
        props.created = created
        props.modified = created
        if self.choice_sheet is not None:  # keep the hidden list sheet last
            self.wb.move_sheet(self.choice_sheet, len(self.wb.sheetnames) - 1 - self.wb.index(self.choice_sheet))
        self.wb.active = 0
        raw = io.BytesIO()
        with _FixedZip(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            _MemoryWriter(self.wb, archive).save()
        return raw.getvalue()


class _FixedZip(zipfile.ZipFile):
    """A zip whose every entry gets the fixed time and mode, so equal workbooks are equal bytes.

    Written in one pass (the same bytes ``_fixed_zip`` gives when it rewrites an archive).
    """

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        fixed = zipfile.ZipInfo(name, ZIP_TIME)
        fixed.compress_type = zipfile.ZIP_DEFLATED
        fixed.external_attr = 0o600 << 16
        if isinstance(data, str):
            data = data.encode("utf-8")
        super().writestr(fixed, data)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        with open(filename, "rb") as src:
            self.writestr(arcname or filename, src.read())


class _MemoryWriter(ExcelWriter):
    """openpyxl's writer with each worksheet serialised in memory (no temporary file per sheet)."""

    def write_worksheet(self, ws: Worksheet) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        data = writer.out.getvalue()
        if writer.rows_xml is not None:
            at = data.index(_SHEET_DATA)
            data = data[:at] + writer.rows_xml + data[at + len(_SHEET_DATA):]
        self._archive.writestr(ws.path[1:], data)
        self.manifest.append(ws)


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry's time fixed, so equal workbooks are equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_DATA = b"<sheetData></sheetData>"


def _xml_text(text: str) -> str:
    """Text as lxml writes it into the ASCII worksheet stream (checked against lxml for every code point)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class _SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer with <sheetData> serialised directly (byte for byte what the library writes).

    A sheet holding anything the fast path does not know (comments, links, formulas, rich text, characters
    XML cannot hold) is written by the library unchanged.
    """

    rows_xml: bytes | None = None

    def write_rows(self) -> None:
        self.rows_xml = self._rows_xml()
        if self.rows_xml is None:
            return super().write_rows()
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            pass  # the placeholder ``_SHEET_DATA`` replaced by ``rows_xml``
        self.xf.send(None)

    def write_merged_cells(self) -> None:
        """The library's <mergeCells>, built without a MergeCell object per range."""
        merged = self.ws.merged_cells
        if merged:
            refs = [str(ref) for ref in merged]
            element = Element("mergeCells", count=f"{len(refs)}")
            for ref in refs:
                SubElement(element, "mergeCell", ref=ref)
            self.xf.send(element)

    def write_validations(self) -> None:
        """The library's <dataValidations>, built directly from the same fields in the same order."""
        validations = self.ws.data_validations
        if not validations:
            return
        if type(validations) is not DataValidationList or \
                any(type(dv) is not DataValidation for dv in validations.dataValidation):
            return super().write_validations()
        kept = [dv for dv in validations.dataValidation if bool(dv.sqref)]  # as the library skips empty ones
        attrs = {name: safe_string(getattr(validations, name))
                 for name in ("disablePrompts", "xWindow", "yWindow") if getattr(validations, name) is not None}
        attrs["count"] = f"{len(kept)}"
        element = Element("dataValidations", attrs)
        for dv in kept:
            child = Element("dataValidation", dict(dv))
            for tag in ("formula1", "formula2"):
                node = getattr(DataValidation, tag).to_tree(tag, getattr(dv, tag))
                if node is not None:
                    child.append(node)
            element.append(child)
        self.xf.send(element)

    def _rows_xml(self) -> bytes | None:
        ws = self.ws
        wb = ws.parent
        if wb.iso_dates:
            return None
        styles = wb._cell_styles
        epoch = wb.epoch
        dims = ws.row_dimensions
        rows: dict[int, list[Cell]] = {}
        for (row, _col), cell in sorted(ws._cells.items()):
            rows.setdefault(row, []).append(cell)
        for row in dims.keys() - rows.keys():
            rows[row] = []
        letters: dict[int, str] = {}
        style_ids: dict[bytes, int] = {}  # the library's list only grows, so an array's id never changes
        out: list[str] = ["<sheetData>"]
        for row_idx in sorted(rows):
            attrs = {"r": f"{row_idx}"}
            attrs.update(dims.get(row_idx, {}))
            out.append("<row" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">")
            for cell in rows[row_idx]:
                if cell._comment is not None or cell._hyperlink is not None:
                    return None
                value = cell._value
                style = cell._style
                if style is None:
                    styled = False
                else:
                    key = style.tobytes()
                    style_id = style_ids.get(key)
                    styled = style_id != -1
                    if style_id is None:
                        styled = any(style)
                        style_id = style_ids[key] = styles.add(style) if styled else -1
                if value is None and not styled:
                    continue
                letter = letters.get(cell.column)
                if letter is None:
                    letter = letters[cell.column] = get_column_letter(cell.column)
                head = f'<c r="{letter}{cell.row}" s="{style_id}"' if styled else f'<c r="{letter}{cell.row}"'
                kind = cell.data_type
                if kind == "s":
                    if value is None or value == "":
                        out.append(head + ' t="inlineStr"></c>')
                        continue
                    if not isinstance(value, str) or _UNWRITABLE.search(value):
                        return None
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    out.append(f'{head} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>')
                    continue
                if kind == "d":
                    if value is None or getattr(value, "tzinfo", None) is not None or isinstance(value, dt.timedelta):
                        return None
                    value = to_excel(value, epoch)
                    kind = "n"
                elif kind != "n":
                    return None
                if value is None or value == "":
                    out.append(f'{head} t="n"></c>')
                else:
                    out.append(f'{head} t="n"><v>{_xml_text(safe_string(value))}</v></c>')
            out.append("</row>")
        out.append("</sheetData>")
        return "".join(out).encode("ascii", "xmlcharrefreplace")


_new_cell = partial(Cell.__new__, Cell)


def put(ws: Worksheet, row: int, col: int, value: Any, style: str) -> Any:
    """Write one cell. Text is always text: a leading = + - @ never makes a formula."""
    cache = ws.parent.__dict__.setdefault("_rg_style_arrays", {})
    array = cache.get(style)
    cell = ws._cells.get((row, col))
    if array is None:  # assigning a named style by name is slow; copy its resolved style array instead
        if cell is None:
            cell = ws.cell(row=row, column=col)
        cell.style = style
        cache[style] = copy(cell._style)
    elif cell is None:
        if not 0 < row < 1048577 or col < 1:
            raise ValueError(f"cell ({row}, {col}) is outside the sheet")
        cell = _new_cell()  # what Cell(ws, row, col, style_array=array) sets up, without its overhead
        cell.parent = ws
        cell._style = StyleArray(array)
        cell.row = row
        cell.column = col
        cell._hyperlink = None
        cell._comment = None
        if row > ws._current_row:
            ws._current_row = row
        ws._cells[(row, col)] = cell
    else:
        cell._style = copy(array)
    if isinstance(value, str):
        value = clean_text(value)[:32767]  # as openpyxl's own check_string keeps it
        cell._value = value
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True  # after the style: Excel keeps it text when the cell is edited
    elif value is None or type(value) is int or type(value) is float:
        cell._value = value
        cell.data_type = "n"
    else:
        cell.value = value
    return cell


def merge(ws: Worksheet, ref: str | int, min_col: int = 0, max_row: int = 0, max_col: int = 0) -> None:
    """Merge a range without openpyxl re-styling its edges (which is slow and we style cells ourselves)."""
    if not isinstance(ref, str):
        ref = f"{get_column_letter(min_col)}{ref}:{get_column_letter(max_col)}{max_row}"
    ws.merged_cells.add(MergedCellRange(ws, ref))


# ---------------------------------------------------------------- common sheet frame


def _frame(ws: Worksheet, title: str, columns: int, unit: str, date: str) -> None:
    """Row 1 title merged across the printed columns; row 2 填报单位 … 填报日期."""
    last = get_column_letter(columns)
    put(ws, 1, 1, title, "rg_title")
    merge(ws, f"A1:{last}1")
    ws.row_dimensions[1].height = 32
    split = max(1, columns // 2)
    put(ws, 2, 1, f"填报单位：{unit}（盖章）" if unit else "填报单位：", "rg_meta")
    put(ws, 2, split + 1, f"填报日期：{date}" if date else "填报日期：    年  月  日", "rg_meta_right")
    if split > 1:
        merge(ws, f"A2:{get_column_letter(split)}2")
    if columns > split + 1:
        merge(ws, f"{get_column_letter(split + 1)}2:{last}2")
    ws.row_dimensions[2].height = 20


def _print_setup(ws: Worksheet, printed: int, last_row: int, header_rows: str = f"{HEADER_ROW}:{HEADER_ROW}") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    if header_rows:
        ws.print_title_rows = header_rows
    ws.print_area = f"A1:{get_column_letter(printed)}{max(last_row, HEADER_ROW)}"
    footer = ws.oddFooter.center
    footer.text = "第 &P 页，共 &N 页"
    footer.font = f"{FONT},常规"
    footer.size = 10


_WIDE = re.compile("[\u2e81-\U0010ffff]")  # L.text_width counts these (ord > 0x2E80) as two


def _text_width(text: str) -> int:
    """``L.text_width`` (a CJK/full-width character counts as two), counted by one regex scan."""
    return len(text) + len(_WIDE.findall(text))


def _fit_title(ws: Worksheet, widths: Sequence[float]) -> None:
    """Shrink the title font (18 pt down to 12) until the title fits the printed columns."""
    title = ws["A1"].value or ""
    need = L.text_width(str(title))
    room = sum(widths)
    if need and need * 18 / 11 > room:
        size = max(12, int(room * 11 / need))
        ws["A1"].font = Font(name=FONT, size=size, bold=True)


def _fit(ws: Worksheet, widths: list[int], first: int, last: int, wrapped: set[int], printed: int | None = None) -> None:
    """Column widths (CJK counts double) and estimated row heights for wrapped text."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _fit_title(ws, widths[: printed or len(widths)])
    cells = ws._cells
    rooms = {col: max(widths[col - 1] - 1, 1) for col in wrapped}
    for row in range(first, last + 1):
        lines = 1
        for col in wrapped:
            cell = cells.get((row, col))
            if cell is None:
                cell = ws.cell(row=row, column=col)
            value = cell._value
            if isinstance(value, str) and value:
                room = rooms[col]
                if "\n" in value:
                    lines = max(lines, sum(max(1, math.ceil(_text_width(part) / room)) for part in value.split("\n")))
                else:
                    lines = max(lines, max(1, math.ceil(_text_width(value) / room)))
        if lines > 1:
            ws.row_dimensions[row].height = round(min(lines, 24) * LINE_HEIGHT + 3, 2)


_STYLE_BY_KIND = {"int": "rg_number", "decimal": "rg_number", "date": "rg_date", "choice": "rg_center", "bool": "rg_center"}
_CAP = {"content": MAX_WIDTH, "detail": MAX_WIDTH, "outcome": 30, "evidence": 26, "description": MAX_WIDTH,
        "title": 32, "label": 32, "name": 30}


def _column_width(column: L.Column, values: Iterable[Any]) -> int:
    width = _text_width(column.header) + 2
    for value in values:
        if value is None:
            continue
        if isinstance(value, dt.date):
            text = "0000年00月00日"  # the widest date form
        elif isinstance(value, str):
            text = max(value.split("\n"), key=_text_width) if "\n" in value else value
        else:
            text = f"{value:,}" if isinstance(value, int) else str(value)
        width = max(width, _text_width(text) + 2)
    return min(width, _CAP.get(column.key, 24 if column.kind.name == "text" else 18))


def _validations(book: Book, ws: Worksheet, columns: Sequence[L.Column], first: int, last: int) -> None:
    """A dropdown for every enumerated column, and the field's description as an input hint."""
    for i, column in enumerate(columns, 1):
        letter = get_column_letter(i)
        ref = f"{letter}{first}:{letter}{last}"
        prompt = column.hint[:250]
        if column.required:
            prompt = ("（必填）" + prompt)[:250]
        dv = _form_validation(ws.title, column, first, last)
        if dv is None:
            if column.kind.name in ("choice", "bool"):
                dv = DataValidation(type="list", formula1=book.choice_range(column.choices), allow_blank=True,
                                    showErrorMessage=True, errorTitle="取值不在列表中",
                                    error=f"请从下拉列表中选择{column.header}")
            elif column.suggest:
                dv = DataValidation(type="list", formula1=book.choice_range(column.suggest), allow_blank=True,
                                    showErrorMessage=False)
            elif prompt:
                dv = DataValidation(allow_blank=True)
            else:
                continue
        if prompt:
            dv.showInputMessage = True
            dv.promptTitle = column.header[:30]
            dv.prompt = prompt
        dv.add(ref)
        ws.add_data_validation(dv)


# ---------------------------------------------------------------- form content (workbook_layout.LINKS, FORM_NOTE)


def _form_validation(sheet: str, column: L.Column, first: int, last: int) -> DataValidation | None:
    """A computed column refuses typing; a linked column offers what the other sheet holds."""
    if column.computed:
        return DataValidation(type="custom", formula1="FALSE", allow_blank=True, showErrorMessage=True,
                              errorTitle="不用填写", error=column.hint)
    target = L.LINKS.get((sheet, column.key))
    if target is None:
        return None
    spec = next(t for t in L.TABLES if t.name == target[0])
    letter = get_column_letter(next(i for i, c in enumerate(spec.columns, 1) if c.key == target[1]))
    return DataValidation(type="list", formula1=f"'{spec.name}'!${letter}${first}:${letter}${last}", allow_blank=True,
                          showErrorMessage=False)


def notes_sheet(book: Book) -> Worksheet:
    """The 填写说明 sheet of the blank form: what each sheet is for, in the order the sheets come."""
    ws = book.sheet(L.NOTES_SHEET)
    put(ws, 1, 1, "填写说明", "rg_title")
    merge(ws, "A1:B1")
    row = 3
    for name, note in L.FORM_NOTE.items():
        put(ws, row, 1, name or "总的要求", "rg_header")
        put(ws, row, 2, note, "rg_text")
        row += 1
    _fit(ws, [16, 90], 3, row - 1, {2})
    _print_setup(ws, 2, row - 1, header_rows="")
    return ws


# ---------------------------------------------------------------- list sheets


def _row_cells(spec: L.TableSheet, item: Any, seq: Any, parent: Any = None) -> list[tuple[Any, str]]:
    cells = []
    for column in spec.columns:
        if column.key == L.SEQ:
            cells.append((seq, "rg_center"))
        elif column.key == L.PARENT:
            cells.append((parent, "rg_center"))
        elif column.is_field:
            value = cell_value(column.kind, getattr(item, column.key))
            style = "rg_text" if isinstance(value, str) and column.kind.name in ("decimal", "int") else \
                "rg_center" if column.suggest else _STYLE_BY_KIND.get(column.kind.name, "rg_text")
            cells.append((value, style))
        else:
            cells.append((None, "rg_center"))
    return cells


#: Columns kept in view when scrolling right to the supplementary columns (序号…名称).
_FROZEN = {L.METRICS.name: "D", L.ACTIVITIES.name: "E"}


def table_sheet(book: Book, spec: L.TableSheet, rows: list[list[tuple[Any, str]]], head: tuple[str, str, str],
                total: dict[str, Any] | None = None, spare: int = 200) -> Worksheet:
    """One list sheet: title, 填报 row, header, ``rows`` of (value, style) cells, an optional 合计 row."""
    ws = book.sheet(spec.name)
    title, unit, date = head
    columns = spec.columns
    printed = spec.printed
    _frame(ws, title, printed, unit, date)
    for i, column in enumerate(columns, 1):
        put(ws, HEADER_ROW, i, column.title, "rg_header")
    ws.row_dimensions[HEADER_ROW].height = 30
    row = FIRST_ROW
    for cells in rows:
        for i, (value, style) in enumerate(cells, 1):
            put(ws, row, i, value, style)
        row += 1
    last = row - 1
    if total:
        for i, column in enumerate(columns, 1):
            value = total.get(column.key)
            put(ws, row, i, value, "rg_bold" if not isinstance(value, (int, float)) else "rg_int")
        put(ws, row, 1, "合计", "rg_bold")
        row += 1
    end = row - 1
    widths = [_column_width(c, (cells[i][0] for cells in rows[:WIDTH_SAMPLE])) for i, c in enumerate(columns)]
    wrapped = {i for i, c in enumerate(columns, 1) if c.kind.name in ("text", "list", "keylist", "choicelist")}
    _fit(ws, widths, FIRST_ROW, min(end, FIRST_ROW + 5000), wrapped, printed)
    last_col = get_column_letter(len(columns))
    ws.freeze_panes = f"{_FROZEN.get(spec.name, 'A')}{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{max(last, HEADER_ROW)}"
    _validations(book, ws, columns, FIRST_ROW, max(end, FIRST_ROW) + spare)
    _print_setup(ws, printed, end)
    return ws


def _head(report: Report, spec: L.TableSheet) -> tuple[str, str, str]:
    topic = report.campaign.phrase if spec in (L.METRICS, L.ACTIVITIES) else ""
    return (f"{report.unit.name}{figures.period_label(report)}{topic}{spec.title}", report.unit.name,
            zh.cn_date(report.signature_date))


def _items(report: Report, path: tuple[str, ...]) -> Any:
    value: Any = report
    for name in path:
        value = getattr(value, name, None) if value is not None else None
    return value


def metrics_sheet(book: Book, report: Report, head: tuple[str, str, str]) -> Worksheet:
    spec = L.METRICS
    figures_rows = iter(figures.indicator_rows(report))
    rows: list[list[tuple[Any, str]]] = []
    for i, metric in enumerate(report.metrics, 1):
        fig = next(figures_rows)
        cells = _row_cells(spec, metric, i)
        for j, column in enumerate(spec.columns):
            if column.key == L.COMPLETION:
                cells[j] = (rounded_percent(fig.completion), "rg_percent")
            elif column.key == L.CHANGE:
                cells[j] = (rounded_percent(fig.change), "rg_change")
            elif column.key == L.STATUS:
                cells[j] = (fig.status or None, "rg_center")
        rows.append(cells)
        for part in metric.parts:
            fig = next(figures_rows)
            rows.append(_part_cells(spec, metric, part, fig.value))
    ws = table_sheet(book, spec, rows, head)
    status = get_column_letter(next(i for i, c in enumerate(spec.columns, 1) if c.key == L.STATUS))
    last = max(FIRST_ROW + len(rows) - 1, FIRST_ROW)
    ws.conditional_formatting.add(
        f"{status}{FIRST_ROW}:{status}{last + 200}",
        CellIsRule(operator="equal", formula=['"未达标"'], font=Font(name=FONT, color="C00000", bold=True),
                   fill=PatternFill("solid", bgColor="F2F2F2")),
    )
    return ws


def _part_cells(spec: L.TableSheet, metric: Metric, part: Part, value: Decimal) -> list[tuple[Any, str]]:
    cells: list[tuple[Any, str]] = []
    for column in spec.columns:
        if column.key == "label":
            cells.append(("其中：" + clean_text(part.label), "rg_child"))
        elif column.key == "value":
            cells.append((number(value), "rg_number" if not isinstance(number(value), str) else "rg_text"))
        elif column.key == "unit":
            cells.append((metric.unit, "rg_center"))
        else:
            cells.append((None, "rg_center"))
    return cells


def activities_sheet(book: Book, report: Report, head: tuple[str, str, str]) -> Worksheet:
    spec = L.ACTIVITIES
    rows = [_row_cells(spec, a, i) for i, a in enumerate(report.activities, 1)]
    total = {"attendance": sum(a.attendance or 0 for a in report.activities)} if report.activities else None
    return table_sheet(book, spec, rows, head, total=total)


def quantities_rows(activities: Sequence[Activity]) -> list[list[tuple[Any, str]]]:
    rows = []
    for i, activity in enumerate(activities, 1):
        for quantity in activity.quantities:
            rows.append(_row_cells(L.QUANTITIES, quantity, None, i))
    return rows


# ---------------------------------------------------------------- 单位信息


def info_values(report: Report) -> dict[str, Any]:
    values = {}
    for row in L.INFO_ROWS:
        values[row.dotted] = _items(report, row.path)
    return values


def info_sheet(book: Book, values: dict[str, Any], head: tuple[str, str, str]) -> Worksheet:
    ws = book.sheet(L.INFO)
    _frame(ws, head[0], 4, head[1], head[2])
    for i, header in enumerate(("分组", "项目", "内容", "填写说明"), 1):
        put(ws, HEADER_ROW, i, header, "rg_header")
    by_choices: dict[tuple[str, ...], list[str]] = {}
    row = FIRST_ROW
    for info in L.INFO_ROWS:
        value = cell_value(info.kind, values.get(info.dotted))
        put(ws, row, 1, info.group, "rg_center")
        put(ws, row, 2, info.label, "rg_text")
        put(ws, row, 3, value, "rg_value_date" if info.kind.name == "date" else "rg_value")
        hint = ("（必填）" if info.required else "") + info.hint
        if info.kind.is_list:
            hint += "（多项用顿号“、”分隔）"
        put(ws, row, 4, hint, "rg_text")
        if info.kind.choices:
            choices = tuple(L.DISPLAY.get(c, c) for c in info.kind.choices)
            if info.kind.name != "choicelist":
                by_choices.setdefault(choices, []).append(f"C{row}")
        row += 1
    for choices, cells in by_choices.items():
        dv = DataValidation(type="list", formula1=book.choice_range(choices), allow_blank=True,
                            showErrorMessage=True, errorTitle="取值不在列表中", error="请从下拉列表中选择")
        dv.add(" ".join(cells))
        ws.add_data_validation(dv)
    widths = [12, 20, 36, 48]
    _fit(ws, widths, FIRST_ROW, row - 1, {3, 4})
    ws.freeze_panes = f"A{FIRST_ROW}"
    _print_setup(ws, 4, row - 1)
    return ws


# ---------------------------------------------------------------- 汇总


def summary_sheet(book: Book, report: Report, head: tuple[str, str, str]) -> Worksheet:
    """Unit, period, key figures, completion by category and a bar chart of the categories' 达标率."""
    ws = book.sheet(L.SUMMARY)
    headers = ("序号", "类别", "指标数", "设定目标", "达标", "未达标", "达标率", "开展活动", "参与人数/人次")
    ncol = len(headers)
    _frame(ws, head[0], ncol, head[1], head[2])
    ctx = figures.context(report)
    period = report.period
    met = ctx["met_count"]
    targeted = ctx["target_count"]
    facts: list[tuple[str, Any, str]] = [
        ("单位名称", report.unit.name, "rg_text"),
        ("单位类型", report.unit.type, "rg_text"),
        ("统计时段", f"{zh.cn_date(period.start_date)}至{zh.cn_date(period.end_date)}（{figures.period_label(report)}）",
         "rg_text"),
        ("创建工作", report.campaign.phrase, "rg_text"),
        ("开展活动（项）", ctx["activity_count"], "rg_int"),
        # 人次 and 人 are different measures: one row each, never one sum.
        *((f"参与{'人次' if unit == '人次' else '人数'}合计（{unit}）", total, "rg_int")
          for unit, total in ctx["attendance_by_unit"].items()),
        ("投入经费（元）", number(ctx["total_spend"]), "rg_number"),
        ("指标总数（项）", len(report.metrics), "rg_int"),
        ("设定目标的指标（项）", targeted, "rg_int"),
        ("达标指标（项）", met, "rg_int"),
        ("未达标指标（项）", targeted - met, "rg_int"),
        ("指标达标率", rounded_percent(Decimal(met) / targeted * 100) if targeted else None, "rg_percent"),
    ]
    put(ws, 3, 1, "一、基本情况与主要数据", "rg_section")
    merge(ws, 3, 1, 3, ncol)
    row = 4
    for label, value, style in facts:
        put(ws, row, 1, label, "rg_header")
        merge(ws, row, 1, row, 3)
        put(ws, row, 4, value, style if style != "rg_text" else "rg_text")
        merge(ws, row, 4, row, ncol)
        for col in (2, 3):
            put(ws, row, col, None, "rg_header")
        for col in range(5, ncol + 1):
            put(ws, row, col, None, style)
        row += 1
    row += 1
    put(ws, row, 1, "二、按类别完成情况", "rg_section")
    merge(ws, row, 1, row, ncol)
    row += 1
    table_header = row
    for i, header in enumerate(headers, 1):
        put(ws, row, i, header, "rg_header")
    row += 1
    first = row
    counts = _by_category(report)
    for n, (theme, c) in enumerate(counts.items(), 1):
        rate = rounded_percent(Decimal(c["met"]) / c["targeted"] * 100) if c["targeted"] else None
        values = (n, theme, c["metrics"], c["targeted"], c["met"], c["targeted"] - c["met"], rate, c["activities"],
                  c["attendance"])
        styles = ("rg_center", "rg_center", "rg_int", "rg_int", "rg_int", "rg_int", "rg_percent", "rg_int", "rg_text")
        for i, (value, style) in enumerate(zip(values, styles), 1):
            put(ws, row, i, value, style)
        row += 1
    last = row - 1
    if counts:
        totals = (None, "合计", len(report.metrics), targeted, met, targeted - met,
                  rounded_percent(Decimal(met) / targeted * 100) if targeted else None,
                  ctx["activity_count"], figures.attendance_text(ctx["attendance_by_unit"]))
        styles = ("rg_bold", "rg_bold", "rg_int", "rg_int", "rg_int", "rg_int", "rg_percent", "rg_int", "rg_text")
        for i, (value, style) in enumerate(zip(totals, styles), 1):
            put(ws, row, i, value, style)
        row += 1
    widths = [8, 16, 10, 10, 8, 8, 10, 10, 14]
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _fit_title(ws, widths)
    if counts and any(c["targeted"] for c in counts.values()):
        chart = rate_chart("各类别指标达标率", "col")
        chart.y_axis.majorGridlines = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        data = Reference(ws, min_col=7, min_row=table_header, max_row=last)
        cats = Reference(ws, min_col=2, min_row=first, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.dataLabels.showCatName = False
        chart.dataLabels.showSerName = False
        chart.dataLabels.showLegendKey = False
        chart.height = 7.5
        chart.width = 22
        ws.add_chart(chart, f"A{row + 1}")
        row += 16
    put(ws, row + 1, 1, "单位负责人：            审核人：            填报人：            联系电话：", "rg_meta")
    merge(ws, row + 1, 1, row + 1, ncol)
    _print_setup(ws, ncol, row + 1, header_rows="")
    ws.page_setup.orientation = "portrait"
    return ws


def _by_category(report: Report) -> dict[str, dict[str, Any]]:
    """Per theme: metrics, with target, met (from figures.indicator_rows), activities and attendance."""
    counts: dict[str, dict[str, Any]] = {}
    present = {r.theme for r in figures.indicator_rows(report) if not r.depth} | {a.theme for a in report.activities}
    for theme in THEMES:
        if theme in present:
            counts[theme] = {"metrics": 0, "targeted": 0, "met": 0, "activities": 0, "attendance": ""}
    for fig in figures.indicator_rows(report):
        if fig.depth:
            continue
        c = counts[fig.theme]
        c["metrics"] += 1
        c["targeted"] += fig.met is not None
        c["met"] += bool(fig.met)
    for theme in counts:
        data = figures.theme_data(report, theme)
        counts[theme]["activities"] = len(data["activities"])
        counts[theme]["attendance"] = figures.attendance_text(data["attendance"])
    return counts


# ---------------------------------------------------------------- entry points



def rate_chart(title: str, kind: str) -> BarChart:
    """A bar chart of 达标率 from 0 to 100 %, as the unit workbook and the roll-up both show it."""
    chart = BarChart()
    chart.type = kind
    chart.title = title
    chart.y_axis.title = "达标率"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.legend = None
    return chart

def render(report: Report) -> bytes:
    """The whole workbook for one report (汇总 first; every fact on some sheet, for the round trip)."""
    book = Book()
    summary_sheet(book, report, (f"{report.unit.name}{figures.period_label(report)}{report.campaign.phrase}工作汇总表",
                                 report.unit.name, zh.cn_date(report.signature_date)))
    metrics_sheet(book, report, _head(report, L.METRICS))
    activities_sheet(book, report, _head(report, L.ACTIVITIES))
    info_sheet(book, info_values(report), (f"{report.unit.name}基本信息", report.unit.name,
                                           zh.cn_date(report.signature_date)))
    quantities = quantities_rows(report.activities)
    if quantities:
        table_sheet(book, L.QUANTITIES, quantities, _head(report, L.QUANTITIES))
    for spec in L.TABLES:
        if spec in (L.METRICS, L.ACTIVITIES, L.QUANTITIES):
            continue
        items = _items(report, spec.path)
        if not items:
            continue
        if spec is L.HEADINGS:
            items = [L._HeadingRow(theme=k, title=v) for k, v in items.items()]
        rows = [_row_cells(spec, item, i) for i, item in enumerate(items, 1)]
        table_sheet(book, spec, rows, _head(report, spec))
    # The file's timestamp must be reproducible, not the clock; it is metadata, never printed as 成文日期.
    stamp = report.signature_date or report.period.end_date
    return book.save(dt.datetime(stamp.year, stamp.month, stamp.day))


EXAMPLES = L.EXAMPLES  # the form's 示例 rows live with the rest of its content


def fill_in_workbook(unit_type: str = "社区") -> bytes:
    """The blank workbook of ``reportgen init --xlsx``: every input sheet, dropdowns, hints, one example row.

    Example rows are marked 示例 in 序号 and are skipped when the workbook is read.
    """
    book = Book()
    values: dict[str, Any] = {row.dotted: None for row in L.INFO_ROWS}
    defaults = {"kind": "总结", "unit.type": unit_type, "period.type": "全年", "campaign.level": "全国",
                "campaign.kind": "文明城市", "campaign.verb": "创建", "closing.style": "auto",
                "attach_indicators": True}
    values.update(defaults)
    notes_sheet(book)
    info_sheet(book, values, ("单位基本信息", "", ""))
    examples = EXAMPLES
    for spec in L.TABLES:
        if spec is L.HEADINGS:
            rows = []
        else:
            rows = [_row_cells(spec, item, "示例", "示例") for item in examples.get(spec.name, [])]
            if spec is L.METRICS:
                for item in examples[spec.name]:
                    rows += [_part_cells(spec, item, part, part.value) for part in item.parts]
                    for cells in rows[1:]:
                        cells[0] = ("示例", "rg_center")
        title = ("创建文明城市" if spec in (L.METRICS, L.ACTIVITIES) else "") + spec.title
        shown = len(rows)
        rows += [[(None, "rg_text")] * len(spec.columns) for _ in range(L.BLANK_ROWS)]  # ruled rows for a printout
        ws = table_sheet(book, spec, rows, (title, "", ""), spare=1000)
        for r in range(FIRST_ROW, FIRST_ROW + shown):
            for c in range(1, len(spec.columns) + 1):
                cell = ws.cell(row=r, column=c)
                cell.font = Font(name=FONT, size=11, italic=True, color="808080")
        for r in range(FIRST_ROW + shown, FIRST_ROW + len(rows)):
            ws.row_dimensions[r].height = L.BLANK_ROW_HEIGHT
    return book.save()
