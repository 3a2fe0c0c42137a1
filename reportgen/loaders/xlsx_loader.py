"""Read a workbook (ours, or a ledger a unit already keeps) into the plain data the YAML loader gives.

The sheets and columns are those of ``workbook_layout`` (derived from the models). Real ledgers are
messy, so headers are found in the first rows by name and alias (merged and two-tier headers,
extra columns, any column order), dates may be Excel serials or text (2024-06-05, 2024/6/5,
2024年6月5日, 2024.6.5), numbers may be stored as text (1,200, ５０人), and blank, 示例 and 合计
rows are skipped. Values are only converted, never judged: pydantic and ``rules`` do the
validation, and the source map sends each error to its ``表名!单元格``.

Hostile files are refused before openpyxl parses them: the archive's entry count and declared
uncompressed size are checked first (zipfile enforces the declared sizes while reading), macros are
refused, and the file is read with ``read_only=True, data_only=True`` (a formula reads as its cached
value, never evaluated) with bounded rows and columns.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from .. import dates, markers
from .. import workbook_layout as L
from . import amounts
from ..errors import Finding, InputError, Location, Path as FieldPath, SourceMap
from ..inputfile import read_bytes

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 120 * 1024 * 1024
MAX_COLUMNS = 100
MAX_ROW_INDEX = 100_000
MAX_DATA_ROWS = 20_000
HEADER_SCAN = 12

_MISSING = object()
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")  # model.Key
_FOOTER = re.compile(r"^(单位负责人|审核人|填报人|制表人|填表人|联系电话|注[:：]|说明[:：])")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
_COUNT_SUFFIX = re.compile(r"(人次|人|名|次|个|场|期|户|份|篇|支|处|项|家|件|条|张|天|小时|年度|年|月份|月)$")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?")
_YEAR = re.compile(r"(\d{4})\s*年?")
_TRUE = {"是", "true", "yes", "y", "1", "对", "√", "✓", "需要"}
_FALSE = {"否", "false", "no", "n", "0", "不", "×", "✗", "不需要"}
_EXCEL_EPOCH = CALENDAR_WINDOWS_1900


@dataclass
class XlsxSourceMap(SourceMap):
    """A source map for a workbook: findings name the cell and the column (in Chinese), not the field path.

    List rows are recorded compactly (sheet, row, column of each field) and turned into locations only
    when an error needs one, so reading 20,000 rows does not build 400,000 Location objects.
    """

    labels: dict[FieldPath, str] = field(default_factory=dict)
    rows: dict[FieldPath, tuple[str, int, dict[str, int], L.TableSheet]] = field(default_factory=dict)
    #: 表名!单元格 → what the clerk typed, for cells the reader could not turn into a number, date or
    #: choice: a message quotes it, because the typed text is what the clerk looks for in the sheet.
    typed: dict[str, str] = field(default_factory=dict)

    def states(self, path: FieldPath) -> bool:
        """A list row's field is stated when its column is in the sheet (rows are recorded compactly); an
        item of a list typed in one cell (指导思想 “甲、乙”) is stated by that cell."""
        path = tuple(path)
        if path in self.locations:
            return True
        for end in range(len(path) - 1, 0, -1):
            if path[:end] in self.locations and all(isinstance(step, int) for step in path[end:]):
                return True
            found = self.rows.get(path[:end])
            if found is not None:
                return path[end] in found[2]
        return False

    def _find(self, path: FieldPath) -> tuple[Location, str]:
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if prefix in self.locations:
                return self.locations[prefix], self.labels.get(tuple(path), "") or self.labels.get(prefix, "")
            if prefix in self.rows:
                sheet, row, cols, spec = self.rows[prefix]
                key = path[end] if end < len(path) else None
                if isinstance(key, str) and key in cols:
                    return _at(self.file, sheet, row, cols[key]), spec.column(key).header
                return _at(self.file, sheet, row, 0), f"第{row}行"
        return Location(self.file), ""

    def locate(self, path: FieldPath) -> Location:
        return self._find(path)[0]

    def finding(self, path: FieldPath, message: str, severity: str = "error") -> Finding:
        location, label = self._find(path)
        message = message.replace(" true 或 false", "“是”或“否”")  # what a yes/no cell takes (see to_bool)
        shown = self.typed.get(location.cell or "")
        return Finding(location, label, f"“{shown}”，{message}" if shown is not None else message, severity)


def _at(file: str, sheet: str, row: int, col: int) -> Location:
    return Location(file, cell=f"{sheet}!{get_column_letter(col + 1)}{row}")


def _fail(name: str, message: str) -> InputError:
    return InputError([Finding(Location(name), "", message)])


# ---------------------------------------------------------------- opening safely


def open_workbook(path: Path):  # noqa: ANN201 — an openpyxl Workbook
    """Check the archive, then open it read-only; every failure is a Chinese InputError."""
    name = str(path)
    raw = read_bytes(path, "工作簿", MAX_FILE_BYTES)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _fail(name, "这是旧版 .xls 文件或设置了打开密码的工作簿：请在 Excel 中取消密码，另存为 .xlsx 后再试")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise _fail(name, "不是有效的 .xlsx 工作簿（文件可能已损坏，或只是改了扩展名）：请用 Excel 或 WPS 另存为 .xlsx 后再试")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(name, f"工作簿已损坏，无法打开（{exc}）：请用 Excel 或 WPS 另存为 .xlsx 后再试") from None
    if len(entries) > MAX_ENTRIES:
        raise _fail(name, f"工作簿内部文件过多（{len(entries)} 个）：这不像正常的工作簿，已拒绝读取")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED:
        raise _fail(name, f"工作簿解压后过大（约 {total // 1024 // 1024} MB）：可能是异常文件或表格过大，请删除无关内容或拆分后再试")
    names = {e.filename.lower() for e in entries}
    if any(n.endswith("vbaproject.bin") for n in names) or _macro_content_type(archive):
        raise _fail(name, "工作簿含有宏（VBA 代码）：为安全起见不读取，请在 Excel 中另存为“Excel 工作簿（*.xlsx）”后再试")
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise _fail(name, "不是有效的 .xlsx 工作簿（缺少工作簿内容）：请用 Excel 或 WPS 另存为 .xlsx 后再试")
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 — any parser failure is a damaged file, not a crash
        raise _fail(name, f"工作簿已损坏或格式不受支持，无法打开（{type(exc).__name__}）：请用 Excel 或 WPS 另存为 .xlsx 后再试") from None


def _macro_content_type(archive: zipfile.ZipFile) -> bool:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return False
    if info.file_size > 1024 * 1024:
        return False
    try:
        return b"macroEnabled" in archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return False  # a damaged entry: openpyxl then reports the workbook as damaged, at the file


# ---------------------------------------------------------------- cell values


def _text(raw: Any) -> Any:
    if raw is None:
        return _MISSING
    if isinstance(raw, str):
        return raw if raw.strip() else _MISSING
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, (dt.date, dt.time)):
        return raw.isoformat()
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    return str(raw)


def _numeric_text(text: str) -> str:
    text = text.translate(_FULL_WIDTH).strip()
    return re.sub(r"(?<=\d)[,\s](?=\d)", "", text)


def to_int(raw: Any) -> Any:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    if isinstance(raw, dt.datetime):
        return raw
    text = _numeric_text(str(raw))
    text = _COUNT_SUFFIX.sub("", text).strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(Decimal(text))
    return raw


def to_decimal(raw: Any, percent_format: bool = False) -> Any:
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.time)):
        return raw
    if isinstance(raw, (int, float)):
        value = Decimal(raw) if isinstance(raw, int) else Decimal(repr(raw))
        if percent_format:
            value = (value * 100).normalize()
            if value == value.to_integral_value():
                value = value.quantize(Decimal(1))
        return value
    text = _numeric_text(str(raw))
    text = re.sub(r"\s*(%|元)$", "", text)
    try:
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            return Decimal(text)
    except InvalidOperation:
        pass
    return raw


def to_date(raw: Any, epoch: dt.datetime = _EXCEL_EPOCH) -> Any:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw == int(raw) and dates.YEARS[0] <= raw <= dates.YEARS[1]:
            # 2023 typed in a number cell is a year (成立于2023年); as a serial it would be 1905.
            return int(raw)
        if 1 <= raw < 2958466:  # serial 2958465 is the last day Excel has; past it there is no date to give
            # from_excel knows Excel's phantom 1900-02-29 (serials below 61 are one day off otherwise)
            return from_excel(int(raw), epoch).date()
        return raw
    text = str(raw).translate(_FULL_WIDTH).strip()
    match = _DATE.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return text
    match = _MONTH.fullmatch(text)
    if match:  # 2024年8月, 2024-08, 2024/8, 2024.8: the month only, for fields that take one
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    match = _YEAR.fullmatch(text)
    if match:
        return match.group(1)
    return raw


def to_bool(raw: Any) -> Any:
    if isinstance(raw, bool):
        return raw
    key = str(raw).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return raw


def split_list(raw: Any, keys: bool = False) -> list[str]:
    """One cell → list: by line when there are line breaks, else by ``markers.LIST_SEPARATORS`` (and spaces for keys)."""
    text = _text(raw)
    if text is _MISSING:
        return []
    if "\n" in text:
        parts = text.split("\n")
    else:
        parts = (markers.KEY_LIST_SPLIT if keys else markers.LIST_SPLIT).split(text)
    return [p.strip() for p in parts if p.strip()]


_SPREAD = re.compile(r"(.+?)不等\s*")
_PER = re.compile(r"\s*每([^\d\s、，,；;]{1,4}?)\s*(?=[\d近约超逾])")


def _per(raw: Any) -> tuple[str | None, Any]:
    """``每户1000元`` → (``户``, ``1000元``); anything else unchanged."""
    match = _PER.match(raw) if isinstance(raw, str) else None
    return (match.group(1), raw[match.end():]) if match else (None, raw)


def _spread(raw: Any) -> tuple[str, list[Any]] | None:
    """``300元、200元不等`` → (``300元``, [200]): a spread of amounts the clerk typed in the value cell.
    Anything else (one number, two numbers without 不等) is left to the figure reader and its messages."""
    if not isinstance(raw, str):
        return None
    match = _SPREAD.fullmatch(raw.strip())
    if not match:
        return None
    first, *rest = [p.strip() for p in markers.LIST_SPLIT.split(match.group(1)) if p.strip()]
    if not rest:
        return None
    others = []
    for text in rest:
        try:
            amount = amounts.parse(text)
        except amounts.AmountError:
            return None
        others.append(amount.value)
    return first, others


def split_numbers(raw: Any) -> list[str]:
    """``300、200`` or ``300，200`` → two numbers; a comma before three digits (1,200) is a thousands mark."""
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return [str(to_decimal(raw))]
    text = _text(raw)
    if text is _MISSING:
        return []
    return [p.strip() for p in re.split(r"[、，；;\s]+|,(?!\d{3}(?!\d))", text) if p.strip()]


_ESCAPED = re.compile("_x(00[01][0-9A-Fa-f])_")


def _unescape(text: str) -> str:
    """Control characters as OOXML stores them (``_x000D_`` for a carriage return), which openpyxl leaves as is."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def convert(kind: L.Kind, raw: Any, number_format: str = "", epoch: dt.datetime = _EXCEL_EPOCH) -> Any:
    """A cell's value as the model field expects it; unconvertible values pass through for pydantic to report."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _MISSING
    if isinstance(raw, str) and "_x" in raw:
        raw = _unescape(raw)
    name = kind.name
    if name == "numberlist":
        items = [to_decimal(item) for item in split_numbers(raw)]
        return items if items else _MISSING
    if kind.is_list:
        items = split_list(raw, keys=name == "keylist")
        return items if items else _MISSING
    if name == "text":
        return _text(raw)
    if name == "int":
        return to_int(raw)
    if name == "decimal":
        return to_decimal(raw, "%" in (number_format or ""))
    if name == "date":
        return to_date(raw, epoch)
    if name == "bool":
        return to_bool(raw)
    if name == "choice":
        text = _text(raw).strip()
        return L.UNDISPLAY.get(text, text)
    return raw


# ---------------------------------------------------------------- rows


Cell = Any  # an openpyxl read-only cell: .value and .number_format


@dataclass
class Header:
    row: int  # 1-based row of the (last) header row
    columns: dict[str, list[int]]  # column key → 0-based indices, first wins

    def first(self, key: str, cells: list[Cell]) -> tuple[int | None, Any, str]:
        """(index, value, format) of the first non-blank cell for ``key``, or of its first column."""
        indices = self.columns.get(key, [])
        for i in indices:
            if i < len(cells) and not _blank(cells[i].value):
                return i, cells[i].value, _format(cells[i])
        return (indices[0], None, "") if indices else (None, None, "")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _format(cell: Any) -> str:
    return getattr(cell, "number_format", "") or ""


class _Filled:
    """A cell given the value of the merged range it lies in (a real ledger's vertically merged 类别)."""

    __slots__ = ("value", "number_format")

    def __init__(self, value: Any, number_format: str) -> None:
        self.value = value
        self.number_format = number_format


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)"')
MAX_MERGES = 5000
MAX_FILLED = 200_000


_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*?(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_HAS_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def scan_sheet(ws: Any) -> tuple[list[tuple[int, int, int, int]], set[str]]:
    """Merged ranges (min_col, min_row, max_col, max_row) and formula cells saved without a value.

    Read-only worksheets parse neither; a byte scan of the sheet XML is cheap (cell text cannot hold a
    raw ``<``), and the cell pattern only runs on chunks that contain a formula at all.
    """
    from openpyxl.utils.cell import range_boundaries

    try:
        source = ws.parent._archive.open(ws._worksheet_path)
    except Exception:  # noqa: BLE001 — no access to the part: merged cells just are not filled
        return [], set()
    found: set[bytes] = set()
    formulas: set[str] = set()
    tail = b""
    with source:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if len(found) <= MAX_MERGES:
                found.update(match.group(1) for match in _MERGE.finditer(data))
            if _HAS_FORMULA.search(data) and len(formulas) < MAX_MERGES:
                for match in _CELL.finditer(data):
                    body = match.group(2)
                    if _HAS_FORMULA.search(body) and not _HAS_VALUE.search(body):
                        formulas.add(match.group(1).decode("ascii"))
            tail = data[-65536:]
    ranges = []
    for ref in sorted(found)[:MAX_MERGES]:
        text = ref.decode("ascii")
        if ":" not in text:
            continue
        try:
            ranges.append(range_boundaries(text))
        except ValueError:
            continue
    return ranges, formulas  # type: ignore[return-value]


def _fill_merged(rows: list[tuple[int, Any]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the value of its top-left cell (bounded)."""
    if not ranges:
        return
    position = {index: i for i, (index, _) in enumerate(rows)}
    budget = MAX_FILLED
    for min_col, min_row, max_col, max_row in ranges:
        if min_col > MAX_COLUMNS or min_row not in position:
            continue
        top = rows[position[min_row]][1]
        if min_col - 1 >= len(top):
            continue
        value = top[min_col - 1].value
        if value is None:
            continue
        fmt = _format(top[min_col - 1])
        for r in range(min_row, min(max_row, MAX_ROW_INDEX) + 1):
            if r not in position:
                continue
            i = position[r]
            cells = list(rows[i][1])
            for c in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                if (r, c) == (min_row, min_col) or c - 1 >= len(cells):
                    continue
                cells[c - 1] = _Filled(value, fmt)
                budget -= 1
            rows[i] = (r, tuple(cells))
            if budget <= 0:
                return


def read_rows(ws: Any, name: str, sheet: str) -> tuple[list[tuple[int, tuple]], set[str]]:
    """Every non-blank row (1-based index, cells), bounded in rows and columns, merged ranges filled;
    and the coordinates of formula cells that were saved without a computed value."""
    rows: list[tuple[int, tuple]] = []
    try:
        ws.reset_dimensions()  # never trust <dimension>: some exporters write "A1" for a whole sheet
    except AttributeError:
        pass
    empty: Any = None  # openpyxl yields one shared tuple for every missing row: skip those by identity
    for index, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), 1):
        if index > MAX_ROW_INDEX:
            break
        if row is empty:
            continue
        for cell in row:
            value = cell.value
            if value is not None and not (isinstance(value, str) and not value.strip()):
                break
        else:
            empty = row
            continue
        rows.append((index, row))
        if len(rows) > MAX_DATA_ROWS + HEADER_SCAN:
            raise _fail(name, f"工作表“{sheet}”的数据行过多（超过 {MAX_DATA_ROWS} 行）：请删除空白格式行或拆分文件")
    ranges, formulas = scan_sheet(ws)
    _fill_merged(rows, ranges)
    return rows, formulas


def _names(columns: tuple[L.Column, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in columns:
        for n in L.header_names(column):
            names.setdefault(n, column.key)
    return names


def find_header(rows: list[tuple[int, list[Cell]]], columns: tuple[L.Column, ...]) -> tuple[Header | None, int]:
    """The header among the first rows: the row naming the most columns, plus a second tier if any."""
    names = _names(columns)
    best: tuple[int, int, dict[str, list[int]]] | None = None
    head = rows[:HEADER_SCAN]
    for pos, (_, cells) in enumerate(head):
        found: dict[str, list[int]] = {}
        for i, cell in enumerate(cells):
            key = names.get(L.normalize_header(cell.value)) if isinstance(cell.value, str) else None
            if key:
                found.setdefault(key, []).append(i)
        if found and (best is None or len(found) > len(best[2])):
            best = (pos, len(found), found)
    if best is None:
        return None, 0
    pos, _, found = best
    used = {i for indices in found.values() for i in indices}
    last = pos
    for other in (pos - 1, pos + 1):  # merged two-tier headers: pick up names in the neighbouring row
        if 0 <= other < len(head) and head[other][0] in (head[pos][0] - 1, head[pos][0] + 1):
            added = False
            for i, cell in enumerate(head[other][1]):
                key = names.get(L.normalize_header(cell.value)) if isinstance(cell.value, str) else None
                if key and i not in used and key not in found:
                    found.setdefault(key, []).append(i)
                    used.add(i)
                    added = True
            if added and other > last:
                last = other
    return Header(head[last][0], found), last + 1


#: The column that names a row (活动名称, 指标名称…): a 合计 written there marks a total row even
#: when the row has its 类别 filled in.
_NAME_KEYS = ("title", "label", "name", "role")


def _row_kind(cells: list[Cell], header: Header) -> str:
    """The kind of a row: total (a 合计/小计 row), footer (填报人… lines), example (序号 still 示例) or data."""
    def texts(keys: tuple[str, ...]) -> list[str]:
        values = (header.first(key, cells)[1] for key in keys if key in header.columns)
        return [v.strip() for v in values if isinstance(v, str)]

    seqs = texts((L.SEQ, L.PARENT))
    first = next((c.value for c in cells if not _blank(c.value)), None)
    lead = [first.strip()] if isinstance(first, str) else []
    if any(markers.TOTAL_ROW.match(t) for t in seqs + texts(_NAME_KEYS) + lead):
        return "total"
    if lead and _FOOTER.match(lead[0]):
        return "footer"
    if any(t in markers.EXAMPLE_SEQS for t in seqs):
        return "example"
    return "data"


def _same(read: Any, example: Any) -> bool:
    if read == example:
        return True
    return isinstance(example, (str, int, Decimal)) and str(read) == str(example)


def untouched_example(spec: L.TableSheet, item: dict[str, Any]) -> bool:
    """Whether a 示例 row still holds the form's own example (and so is not the clerk's data)."""
    label = item.get("label")
    if spec is L.METRICS and isinstance(label, str) and markers.PART_PREFIX.match(label):
        return any(markers.PART_PREFIX.sub("", label, count=1) == part.label for ex in L.EXAMPLES.get(spec.name, []) for part in ex.parts)
    for example in L.EXAMPLES.get(spec.name, []):
        if all(_same(value, getattr(example, key, None)) for key, value in item.items()):
            return True
    return False


# ---------------------------------------------------------------- sheets → data


class Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.source = XlsxSourceMap(name)
        self.findings: list[Finding] = []
        self.data: dict[str, Any] = {}
        self.formulas: dict[str, set[str]] = {}
        self.epoch = _EXCEL_EPOCH  # the workbook's date system (1900 or 1904) for serials in text-formatted cells

    def cell(self, sheet: str, row: int, col: int) -> Location:
        return _at(self.name, sheet, row, col)

    def problem(self, sheet: str, row: int, col: int, message: str) -> None:
        self.findings.append(Finding(self.cell(sheet, row, col), "", message))

    def notice(self, sheet: str, row: int, col: int, message: str) -> None:
        """Something the reader leaves out on purpose, said as a warning so nothing goes unmentioned."""
        self.source.found.append(Finding(self.cell(sheet, row, col), "", message, "warning"))

    def bad_cell(self, sheet: str, row: int, col: int, message: str, label: str) -> None:
        """A cell that cannot be read: reported with the validation errors, so all come in one list."""
        self.source.found.append(Finding(self.cell(sheet, row, col), label, message))

    def keep_typed(self, sheet: str, row: int, col: int, raw: Any) -> None:
        self.source.typed[f"{sheet}!{get_column_letter(col + 1)}{row}"] = amounts.typed(raw)

    def value(self, kind: L.Kind, raw: Any, fmt: str, where: tuple[str, int, int], label: str) -> Any:
        """A cell converted for its field; a figure that is not a bare number goes through ``amounts``.

        Returns the value, or an ``amounts.Amount`` when the clerk typed a 约数 or a measure word (the
        caller decides where those go), or _MISSING after recording why the cell cannot be read.
        """
        value = convert(kind, raw, fmt, self.epoch)
        if kind.name in ("int", "decimal") and isinstance(value, str):
            try:
                return amounts.parse(raw)
            except amounts.AmountError as exc:
                sheet, row, col = where
                self.bad_cell(sheet, row, col, f"“{amounts.typed(raw)}”，{exc}", label)
                return _MISSING
        if value is not _MISSING and isinstance(value, str) and kind.name not in ("text", "list", "keylist") \
                and not (kind.name == "choice" and value in kind.choices):
            self.keep_typed(*where, raw)
        return value

    def figure(self, amount: amounts.Amount, shown: str, kind: L.Kind, item: dict[str, Any],
               companions: L.Companions | None, where: tuple[str, int, int], label: str) -> Any:
        """Place a typed figure: the number in its field, 多/近/约… and the measure word in their companions."""
        sheet, row, col = where
        number = int(amount.value) if kind.name == "int" and amount.value == amount.value.to_integral_value() else amount.value
        if companions is None:
            if not amount.is_exact:
                exact = amounts.written(amount.value, "")
                self.bad_cell(sheet, row, col, f"“{shown}”是约数，这一栏只能填确切的数（如 {exact}）", label)
                return _MISSING
            return number
        if not amount.is_exact:
            already = item.get(companions.approx)
            if already not in (None, "exact", amount.approx):
                self.bad_cell(sheet, row, col, f"“{shown}”写的是“{amount.approx}”，与约数说法一栏的“{already}”不一致：请只保留一种", label)
                return _MISSING
            item[companions.approx] = amount.approx
        if amount.agg and companions.agg and item.get(companions.agg) in (None, "none"):
            item[companions.agg] = amount.agg
        if amount.unit:
            if companions.units and amount.unit not in companions.units:
                allowed = "、".join(companions.units)
                self.bad_cell(sheet, row, col, f"“{shown}”的单位“{amount.unit}”不对：这一栏的单位只能是{allowed}", label)
                return _MISSING
            if companions.unit:
                stated = item.get(companions.unit)
                if stated not in (None, amount.unit) and companions.units == ():
                    self.bad_cell(sheet, row, col, f"“{shown}”的单位“{amount.unit}”与计量单位一栏的“{stated}”不一致：请只在一处写单位", label)
                    return _MISSING
                item[companions.unit] = amount.unit
        return number

    # -- list sheets

    def table(self, sheet: str, spec: L.TableSheet, rows: list[tuple[int, list[Cell]]]) -> list[tuple[int, dict, list, list[Cell]]]:
        """Rows of one list sheet as (row number, item data, [(key, col)]); locations are recorded by the caller."""
        header, start = find_header(rows, spec.columns)
        if header is None:
            if rows:
                self.problem(sheet, rows[0][0], 0, f"找不到表头：第一行应为列名，如 {'、'.join(c.header for c in spec.columns[:5])}")
            return []
        for column in spec.columns:
            if column.required and column.key not in header.columns and len(rows) > start:
                alias = "、".join((column.header,) + column.aliases[:3])
                self.problem(sheet, header.row, 0, f"缺少“{column.header}”列：请加上这一列（列名可写 {alias}）")
        known = {i for indices in header.columns.values() for i in indices}
        self.unread_columns(sheet, header, rows[start:], rows[start - 1][1])
        out = []
        for index, cells in rows[start:]:
            kind = _row_kind(cells, header)
            if kind == "footer":
                continue
            if kind == "total":
                self.notice(sheet, index, 0, "这是合计行，没有读取：合计由程序按各行自动计算，不用填写")
                continue
            item, where = self.row(sheet, spec, header, index, cells)
            if not any(raw is not None and not _blank(raw) for key, _, raw in where if key != L.SEQ):
                if any(not _blank(c.value) for i, c in enumerate(cells) if i not in known):
                    self.notice(sheet, index, 0, "这一行的内容都在没有列名（或列名认不出）的列里，没有读取：请把内容填到表头对应的列中")
                continue
            if kind == "example":
                if untouched_example(spec, item):
                    continue
                seq_col = next((c for k, c, _ in where if k in (L.SEQ, L.PARENT) and c is not None), 0)
                self.notice(sheet, index, seq_col, "序号仍是“示例”，但这一行已改填了内容，已作为真实记录读取：请把序号改为数字（如 1）")
            out.append((index, item, [(k, c) for k, c, _ in where], cells))
        return out

    def row(self, sheet: str, spec: L.TableSheet, header: Header, index: int, cells: list[Cell]) -> tuple[dict, list]:
        """One list row → (item data, [(key, column, raw)]); typed figures are spread to their companions."""
        item: dict[str, Any] = {}
        where: list[tuple[str, int | None, Any]] = []
        figures: list[tuple[L.Column, amounts.Amount, Any, int]] = []
        for column in spec.columns:
            if column.key not in header.columns:
                continue
            col, raw, fmt = header.first(column.key, cells)
            where.append((column.key, col, raw))
            if raw is None and col is not None and f"{get_column_letter(col + 1)}{index}" in self.formulas.get(sheet, ()):
                self.problem(sheet, index, col, f"“{column.header}”是公式，但文件里没有保存计算结果：请在 Excel 或 WPS 中打开后保存一次，或把公式改为数值")
            if not column.is_field or col is None:
                continue
            if column.key == "value" and "others" in spec.model.model_fields:
                # 每户300元、200元不等 typed in one cell: 户 to 按每…计, the first number here, the rest to 其他数值
                per, raw = _per(raw)
                if per and "per" not in item:
                    item["per"] = per
                spread = _spread(raw)
                if spread:
                    raw, others = spread
                    if "others" not in item:
                        item["others"] = others
            value = self.value(column.kind, raw, fmt, (sheet, index, col), column.header)
            if isinstance(value, amounts.Amount):
                figures.append((column, value, raw, col))
            elif value is not _MISSING:
                item[column.key] = value
        for column, amount, raw, col in figures:  # after the row, so a typed 多 meets its 约数说法 column
            value = self.figure(amount, amounts.typed(raw), column.kind, item,
                                L.APPROXIMABLE.get((spec.model, column.key)), (sheet, index, col), column.header)
            if value is not _MISSING:
                item[column.key] = value
        return item, where

    def unread_columns(self, sheet: str, header: Header, rows: list, titles: list[Cell]) -> None:
        """Name, once per sheet, the columns that hold data under a header the reader does not know."""
        known = {i for indices in header.columns.values() for i in indices}
        unread: set[int] = set()
        for _, cells in rows:
            unread.update(i for i, cell in enumerate(cells) if i not in known and not _blank(cell.value))
        if not unread:
            return
        names = []
        for i in sorted(unread):
            title = titles[i].value if i < len(titles) else None
            names.append(f"{get_column_letter(i + 1)}列" + (f"“{str(title).strip()}”" if not _blank(title) else ""))
        self.notice(sheet, header.row, min(unread), f"{'、'.join(names)}有内容，但列名认不出，没有读取："
                                                    "如果是要写进总结的内容，请把列名改成表中已有的列名")

    def record(self, sheet: str, spec: L.TableSheet, path: FieldPath, index: int, where: list) -> None:
        self.source.rows[path] = (sheet, index, {k: c for k, c in where if c is not None}, spec)

    def put(self, path: tuple[str, ...], value: Any) -> None:
        target = self.data
        for name in path[:-1]:
            target = target.setdefault(name, {})
        target[path[-1]] = value

    def plain_table(self, sheet: str, spec: L.TableSheet, rows: list) -> None:
        items = []
        base = spec.path
        offset = len(_get(self.data, base) or [])
        for index, item, where, cells in self.table(sheet, spec, rows):
            n = offset + len(items)
            self.record(sheet, spec, base + (n,), index, where)
            items.append(item)
        if items:
            existing = _get(self.data, base) or []
            self.put(base, existing + items)

    def headings(self, sheet: str, rows: list) -> None:
        spec = L.HEADINGS
        result = dict(self.data.get("headings", {}))
        for index, item, where, cells in self.table(sheet, spec, rows):
            theme = item.get("theme")
            if not isinstance(theme, str):
                col = next((c for k, c in where if k == "theme"), 0) or 0
                self.problem(sheet, index, col, "请填写“工作方面”：自定义标题要对应一个工作方面")
                continue
            path = ("headings", theme)
            self.source.locations[path] = self.cell(sheet, index, next((c for k, c in where if k == "title"), 0) or 0)
            self.source.labels[path] = f"“{theme}”的标题"
            if "title" in item:
                result[theme] = item["title"]
            else:
                result[theme] = ""
        if result:
            self.data["headings"] = result

    def metrics(self, sheet: str, rows: list) -> None:
        spec = L.METRICS
        metrics: list[dict] = list(self.data.get("metrics", []))
        for index, item, where, cells in self.table(sheet, spec, rows):
            cols = dict(where)
            label = item.get("label")
            seq_col = cols.get(L.SEQ)
            seq = _cell_value(cells, seq_col)
            seq_blank = seq_col is None or _blank(seq) or (isinstance(seq, str) and seq.strip() in markers.EXAMPLE_SEQS)
            if seq_blank and isinstance(label, str) and markers.PART_PREFIX.match(label):
                if not metrics:
                    self.problem(sheet, index, cols.get("label") or 0, "“其中”分项行前面没有指标：请把它放在所属指标的下一行")
                    continue
                i = len(metrics) - 1
                parts = metrics[i].setdefault("parts", [])
                j = len(parts)
                part: dict[str, Any] = {"label": markers.PART_PREFIX.sub("", label, count=1)}
                if "value" in item:
                    part["value"] = item["value"]
                path = ("metrics", i, "parts", j)
                self.source.locations[path] = self.cell(sheet, index, cols.get("label") or 0)
                self.source.labels[path] = f"第{index}行分项"
                for key in ("label", "value"):
                    if cols.get(key) is not None:
                        self.source.locations[path + (key,)] = self.cell(sheet, index, cols[key])
                        self.source.labels[path + (key,)] = "分项" + spec.column(key).header
                parts.append(part)
                continue
            i = len(metrics)
            self.record(sheet, spec, ("metrics", i), index, where)
            for computed, needs in ((L.COMPLETION, "target"), (L.CHANGE, "previous")):
                col = cols.get(computed)
                if col is not None and not _blank(_cell_value(cells, col)) and needs not in item:
                    self.notice(sheet, index, col, f"“{spec.column(computed).header}”由程序计算，填的数没有读取："
                                                   f"请填写“{spec.column(needs).header}”，程序会算出{spec.column(computed).header}")
            if cols.get("value") is not None:
                self.source.locations[("metrics", i, "parts")] = self.cell(sheet, index, cols["value"])
                self.source.labels[("metrics", i, "parts")] = "其中各分项"
            metrics.append(item)
        if metrics:
            self.data["metrics"] = metrics

    def activities(self, sheet: str, rows: list) -> dict[int, int]:
        """Read the ledger; returns 序号 → activity index (for 数量明细)."""
        spec = L.ACTIVITIES
        activities: list[dict] = list(self.data.get("activities", []))
        by_seq: dict[int, int] = {}
        for index, item, where, cells in self.table(sheet, spec, rows):
            i = len(activities)
            self.record(sheet, spec, ("activities", i), index, where)
            cols = dict(where)
            if isinstance(item.get("attendance"), int) and "attendance_unit" not in item:
                col = cols.get("attendance")
                raw = _cell_value(cells, col)
                unit = re.search(r"(人次|人|名)\s*$", raw) if isinstance(raw, str) else None
                if unit:
                    item["attendance_unit"] = unit.group(1)
            seq = to_int(_cell_value(cells, cols.get(L.SEQ))) if cols.get(L.SEQ) is not None else None
            by_seq.setdefault(seq if isinstance(seq, int) else i + 1, i)
            activities.append(item)
        if activities:
            self.data["activities"] = activities
        return by_seq

    def quantities(self, sheet: str, rows: list, by_seq: dict[int, int]) -> None:
        spec = L.QUANTITIES
        activities = self.data.get("activities", [])
        for index, item, where, cells in self.table(sheet, spec, rows):
            cols = dict(where)
            col = cols.get(L.PARENT)
            seq = to_int(_cell_value(cells, col)) if col is not None else None
            if not isinstance(seq, int) or seq not in by_seq:
                shown = "" if seq is None else f"“{seq}”"
                self.problem(sheet, index, col or 0, f"活动序号{shown}在活动台账中找不到：请填写所属活动在“活动台账”中的序号")
                continue
            i = by_seq[seq]
            quantities = activities[i].setdefault("quantities", [])
            self.record(sheet, spec, ("activities", i, "quantities", len(quantities)), index, where)
            quantities.append(item)

    # -- 单位信息

    def info(self, sheet: str, rows: list) -> None:
        by_label: dict[str, L.InfoRow] = {}
        for info in L.INFO_ROWS:
            for key in (info.label, info.dotted, info.group + info.label, *L.INFO_LABEL_ALIASES.get(info.dotted, ())):
                by_label.setdefault(L.normalize_header(key), info)
        label_col, value_col, start = 1, 2, 0
        for pos, (_, cells) in enumerate(rows[:HEADER_SCAN]):
            texts = [L.normalize_header(c.value) if isinstance(c.value, str) else "" for c in cells]
            if any(t in ("项目", "字段", "名称") for t in texts) and any(t in ("内容", "值", "填写内容", "取值") for t in texts):
                label_col = next(i for i, t in enumerate(texts) if t in ("项目", "字段", "名称"))
                value_col = next(i for i, t in enumerate(texts) if t in ("内容", "值", "填写内容", "取值"))
                start = pos + 1
                break
        for info in L.INFO_ROWS:
            self.source.labels.setdefault(info.path, info.label)
        seen: set[str] = set()
        for index, cells in rows[start:]:
            label = cells[label_col].value if label_col < len(cells) else None
            info = by_label.get(L.normalize_header(label)) if isinstance(label, str) else None
            if info is None:
                filled = _cell_value(cells, value_col)
                if not _blank(filled) and not _blank(label):
                    self.notice(sheet, index, label_col, f"“{str(label).strip()}”这一项认不出，没有读取：请把内容填到已有项目的"
                                                         "“内容”一栏，或写进相应的表中")
                continue
            if info.dotted in seen:
                self.problem(sheet, index, label_col, f"“{info.label}”重复出现：请只保留一行")
                continue
            seen.add(info.dotted)
            cell = cells[value_col] if value_col < len(cells) else None
            location = self.cell(sheet, index, value_col)
            for end in range(1, len(info.path) + 1):
                self.source.locations.setdefault(info.path[:end], location)
                self.source.labels.setdefault(info.path[:end], info.group if end < len(info.path) else info.label)
            self.source.labels[info.path] = info.label
            self.source.locations[info.path] = location
            raw = None if cell is None else cell.value
            value = self.value(info.kind, raw, _format(cell), (sheet, index, value_col), info.label)
            if isinstance(value, amounts.Amount):
                value = self.figure(value, amounts.typed(raw), info.kind, {}, None, (sheet, index, value_col), info.label)
            if value is not _MISSING:
                self.put(info.path, value)
        anchor = rows[start - 1][0] if start else (rows[0][0] if rows else 1)
        for info in L.INFO_ROWS:  # a required item with no row: point at the table, name the item
            if info.required and info.dotted not in seen:
                self.source.locations.setdefault(info.path, self.cell(sheet, anchor, label_col))
                target = self.data
                for name in info.path[:-1]:
                    target = target.setdefault(name, {})

    def link(self) -> None:
        """Turn the Chinese a clerk picks in linked columns into the model's codes.

        针对问题 takes a problem's 问题概括 (the dropdown) or its 序号; 占比基数 takes a 指标名称. A
        metric named as a base gets a generated code (m1, m2…) when it has none, so no clerk types one.
        """
        problems = self.data.get("problems") or []
        ids = [p.get("id") if isinstance(p.get("id"), str) else f"p{i}" for i, p in enumerate(problems, 1)]
        by_label = {p.get("label"): ids[i] for i, p in enumerate(problems) if isinstance(p.get("label"), str)}
        for i, plan in enumerate(self.data.get("plans") or []):
            targets = plan.get("addresses")
            if not isinstance(targets, list):
                continue
            linked = []
            for target in targets:
                if target in by_label and target not in ids:
                    linked.append(by_label[target])
                elif target.isdigit() and 1 <= int(target) <= len(ids):
                    linked.append(ids[int(target) - 1])
                elif _CODE.match(target):  # a code (p1) as written by YAML users and our own workbook
                    linked.append(target)
                else:
                    self.source.found.append(self.source.finding(("plans", i, "addresses"), f"“{target}”在“存在问题”表中找不到："
                                                             "请从下拉列表中选择问题概括，或填写问题的序号"))
            plan["addresses"] = linked
        metrics = self.data.get("metrics") or []
        keys = {mt["key"] for mt in metrics if isinstance(mt.get("key"), str)}
        for i, metric in enumerate(metrics):
            base = metric.get("base")
            if not isinstance(base, str) or base in keys:
                continue
            named = [mt for mt in metrics if mt.get("label") == base]
            if not named and _CODE.match(base):
                continue  # a code naming no metric: the report rules say so
            if not named:
                self.source.found.append(self.source.finding(("metrics", i, "base"), f"“{base}”在指标完成情况表中找不到："
                                                         "请从下拉列表中选择作分母的指标名称"))
                continue
            if not isinstance(named[0].get("key"), str):
                n = 1
                while f"m{n}" in keys:
                    n += 1
                named[0]["key"] = f"m{n}"
                keys.add(f"m{n}")
            metric["base"] = named[0]["key"]

    def finish(self) -> dict[str, Any]:
        return self.data


def _get(data: dict, path: tuple[str, ...]) -> Any:
    for name in path:
        if not isinstance(data, dict):
            return None
        data = data.get(name)  # type: ignore[assignment]
    return data


def _cell_value(cells: list[Cell], col: int | None) -> Any:
    if col is None or col >= len(cells):
        return None
    return cells[col].value


# ---------------------------------------------------------------- the entry point


def _sheet_spec(title: str) -> L.TableSheet | str | None:
    key = L.normalize_header(title)
    if key in (*(L.normalize_header(n) for n in (L.SUMMARY, L.CHOICES, L.EVIDENCE, L.NOTES_SHEET)), "汇总表", "说明"):
        return "skip"
    if key in (L.normalize_header(n) for n in (L.INFO, *L.INFO_ALIASES)):
        return "info"
    for spec in L.TABLES:
        if key in (L.normalize_header(n) for n in (spec.name, *spec.aliases)):
            return spec
    return None


_SHEET_NAMES = "、".join([L.INFO, *(t.name for t in L.TABLES)])


_INFO_LABELS = {L.normalize_header(r.label) for r in L.INFO_ROWS}


def _looks_like_info(rows: list) -> bool:
    """A renamed 单位信息: at least three of its item names (单位全称, 年度…) in one column."""
    for col in range(3):
        found = {L.normalize_header(cells[col].value) for _, cells in rows[:200]
                 if col < len(cells) and isinstance(cells[col].value, str)}
        if len(found & _INFO_LABELS) >= 3:
            return True
    return False


def _guess(rows: list) -> L.TableSheet | None:
    """A sheet with an unknown name: the list sheet whose columns its header names best (≥ 2, one required)."""
    best, score = None, 1
    for spec in L.TABLES:
        header, _ = find_header(rows, spec.columns)
        if header is None:
            continue
        keys = [k for k in header.columns if k not in (L.SEQ,)]
        required = all(c.key in header.columns for c in spec.columns if c.required)
        if required and len(keys) > score:
            best, score = spec, len(keys)
    return best


def load_xlsx(path: Path) -> tuple[dict, SourceMap]:
    name = str(path)
    wb = open_workbook(path)
    reader = Reader(name)
    reader.epoch = getattr(wb, "epoch", _EXCEL_EPOCH) or _EXCEL_EPOCH
    try:
        sheets: list[tuple[str, Any, list]] = []
        for ws in wb.worksheets:
            kind = _sheet_spec(ws.title)
            if kind == "skip":
                continue
            with warnings.catch_warnings():  # openpyxl warns (naming its own file) about e.g. an absurd date serial
                warnings.simplefilter("ignore")
                rows, formulas = read_rows(ws, name, ws.title)
            reader.formulas[ws.title] = formulas
            if kind is None and rows:
                kind = "info" if _looks_like_info(rows) else _guess(rows)
                first = rows[0][0]
                hidden = "隐藏的" if getattr(ws, "sheet_state", "visible") != "visible" else ""
                if kind is None:
                    reader.notice(ws.title, first, 0, f"{hidden}工作表“{ws.title}”没有读取：表名和表头都对不上要填的表。"
                                  f"如果其中有要写进总结的内容，请把表名改回原来的名称（{_SHEET_NAMES}）")
                    continue
                shown = L.INFO if kind == "info" else kind.name
                reader.notice(ws.title, first, 0, f"{hidden}工作表“{ws.title}”按内容当作“{shown}”读取："
                              f"如果不对，请把表名改回原来的名称")
            if kind is None:
                continue
            sheets.append((ws.title, kind, rows))
        if not sheets:
            raise _fail(name, "工作簿中没有可读取的工作表：请使用 reportgen init --xlsx 生成的模板，或把表头改为“日期、类别、活动名称……”")
        by_seq: dict[int, int] = {}
        later = []
        for title, kind, rows in sheets:
            if kind == "info":
                reader.info(title, rows)
            elif kind is L.METRICS:
                reader.metrics(title, rows)
            elif kind is L.ACTIVITIES:
                found = reader.activities(title, rows)
                if not by_seq:
                    by_seq = found
            elif kind is L.QUANTITIES:
                later.append((title, rows))
            elif kind is L.HEADINGS:
                reader.headings(title, rows)
            else:
                reader.plain_table(title, kind, rows)
        for title, rows in later:
            reader.quantities(title, rows, by_seq)
        reader.link()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 — damaged sheet XML surfaces lazily in read-only mode
        raise _fail(name, f"工作簿内容已损坏，无法读取（{type(exc).__name__}）：请用 Excel 或 WPS 另存为 .xlsx 后再试") from None
    finally:
        wb.close()
    if not any(kind == "info" for _, kind, _ in sheets):
        reader.findings.append(Finding(Location(name), "", f"工作簿中没有“{L.INFO}”工作表：请加上这张表（可用 reportgen init --xlsx 生成模板），填写单位全称、单位类型和年度"))
    if reader.findings:
        raise InputError(reader.findings)
    return reader.finish(), reader.source
