"""A unit's workbook and the blank fill-in form, as ``workbook.Book`` descriptions.

The columns come from ``workbook_layout`` (derived from the models), so the workbook ``build`` writes
is also a valid input: ``loaders.xlsx_loader`` reads it back into the same Report. Figures (完成率,
同比, 达标) come from ``figures.indicator_rows``, the computation the Word document uses, and are
written as values (no formulas), so WPS and phone previews never show 0.

What prints is the report: 汇总, 指标完成情况表 and 活动台账 are the sheets selected when the book
opens; every sheet prints A4 landscape, one page wide, with its header row repeated, and only the
columns the layout marks as printed (supplementary columns, instructions and ids stay on screen).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import dates, evidence, figures, lint, markers, periods, zh
from . import workbook as W
from . import workbook_layout as L
from .document import UNSTATED, Document
from .model import THEMES, Activity, Metric, Part, Report
from .sheet_frame import FIRST_ROW, HEADER_ROW, chart_width, frame, row_heights

MAX_WIDTH = 40
WIDTH_SAMPLE = 400  # rows looked at when sizing columns
EVIDENCE_SHEET = L.EVIDENCE
#: The report sheets: selected when the book opens, so printing the workbook prints these.
REPORT_SHEETS = (L.SUMMARY, L.METRICS.name, L.ACTIVITIES.name)

# ---------------------------------------------------------------- values


def join_list(items: Sequence[str]) -> str:
    """A list in one cell: ``甲、乙`` normally; one item per line when an item itself holds a separator.

    The reader splits on line breaks when there are any, else on ``markers.LIST_SEPARATORS`` — so the choice here is
    always read back exactly (a single item holding a separator gets a trailing line break).
    """
    items = [str(i) for i in items]
    if not any(ch in item for item in items for ch in markers.LIST_SEPARATORS + "\n"):
        return markers.LIST_JOINER.join(items)
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


#: Text in a number column (a figure no double holds exactly), right-aligned as the numbers are.
_RIGHT = W.TEXT.but(align="right")


def number_cell(value: Decimal | int | None, style: W.Style | None = None) -> tuple[Any, W.Style]:
    """A number with the one number format: counts ``#,##0``, amounts with their decimals; text right-aligned."""
    if value is None:
        return None, style or W.INT
    shown = number(value)
    if isinstance(shown, str):
        return shown, _RIGHT
    return shown, style or (W.INT if isinstance(shown, int) else W.DECIMAL)


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
        return dates.cell(value) if isinstance(value, dt.date) else value
    return str(value)


def rounded_percent(value: Decimal | None) -> float | None:
    """A percentage as the document prints it (zh.percent rounding), as a fraction for a 0.0% cell."""
    if value is None:
        return None
    return float(Decimal(zh.plain_number(value, 1)) / 100)


def _items(report: Report, path: tuple[str, ...]) -> Any:
    value: Any = report
    for name in path:
        value = getattr(value, name, None) if value is not None else None
    return value


# ---------------------------------------------------------------- dropdown lists


class Choices:
    """Where dropdown lists live: in the validation itself when short (most are), else once on a hidden
    选项 sheet, added to the book on first use and kept last."""

    def __init__(self, book: W.Book) -> None:
        self.book = book
        self.sheet: W.Sheet | None = None
        self.ranges: dict[tuple[str, ...], str] = {}

    def validation(self, ref: tuple[int, int, int, int], values: tuple[str, ...], **rest: Any) -> W.Validation:
        if len(",".join(values)) <= W.MAX_LISTED and not any("," in v or '"' in v for v in values):
            return W.Validation(ref, choices=values, **rest)
        return W.Validation(ref, self.range(values), **rest)

    def range(self, values: tuple[str, ...]) -> str:
        if values not in self.ranges:
            if self.sheet is None:
                self.sheet = W.Sheet(L.CHOICES, hidden=True)
            col = len(self.ranges) + 1
            self.sheet.put(1, col, "选项", W.PLAIN)
            for i, value in enumerate(values, 2):
                self.sheet.put(i, col, value, W.PLAIN)
            letter = W.col_letter(col)
            self.ranges[values] = f"'{L.CHOICES}'!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[values]

    def close(self) -> None:
        if self.sheet is not None:
            self.book.sheets.append(self.sheet)


# ---------------------------------------------------------------- common sheet frame


def _print(ws: W.Sheet, printed: int, last_row: int) -> None:
    """The first ``printed`` columns, header row repeated on every page."""
    ws.print = W.Print((1, 1, max(last_row, HEADER_ROW), printed), (HEADER_ROW, HEADER_ROW))


_STYLE_BY_KIND = {"int": W.INT, "decimal": W.DECIMAL, "date": W.DATE, "choice": W.CENTER, "bool": W.CENTER}
_CAP = {"content": MAX_WIDTH, "detail": MAX_WIDTH, "outcome": 30, "evidence": 26, "description": MAX_WIDTH,
        "title": 32, "label": 32, "name": 30}


def _column_width(column: L.Column, values: Iterable[Any]) -> int:
    """The widest value's width (and the header's), at most the column's cap.

    Values are measured only while they can still widen the column: none once the cap is reached,
    and no text too short to be wider than the width so far (a character is at most two wide).
    """
    cap = _CAP.get(column.key, 24 if column.kind.name == "text" else 18)
    width = W.text_width(column.header) + 2
    for value in values:
        if width >= cap:
            break
        if value is None:
            continue
        if isinstance(value, dt.date):
            text = "0000年00月00日"  # the widest date form
        elif isinstance(value, str):
            if 2 * len(value) + 2 <= width:
                continue
            text = max(value.split("\n"), key=W.text_width) if "\n" in value else value
        else:
            text = f"{value:,}"
        width = max(width, W.text_width(text) + 2)
    if column.key == L.CHANGE:
        width = max(width, W.text_width("+12.5个百分点") + 1)  # 同比 of a rate, in 个百分点
    return min(width, cap)


def computed(column: L.Column) -> bool:
    """A column the workbook fills from figures (完成率, 同比, 状态): written, never read, protected."""
    return column.computed


def _validations(choices: Choices, ws: W.Sheet, columns: Sequence[L.Column], first: int, last: int) -> None:
    """A dropdown for every enumerated or linked column, and every column's hint as an input hint.

    A computed column only gets its hint (the sheet's protection already refuses typing there).
    """
    for i, column in enumerate(columns, 1):
        ref = (first, i, last, i)
        prompt = column.hint[:250]
        if column.required:
            prompt = ("（必填）" + prompt)[:250]
        title = column.header[:30] if prompt else ""
        link = _link(column, ws.name, first, last)
        if computed(column):
            if prompt:
                ws.validations.append(W.Validation(ref, prompt_title=title, prompt=prompt))
        elif link:
            ws.validations.append(W.Validation(ref, source=link, show_error=False, prompt_title=title, prompt=prompt))
        elif column.kind.name in ("choice", "bool"):
            ws.validations.append(choices.validation(ref, column.choices, error_title="取值不在列表中",
                                                     error=f"请从下拉列表中选择{column.header}", prompt_title=title,
                                                     prompt=prompt))
        elif column.suggest:
            ws.validations.append(choices.validation(ref, column.suggest, show_error=False, prompt_title=title,
                                                     prompt=prompt))
        elif prompt:
            ws.validations.append(W.Validation(ref, prompt_title=title, prompt=prompt))


def _link(column: L.Column, sheet: str, first: int, last: int) -> str:
    """The range a linked column (``workbook_layout.LINKS``) offers: what the other sheet holds in the same rows.

    The letter comes from ``ordered``, the order the sheets are written in, not the layout's order.
    """
    target = L.LINKS.get((sheet, column.key))
    if target is None:
        return ""
    spec = next(t for t in L.TABLES if t.name == target[0])
    letter = W.col_letter(next(i for i, c in enumerate(ordered(spec), 1) if c.key == target[1]))
    return f"'{spec.name}'!${letter}${first}:${letter}${last}"


# ---------------------------------------------------------------- list sheets

Cells = list[tuple[Any, W.Style]]


def ordered(spec: L.TableSheet) -> tuple[L.Column, ...]:
    """The printed columns first (so the print area is one block), then the supplementary ones."""
    return tuple(c for c in spec.columns if c.printed) + tuple(c for c in spec.columns if not c.printed)


def linked_words(codes: Sequence[str | None], labels: Sequence[str]) -> dict[str, str]:
    """Code → the words a linked column (``workbook_layout.LINKS``) shows for it instead: the 问题概括 or
    指标名称 its dropdown offers, so no English code prints. Only words the reader turns back into the
    same code: a label no other item shares, that is no item's code and not a bare 序号.
    """
    taken = set(codes)
    return {code: label for code, label in zip(codes, labels)
            if code and labels.count(label) == 1 and label not in taken and not label.isdigit()}


class _RowCells:
    """One sheet's item → its cells; ``words`` (column key → ``linked_words``) replaces codes in linked columns.

    What a column needs (its key, its kind, the style of its values) is looked up once per sheet
    rather than once per cell: a unit's list sheets hold about two thousand cells.
    """

    def __init__(self, columns: Sequence[L.Column], words: dict[str, dict[str, str]] | None = None) -> None:
        words = words or {}
        self.plan = [(column.key, column.is_field, column.kind, "年" in column.header,
                      column.kind.name in ("decimal", "int"),
                      W.CENTER if column.suggest else _STYLE_BY_KIND.get(column.kind.name, W.TEXT), words.get(column.key))
                     for column in columns]

    def __call__(self, item: Any, seq: Any, parent: Any = None) -> Cells:
        cells: Cells = []
        for key, is_field, kind, year, numeric, style, shown in self.plan:
            if not is_field:
                cells.append((seq if key == L.SEQ else parent if key == L.PARENT else None, W.CENTER))
                continue
            raw = getattr(item, key)
            if raw is None:
                cells.append((None, style))
                continue
            if shown:
                raw = [shown.get(c, c) for c in raw] if isinstance(raw, list) else shown.get(raw, raw)
            value = cell_value(kind, raw)
            if isinstance(value, int) and year:
                cells.append((value, W.CENTER))  # a year is not a count: 2025, not 2,025
            elif isinstance(value, (int, float)) and numeric:
                cells.append((value, W.INT if isinstance(value, int) else W.DECIMAL))
            elif isinstance(value, str) and numeric:
                cells.append((value, _RIGHT))
            else:
                cells.append((value, style))
        return cells


#: Columns kept in view when scrolling right to the supplementary columns (序号…名称).
_FROZEN = {L.METRICS.name: 4, L.ACTIVITIES.name: 5}


def table_sheet(book: W.Book, choices: Choices, spec: L.TableSheet, rows: list[Cells], head: tuple[str, str, str],
                total: dict[str, Any] | None = None, spare: int = 200) -> W.Sheet:
    """One list sheet: title, 填报 row, header, ``rows`` of (value, style) cells, an optional 合计 row.

    A sheet with computed columns is protected with every input column unlocked, so 完成率 and 同比
    cannot be typed over while everything a unit fills stays editable.
    """
    ws = book.add(spec.name)
    title, unit, date = head
    columns = ordered(spec)
    printed = spec.printed
    protect = any(computed(c) for c in columns)
    widths = [_column_width(c, (cells[i][0] for cells in rows[:WIDTH_SAMPLE])) for i, c in enumerate(columns)]
    frame(ws, title, widths[:printed], unit, date)
    for i, column in enumerate(columns, 1):
        ws.put(HEADER_ROW, i, column.title, W.HEADER)
    ws.heights[HEADER_ROW] = 30
    editable = {i for i, c in enumerate(columns, 1) if protect and not computed(c)}
    row = FIRST_ROW
    for cells in rows:
        for i, (value, style) in enumerate(cells, 1):
            ws.put(row, i, value, style.but(locked=False) if i in editable else style)
        row += 1
    last = row - 1
    if total:
        for i, column in enumerate(columns, 1):
            value = total.get(column.key)
            ws.put(row, i, value, W.INT if isinstance(value, int) else W.BOLD)
        ws.put(row, 1, markers.TOTAL, W.BOLD)
        row += 1
    end = row - 1
    for i, width in enumerate(widths, 1):
        ws.widths[i] = width
    for i in editable:
        ws.column_styles[i] = W.PLAIN.but(locked=False)
    wrapped = [i for i, c in enumerate(columns[:printed], 1) if c.kind.name in ("text", "list", "keylist", "choicelist")]
    row_heights(ws, widths, FIRST_ROW, min(end, FIRST_ROW + 5000), wrapped)
    ws.freeze = (FIRST_ROW, _FROZEN.get(spec.name, 1))
    ws.autofilter = (HEADER_ROW, 1, max(last, HEADER_ROW), len(columns))
    _validations(choices, ws, columns, FIRST_ROW, max(end, FIRST_ROW) + spare)
    _print(ws, printed, end)
    ws.protected = protect
    return ws


def _head(report: Report, spec: L.TableSheet) -> tuple[str, str, str]:
    topic = report.campaign.phrase if spec in (L.METRICS, L.ACTIVITIES) else ""
    return (f"{report.unit.name}{figures.period_label(report)}{topic}{spec.title}", report.unit.name,
            zh.cn_date(report.signature_date))


def metric_rows(report: Report, indicators: list[figures.IndicatorRow]) -> list[Cells]:
    """指标完成情况表 rows; 同比 of a rate indicator in 个百分点, as the document says it.

    ``indicators`` is ``figures.indicator_rows(report)``: one row per metric, then one per 其中 part.
    """
    columns = ordered(L.METRICS)
    figures_rows = iter(indicators)
    row_cells = _RowCells(columns, {"base": linked_words([m.key for m in report.metrics], [m.label for m in report.metrics])})
    rows: list[Cells] = []
    for i, metric in enumerate(report.metrics, 1):
        fig = next(figures_rows)
        cells = row_cells(metric, i)
        for j, column in enumerate(columns):
            if column.key == L.COMPLETION:
                cells[j] = (rounded_percent(fig.completion), W.PERCENT)
            elif column.key == L.CHANGE:
                if fig.change is not None and fig.in_points:
                    cells[j] = (float(Decimal(zh.plain_number(fig.change, 1))), W.POINTS)
                else:
                    cells[j] = (rounded_percent(fig.change), W.CHANGE)
            elif column.key == L.STATUS:
                cells[j] = (fig.status or None, W.CENTER)
        rows.append(cells)
        for part in metric.parts:
            fig = next(figures_rows)
            rows.append(_part_cells(columns, metric, part, fig.value))
    return rows


def _part_cells(columns: Sequence[L.Column], metric: Metric, part: Part, value: Decimal) -> Cells:
    cells: Cells = []
    for column in columns:
        if column.key == "label":
            cells.append((markers.PART + part.label, W.CHILD))
        elif column.key == "value":
            cells.append(number_cell(value))
        elif column.key == "unit":
            cells.append((metric.unit, W.CENTER))
        else:
            cells.append((None, W.CENTER))
    return cells


def metrics_sheet(book: W.Book, choices: Choices, report: Report, indicators: list[figures.IndicatorRow]) -> W.Sheet:
    rows = metric_rows(report, indicators)
    ws = table_sheet(book, choices, L.METRICS, rows, _head(report, L.METRICS))
    status = next(i for i, c in enumerate(ordered(L.METRICS), 1) if c.key == L.STATUS)
    last = max(FIRST_ROW + len(rows) - 1, FIRST_ROW)
    ws.highlights.append(W.Highlight((FIRST_ROW, status, last + 200, status), "未达标", W.UNMET))
    return ws


def attendance_total(activities: Sequence[Activity]) -> int | str | None:
    """参与人数 added up only within one measure word (``figures.attendance_by_unit``): a number when
    there is one, ``1245人次、60人`` text when 人 and 人次 both occur."""
    by_unit = figures.attendance_by_unit(list(activities))
    if len(by_unit) == 1:
        return next(iter(by_unit.values()))
    return figures.attendance_text(by_unit) or None


def activities_sheet(book: W.Book, choices: Choices, report: Report) -> W.Sheet:
    columns = ordered(L.ACTIVITIES)
    row_cells = _RowCells(columns)
    rows = [row_cells(a, i) for i, a in enumerate(report.activities, 1)]
    total = {"attendance": attendance_total(report.activities)} if report.activities else None
    return table_sheet(book, choices, L.ACTIVITIES, rows, _head(report, L.ACTIVITIES), total=total)


def quantities_rows(activities: Sequence[Activity]) -> list[Cells]:
    row_cells = _RowCells(ordered(L.QUANTITIES))
    return [row_cells(q, None, i) for i, a in enumerate(activities, 1) for q in a.quantities]


# ---------------------------------------------------------------- 单位信息


def info_values(report: Report) -> dict[str, Any]:
    return {row.dotted: _items(report, row.path) for row in L.INFO_ROWS}


def info_sheet(book: W.Book, choices: Choices, values: dict[str, Any], head: tuple[str, str, str],
               example: bool = False) -> W.Sheet:
    """分组, 项目, 内容 print; the 填写说明 column is for the screen only."""
    ws = book.add(L.INFO)
    widths = [12, 20, 36, 48]
    frame(ws, head[0], widths[:3], head[1], head[2])
    for i, header in enumerate(("分组", "项目", "内容", "填写说明"), 1):
        ws.put(HEADER_ROW, i, header, W.HEADER)
    by_choices: dict[tuple[str, ...], list[int]] = {}
    row = FIRST_ROW
    for info in L.INFO_ROWS:
        value = cell_value(info.kind, values.get(info.dotted))
        if isinstance(value, (int, float)):
            value, style = number_cell(values[info.dotted], W.TEXT.but(num_format="General"))
        else:
            style = W.TEXT.but(num_format=W.DATE_FORMAT) if info.kind.name == "date" else W.TEXT
        ws.put(row, 1, info.group, W.CENTER)
        ws.put(row, 2, info.label, W.TEXT)
        ws.put(row, 3, value, style)
        hint = ("（必填）" if info.required else "") + info.hint
        if info.kind.is_list:
            hint += "（多项用顿号“、”分隔）"
        ws.put(row, 4, hint, W.TEXT)
        if info.kind.choices and info.kind.name != "choicelist":
            by_choices.setdefault(tuple(L.DISPLAY.get(c, c) for c in info.kind.choices), []).append(row)
        row += 1
    for values_, rows in by_choices.items():
        for r in rows:
            ws.validations.append(choices.validation((r, 3, r, 3), values_, error_title="取值不在列表中",
                                                     error="请从下拉列表中选择"))
    for i, width in enumerate(widths, 1):
        ws.widths[i] = width
    row_heights(ws, widths, FIRST_ROW, row - 1, (2, 3))
    ws.freeze = (FIRST_ROW, 1)
    _print(ws, 3, row - 1)
    return ws


# ---------------------------------------------------------------- 汇总


def _by_category(report: Report, indicators: list[figures.IndicatorRow]) -> dict[str, dict[str, Any]]:
    """Per theme: metrics, with target, met (from figures.indicator_rows), activities and attendance."""
    counts: dict[str, dict[str, Any]] = {}
    rows = [r for r in indicators if not r.depth]
    present = {r.theme for r in rows} | {a.theme for a in report.activities}
    for theme in THEMES:
        if theme in present:
            counts[theme] = {"metrics": 0, "targeted": 0, "met": 0, "activities": 0, "attendance": 0}
    for fig in rows:
        c = counts[fig.theme]
        c["metrics"] += 1
        c["targeted"] += fig.met is not None
        c["met"] += bool(fig.met)
    for theme in counts:
        activities = [a for a in report.activities if a.theme == theme]
        counts[theme]["activities"] = len(activities)
        counts[theme]["attendance"] = attendance_total(activities)
    return counts


def _table(ws: W.Sheet, row: int, headers: Sequence[str], rows: Sequence[Cells]) -> int:
    for i, header in enumerate(headers, 1):
        ws.put(row, i, header, W.HEADER)
    for r, cells in enumerate(rows, row + 1):
        for i, (value, style) in enumerate(cells, 1):
            ws.put(r, i, value, style)
    return row + len(rows) + 1


def summary_sheet(book: W.Book, report: Report, indicators: list[figures.IndicatorRow]) -> W.Sheet:
    """Key figures, completion by category, and each targeted indicator's 完成率 with a chart of them
    (``indicators`` is ``figures.indicator_rows(report)``)."""
    ws = book.add(L.SUMMARY)
    widths = [8, 16, 10, 10, 8, 8, 10, 10, 14]
    ncol = len(widths)
    frame(ws, f"{report.unit.name}{figures.period_label(report)}{report.campaign.phrase}工作汇总表", widths,
           report.unit.name, zh.cn_date(report.signature_date))
    ctx = figures.context(report)
    period = report.period
    met, targeted = ctx["met_count"], ctx["target_count"]
    rate = rounded_percent(Decimal(met) / targeted * 100) if targeted else None
    facts: list[tuple[str, Any, W.Style]] = [
        ("单位名称", report.unit.name, W.TEXT),
        ("单位类型", report.unit.type, W.TEXT),
        ("统计时段", f"{zh.cn_date(period.start_date)}至{zh.cn_date(periods.reach(period, report.signature_date))}"
                     f"（{figures.period_label(report)}）",
         W.TEXT),
        ("创建工作", report.campaign.phrase, W.TEXT),
        ("开展活动（项）", ctx["activity_count"], W.INT),
        # 人次 and 人 are different measures: one row each, never one sum.
        *((f"参与{'人次' if unit == '人次' else '人数'}合计（{unit}）", total, W.INT)
          for unit, total in ctx["attendance_by_unit"].items()),
        ("投入经费（元）", *number_cell(ctx["total_spend"])),
        ("指标总数（项）", len(report.metrics), W.INT),
        ("目标指标（项）", targeted, W.INT),
        ("达标指标（项）", met, W.INT),
        ("未达标指标（项）", targeted - met, W.INT),
        ("指标达标率", rate, W.PERCENT),
    ]
    ws.put(3, 1, "一、基本情况与主要数据", W.SECTION)
    ws.merge(3, 1, 3, ncol)
    row = 4
    for label, value, style in facts:
        ws.put(row, 1, label, W.HEADER)
        ws.merge(row, 1, row, 3)
        ws.put(row, 4, value, style.but(align="left") if style is not W.TEXT else style)
        ws.merge(row, 4, row, ncol)
        for col in (2, 3):
            ws.put(row, col, None, W.HEADER)
        for col in range(5, ncol + 1):
            ws.put(row, col, None, style)
        row += 1
    row += 1
    ws.put(row, 1, "二、按类别完成情况", W.SECTION)
    ws.merge(row, 1, row, ncol)
    counts = _by_category(report, indicators)
    rows: list[Cells] = []
    for n, (theme, c) in enumerate(counts.items(), 1):
        share = rounded_percent(Decimal(c["met"]) / c["targeted"] * 100) if c["targeted"] else None
        rows.append([(n, W.CENTER), (theme, W.CENTER), (c["metrics"], W.INT), (c["targeted"], W.INT),
                     (c["met"], W.INT), (c["targeted"] - c["met"], W.INT), (share, W.PERCENT),
                     (c["activities"], W.INT), _attendance_cell(c["attendance"])])
    if counts:
        rows.append([(None, W.BOLD), (markers.TOTAL, W.BOLD), (len(report.metrics), W.INT), (targeted, W.INT), (met, W.INT),
                     (targeted - met, W.INT), (rate, W.PERCENT), (ctx["activity_count"], W.INT),
                     _attendance_cell(attendance_total(report.activities))])
    row = _table(ws, row + 1, ("序号", "类别", "指标数", "设定目标", "达标", "未达标", "达标率", "开展活动",
                               "参与人数/人次"), rows)
    targeted_rows = [r for r in indicators if not r.depth and r.completion is not None]
    if targeted_rows:
        row += 1
        ws.put(row, 1, "三、设定目标的指标完成情况", W.SECTION)
        ws.merge(row, 1, row, ncol)
        header = row + 1
        rows = []
        for n, fig in enumerate(targeted_rows, 1):
            rows.append([(n, W.CENTER), (fig.label, W.TEXT), (None, W.TEXT), (None, W.TEXT), (fig.unit, W.CENTER),
                         number_cell(fig.target), number_cell(fig.value), (rounded_percent(fig.completion), W.PERCENT),
                         (fig.status, W.CENTER)])
        row = _table(ws, header, ("序号", "指标名称", "", "", "计量单位", "目标值", "完成值", "完成率", "状态"), rows)
        for r in range(header, row):
            ws.merge(r, 2, r, 4)
        ws.highlights.append(W.Highlight((header + 1, 9, row - 1, 9), "未达标", W.UNMET))
        row_heights(ws, [8, 34], header + 1, row - 1, (2,))
        top = max(1.0, *(rounded_percent(f.completion) or 0 for f in targeted_rows))
        height = min(max(220, 90 + 36 * len(targeted_rows)), 900)  # room for every label: Calc drops crowded ones
        ws.charts.append(W.Chart(
            "bar", "各项指标完成率（100%为完成目标）",
            (W.Series("完成率", (2, header + 1, row - 1), (8, header + 1, row - 1)),),
            (row + 1, 1), (chart_width(widths), height), "完成率", "0%", 0, math.ceil(top * 10) / 10,
            reverse_categories=True))
        row += 2 + math.ceil(height / 20)
    ws.put(row + 1, 1, "单位负责人：            审核人：            填报人：            联系电话：", W.META)
    ws.merge(row + 1, 1, row + 1, ncol)
    for i, width in enumerate(widths, 1):
        ws.widths[i] = width
    ws.print = W.Print((1, 1, row + 1, ncol))
    return ws


def _attendance_cell(total: int | str | None) -> tuple[Any, W.Style]:
    return total, _RIGHT if isinstance(total, str) else W.INT


# ---------------------------------------------------------------- 文字依据


def evidence_sheet(book: W.Book, document: Document, files: set[str]) -> W.Sheet:
    """Every sentence of the document with the fields and source lines (or cells) it came from
    (``files``: the document's ``input_files``).

    The rows are ``evidence.rows`` — the listing ``reportgen explain`` prints — so the workbook and the
    command can never disagree. A framing sentence shows 连接语 (and what its condition cited, if any).
    """
    ws = book.add(EVIDENCE_SHEET)
    widths = [22, 56, 40, 26]
    found_rows = evidence.rows(document)
    # One input file: named once above the table, by its name only, so the cells stay short and the
    # workbook does not depend on the folder the input was in (same input, same bytes).
    only = next(iter(files)) if len(files) == 1 else None
    frame(ws, f"{document.title}文字依据", widths, "", "")
    note = "每一句话都来自所列字段；“连接语”是不含数据的过渡用语。"
    where = f"来源均在数据文件 {Path(only).name} 中（行:列，或 表名!单元格）。" if only else ""
    ws.put(2, 1, note + where, W.META.but(wrap=True))
    ws.heights[2] = 34
    for i, header in enumerate(("段落", "句子", "依据字段", "来源"), 1):
        ws.put(HEADER_ROW, i, header, W.HEADER)
    row = FIRST_ROW
    for found in found_rows:
        sentence = found.sentence
        fields = "；".join(dict.fromkeys(s.path for s in sentence.sources))
        basis = ("连接语" + (f"（{fields}）" if fields else "")) if sentence.is_framing else fields
        places = found.locations
        if only:
            places = places.replace(only + ":", "").replace(only + " ", "")
        ws.put(row, 1, f"{found.section}·第{found.paragraph}段", W.TEXT)
        ws.put(row, 2, sentence.text, W.TEXT)
        ws.put(row, 3, basis, W.TEXT)
        ws.put(row, 4, places, W.TEXT)
        row += 1
    for i, width in enumerate(widths, 1):
        ws.widths[i] = width
    row_heights(ws, widths, FIRST_ROW, row - 1, (1, 2, 3, 4), slack=1.3)  # field paths wrap only at "；"
    ws.freeze = (FIRST_ROW, 1)
    ws.autofilter = (HEADER_ROW, 1, max(row - 1, HEADER_ROW), 4)
    _print(ws, 4, row - 1)
    return ws


def _file_of(location: str) -> str:
    """The file part of ``file:line:col`` or ``file 表名!B7`` (``errors.Location`` as text)."""
    return location.rsplit(" ", 1)[0] if "!" in location else location.rsplit(":", 2)[0]


def input_files(document: Document) -> set[str]:
    """The input files the document's sentences cite (a value the file left out cites no file)."""
    places = {s.location for b in document.blocks for t in getattr(b, "sentences", ()) for s in t.sources}
    return {_file_of(place) for place in places - {"", UNSTATED}}  # as Sentence.places, once per distinct place


# ---------------------------------------------------------------- entry points


def build(report: Report, document: Document | None = None) -> W.Book:
    """The whole workbook for one report (汇总 first; every fact on some sheet, for the round trip).

    With the composed ``document``, a 文字依据 sheet lists every sentence with its evidence.
    """
    signed = report.signature_date
    # The file's timestamp must be reproducible, not the clock; it is metadata, never printed as 成文日期.
    stamp = signed or report.period.end_date
    book = W.Book(title=f"{report.unit.name}{figures.period_label(report)}{report.campaign.phrase}工作汇总",
                  created=dt.datetime(stamp.year, stamp.month, stamp.day))
    choices = Choices(book)
    # Computed once: the 汇总 and 指标 sheets both show them.
    indicators = figures.indicator_rows(report)
    summary_sheet(book, report, indicators)
    metrics_sheet(book, choices, report, indicators)
    activities_sheet(book, choices, report)
    info_sheet(book, choices, info_values(report), (f"{report.unit.name}基本信息", report.unit.name, zh.cn_date(signed)))
    quantities = quantities_rows(report.activities)
    if quantities:
        table_sheet(book, choices, L.QUANTITIES, quantities, _head(report, L.QUANTITIES))
    for spec in L.TABLES:
        if spec in (L.METRICS, L.ACTIVITIES, L.QUANTITIES):
            continue
        items = _items(report, spec.path)
        if not items:
            continue
        if spec is L.HEADINGS:
            items = [L._HeadingRow(theme=k, title=v) for k, v in items.items()]
        words = {"addresses": linked_words(report.problem_ids(), [p.label for p in report.problems])}
        row_cells = _RowCells(ordered(spec), words)
        rows = [row_cells(item, i) for i, item in enumerate(items, 1)]
        table_sheet(book, choices, spec, rows, _head(report, spec))
    # Codes the user typed (问题序号, 指标标识) are data, not prose: a key may hold what reads as a blank.
    inputs = {*report.problem_ids(), *(m.key for m in report.metrics if m.key), *(m.base for m in report.metrics if m.base),
              *(a for p in report.plans for a in p.addresses)}
    if document is not None:
        files = input_files(document)
        evidence_sheet(book, document, files)
        inputs |= {name for f in files for name in (f, Path(f).name)}
    for sheet in book.sheets:
        sheet.selected = sheet.name in REPORT_SHEETS
    choices.close()
    lint.ensure_clean_texts(book.texts(), exempt=inputs)
    return book


def notes_sheet(book: W.Book) -> W.Sheet:
    """The 填写说明 sheet of the blank form: what each sheet is for, in the order the sheets come.

    Pop-up hints show one cell at a time, and a clerk filling a printout sees none of them.
    """
    ws = book.add(L.NOTES_SHEET)
    widths = [16, 90]
    ws.put(1, 1, "填写说明", W.TITLE)
    ws.merge(1, 1, 1, len(widths))
    ws.heights[1] = 32
    row = HEADER_ROW
    for name, note in L.FORM_NOTE.items():
        ws.put(row, 1, name or "总的要求", W.HEADER)
        ws.put(row, 2, note, W.TEXT)
        row += 1
    for i, width in enumerate(widths, 1):
        ws.widths[i] = width
    row_heights(ws, widths, HEADER_ROW, row - 1, (2,))
    ws.print = W.Print((1, 1, row - 1, len(widths)))
    return ws


def form(unit_type: str = "社区") -> W.Book:
    """The blank workbook of ``reportgen init --xlsx``: every input sheet, dropdowns, hints, one example row.

    Example rows are marked 示例 in 序号 (grey italics) and are skipped when the workbook is read; under
    them, empty ruled rows to write in by hand. The 填写说明 sheet comes first.
    """
    book = W.Book(title="创建工作填报表")
    choices = Choices(book)
    notes_sheet(book)
    values: dict[str, Any] = {row.dotted: None for row in L.INFO_ROWS}
    values.update({"kind": "总结", "unit.type": unit_type, "period.type": "全年", "campaign.level": "全国",
                   "campaign.kind": "文明城市", "campaign.verb": "创建", "closing.style": "auto",
                   "attach_indicators": True, "layout": "常规"})
    info_sheet(book, choices, values, ("单位基本信息", "", ""))
    for spec in L.TABLES:
        columns = ordered(spec)
        examples = [] if spec is L.HEADINGS else L.EXAMPLES.get(spec.name, [])
        row_cells = _RowCells(columns)
        rows = [row_cells(item, markers.EXAMPLE, markers.EXAMPLE) for item in examples]
        if spec is L.METRICS:
            for item in examples:
                rows += [_part_cells(columns, item, part, part.value) for part in item.parts]
            for cells in rows[1:]:
                cells[0] = (markers.EXAMPLE, W.CENTER)
        rows = [[(value, style.but(italic=True, color="808080")) for value, style in cells] for cells in rows]
        shown = len(rows)
        rows += [[(None, W.TEXT)] * len(columns) for _ in range(L.BLANK_ROWS)]  # ruled rows for a printout
        title = ("创建文明城市" if spec in (L.METRICS, L.ACTIVITIES) else "") + spec.title
        ws = table_sheet(book, choices, spec, rows, (title, "", ""), spare=1000)
        for r in range(FIRST_ROW + shown, FIRST_ROW + len(rows)):
            ws.heights[r] = L.BLANK_ROW_HEIGHT
    book.sheets[0].selected = True
    choices.close()
    lint.ensure_clean_texts(book.texts())
    return book
