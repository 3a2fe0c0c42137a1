"""The frame every report sheet shares (unit workbook and roll-up alike): title row, 填报 row, header row.

Row 1 holds the title, row 2 who filled it in and when, row 3 the column headers; data starts on row 4.
Row heights are computed here because Excel never grows a row to fit wrapped text written by a program.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

from . import workbook as W

HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
LINE_HEIGHT = 15.5


def frame(ws: W.Sheet, title: str, widths: Sequence[float], unit: str, date: str) -> None:
    """Row 1 the title across the printed columns (shrunk, then wrapped, never clipped); row 2 填报单位 and 日期."""
    columns = len(widths)
    room = sum(widths)
    need = W.text_width(title)
    size = 18
    if need and need * 18 / 11 > room:
        size = max(12, int(room * 11 / need))
    lines = max(1, math.ceil(need * size / 11 / max(room - 2, 1)))
    ws.put(1, 1, title, W.TITLE.but(size=size, wrap=lines > 1))
    ws.merge(1, 1, 1, columns)
    ws.heights[1] = 32 if lines == 1 else round(lines * size * 1.45 + 6, 1)
    left = f"填报单位：{unit}（盖章）" if unit else "填报单位："
    right = f"填报日期：{date}" if date else "填报日期：    年  月  日"
    text = f"{left}    {right}"
    lines = max(1, math.ceil(W.text_width(text) / max(room - 2, 1)))
    if lines > 1:  # too narrow for one line: 填报日期 on a line of its own rather than broken mid-phrase
        text = f"{left}\n{right}"
        lines = sum(max(1, math.ceil(W.text_width(part) / max(room - 2, 1))) for part in (left, right))
    ws.put(2, 1, text, W.META.but(wrap=lines > 1))
    ws.merge(2, 1, 2, columns)
    ws.heights[2] = 20 if lines == 1 else round(lines * LINE_HEIGHT + 4, 1)


def row_heights(ws: W.Sheet, widths: Sequence[float], first: int, last: int, wrapped: Iterable[int],
                slack: float = 1.0) -> None:
    """Row heights from the wrapped text of the printed columns (CJK counts double).

    ``slack`` > 1 for text that can break only at some characters (field paths), so lines run short.
    """
    rooms = {col: max(widths[col - 1] - 1, 1) / slack for col in wrapped}
    cells = ws.cells
    for row in range(first, last + 1):
        lines = 1
        for col, room in rooms.items():
            found = cells.get((row, col))
            value = found[0] if found else None
            if not isinstance(value, str) or not value:
                continue
            if "\n" in value:
                lines = max(lines, sum(max(1, math.ceil(W.text_width(part) / room)) for part in value.split("\n")))
            elif 2 * len(value) > room:  # else one line: no character is more than two wide
                lines = max(lines, math.ceil(W.text_width(value) / room))
        if lines > 1:
            ws.heights[row] = round(min(lines, 26) * LINE_HEIGHT + 3, 2)  # 409 pt is Excel's tallest row


def chart_width(widths: Sequence[float]) -> int:
    """Excel's column width in characters → pixels (at the default font), for sizing a chart to the columns."""
    return int(sum(w * 7 + 5 for w in widths))
