"""The reference renderer: Book (``reportgen.workbook``) → .xlsx bytes through XlsxWriter's public API.

reportgen writes workbooks with its own serialiser (``reportgen.writers.xlsx``) for speed; this is
the renderer it replaced, kept for tests/test_xlsx_serializer.py, which renders every example with
both and compares what openpyxl reads back. A difference there is a bug in the serialiser, since
XlsxWriter is a well-kept library whose files Excel and LibreOffice are known to open.

Text is always text: strings are written with ``write_string`` (never parsed as formulas, numbers or
links), and a text starting with = + - @ gets Excel's quote prefix so it stays text when edited. The
bytes are deterministic: fixed document times, and XlsxWriter's fixed zip entry times.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter

from reportgen import workbook as W
from reportgen.xmlchars import strip_not_xml

_FORMULA_START = ("=", "+", "-", "@")
MAX_TEXT = 32767


def clean_text(text: str) -> str:
    """Remove characters XML 1.0 cannot hold (the model already refuses them; this is the last guard)."""
    return strip_not_xml(text)[:MAX_TEXT]


class _Formats:
    """One XlsxWriter format per (style, quote prefix).

    Looked up by the style object's identity first (hashing a dataclass of twelve fields for every
    cell is the writer's largest cost), then by value, so equal styles share one format.
    """

    def __init__(self, book: Any) -> None:
        self.book = book
        self.made: dict[Any, Any] = {}
        self.by_id: dict[tuple[int, bool], tuple[W.Style, Any]] = {}

    def __call__(self, style: W.Style, quote: bool = False) -> Any:
        known = self.by_id.get((id(style), quote))
        if known is not None:
            return known[1]
        found = self.made.get((style, quote))
        if found is None:
            props: dict[str, Any] = {"font_name": style.font, "font_size": style.size, "valign": "vcenter",
                                     "align": style.align}
            if style.bold:
                props["bold"] = True
            if style.italic:
                props["italic"] = True
            if style.color:
                props["font_color"] = "#" + style.color
            if style.fill:
                props.update(pattern=1, bg_color="#" + style.fill)
            if style.border:
                props["border"] = 1
            if style.wrap:
                props["text_wrap"] = True
            if style.indent:
                props["indent"] = style.indent
            if style.num_format:
                props["num_format"] = style.num_format
            if not style.locked:
                props["locked"] = False
            if quote:
                props["quote_prefix"] = True
            found = self.made[(style, quote)] = self.book.add_format(props)
        self.by_id[(id(style), quote)] = (style, found)  # holding the style keeps its id unique
        return found


def render_book(book: W.Book) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {
        "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        "default_date_format": W.DATE_FORMAT,
    })
    wb.set_properties({"title": book.title, "author": book.author, "created": book.created})
    formats = _Formats(wb)
    for sheet in book.sheets:
        _sheet(wb, sheet, formats)
    first = next((i for i, s in enumerate(book.sheets) if not s.hidden), 0)
    wb.worksheets()[first].activate()
    wb.close()
    return out.getvalue()


def _sheet(wb: Any, sheet: W.Sheet, formats: _Formats) -> None:
    ws = wb.add_worksheet(sheet.name)
    for col, width in sorted(sheet.widths.items()):
        style = sheet.column_styles.get(col)
        ws.set_column(col - 1, col - 1, width, formats(style) if style else None)
    for col, style in sorted(sheet.column_styles.items()):
        if col not in sheet.widths:
            ws.set_column(col - 1, col - 1, None, formats(style))
    for row, height in sorted(sheet.heights.items()):
        ws.set_row(row - 1, height)
    merged: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in sheet.merges:
        value, style = sheet.cells.get((r1, c1), (None, W.PLAIN))
        if isinstance(value, str):
            value = clean_text(value)
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "", formats(style, value.startswith(_FORMULA_START)))
            ws.write_string(r1 - 1, c1 - 1, value, formats(style, value.startswith(_FORMULA_START)))
        else:
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, None, formats(style))
            _write(ws, r1, c1, value, style, formats)
        # merge_range has written every cell of the range with the first cell's format
        merged.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    for (row, col), (value, style) in sorted(sheet.cells.items()):
        if (row, col) not in merged:
            _write(ws, row, col, value, style, formats)
    for v in sheet.validations:
        options: dict[str, Any] = {"ignore_blank": True}
        if v.source or v.choices:
            options.update(validate="list", source=list(v.choices) if v.choices else "=" + v.source,
                           show_error=v.show_error)
            if v.error:
                options.update(error_title=v.error_title[:32], error_message=v.error[:255])
        else:
            options.update(validate="any")
        if v.prompt:
            options.update(input_title=v.prompt_title[:32], input_message=v.prompt[:255])
        ws.data_validation(v.ref[0] - 1, v.ref[1] - 1, v.ref[2] - 1, v.ref[3] - 1, options)
    for h in sheet.highlights:
        ws.conditional_format(h.ref[0] - 1, h.ref[1] - 1, h.ref[2] - 1, h.ref[3] - 1, {
            "type": "cell", "criteria": "equal to", "value": f'"{h.text}"', "format": _highlight(wb, h.style, formats)})
    for chart in sheet.charts:
        _chart(wb, ws, sheet.name, chart)
    if sheet.freeze:
        ws.freeze_panes(sheet.freeze[0] - 1, sheet.freeze[1] - 1)
    if sheet.autofilter:
        a = sheet.autofilter
        ws.autofilter(a[0] - 1, a[1] - 1, a[2] - 1, a[3] - 1)
    if sheet.print:
        _print(ws, sheet.print)
    if sheet.protected:
        ws.protect("", {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
                        "insert_rows": True, "delete_rows": True})
    if sheet.hidden:
        ws.hide()
    elif sheet.selected:
        ws.select()


def _highlight(wb: Any, style: W.Style, formats: _Formats) -> Any:
    key = (style, "conditional")
    found = formats.made.get(key)  # type: ignore[arg-type]
    if found is None:
        props: dict[str, Any] = {"font_color": "#" + style.color, "bold": style.bold}
        if style.fill:
            props["bg_color"] = "#" + style.fill
        found = formats.made[key] = wb.add_format(props)  # type: ignore[index]
    return found


def _write(ws: Any, row: int, col: int, value: Any, style: W.Style, formats: _Formats) -> None:
    r, c = row - 1, col - 1
    if value is None:
        ws.write_blank(r, c, None, formats(style))
    elif isinstance(value, str):
        value = clean_text(value)
        ws.write_string(r, c, value, formats(style, value.startswith(_FORMULA_START)))
    elif isinstance(value, bool):
        raise TypeError("write booleans as 是/否 text")
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, formats(style))
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(r, c, value, formats(style))
    else:
        raise TypeError(f"no cell form for {type(value).__name__}")


def _ref(sheet: str, col: int, first: int, last: int) -> list:
    return [sheet, first - 1, col - 1, last - 1, col - 1]


def _chart(wb: Any, ws: Any, name: str, spec: W.Chart) -> None:
    chart = wb.add_chart({"type": spec.kind})
    for s in spec.series:
        series: dict[str, Any] = {
            "name": s.name, "categories": _ref(name, *s.categories), "values": _ref(name, *s.values),
            "fill": {"color": "#" + s.color}, "gap": 60,
        }
        if spec.labels:
            series["data_labels"] = {"value": True, "num_format": spec.axis_format,
                                     "font": {"name": W.FONT, "size": 9}}
        chart.add_series(series)
    chart.set_title({"name": spec.title, "name_font": {"name": W.FONT, "size": 12, "bold": True}})
    value_axis: dict[str, Any] = {"num_format": spec.axis_format, "num_font": {"name": W.FONT, "size": 9},
                                  "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if spec.axis_title:
        value_axis["name"] = spec.axis_title
        value_axis["name_font"] = {"name": W.FONT, "size": 10, "bold": False}
    if spec.axis_min is not None:
        value_axis["min"] = spec.axis_min
    if spec.axis_max is not None:
        value_axis["max"] = spec.axis_max
    category_axis: dict[str, Any] = {"num_font": {"name": W.FONT, "size": 9}, "interval_unit": 1}
    if spec.reverse_categories:
        category_axis["reverse"] = True
    if spec.kind == "bar":
        chart.set_x_axis(value_axis)
        chart.set_y_axis(category_axis)
    else:
        chart.set_y_axis(value_axis)
        chart.set_x_axis(category_axis)
    chart.set_legend({"none": len(spec.series) < 2, "position": "bottom", "font": {"name": W.FONT, "size": 9}})
    chart.set_size({"width": spec.size[0], "height": spec.size[1]})
    ws.insert_chart(spec.anchor[0] - 1, spec.anchor[1] - 1, chart, {"object_position": 1})


def _print(ws: Any, p: W.Print) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as it takes
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer(W.FOOTER, {"margin": 0.3})
    if p.header_rows:
        ws.repeat_rows(p.header_rows[0] - 1, p.header_rows[1] - 1)
    a = p.area
    ws.print_area(a[0] - 1, a[1] - 1, a[2] - 1, a[3] - 1)
