"""What the sheet writer (``xlsx``) and the chart writer (``xlsx_chart``) both need: cell and range names, and Excel's pixel arithmetic for column widths and row heights (a chart is
anchored to cells, so where it ends depends on the same widths the sheet stores)."""

from __future__ import annotations

from functools import lru_cache

from .. import workbook as W
from ..xmlchars import strip_not_xml

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: The most characters a cell holds.
MAX_TEXT = 32767

#: Excel's default column (8.43 characters of Calibri 11) and row (15 pt), in pixels.
DEFAULT_COL_PX, DEFAULT_ROW_PX = 64, 20


def clean_text(text: str) -> str:
    """Remove characters XML 1.0 cannot hold (the model already refuses them; this is the last guard)."""
    return strip_not_xml(text)[:MAX_TEXT]


@lru_cache(maxsize=None)
def cell_name(row: int, col: int) -> str:
    return W.col_letter(col) + str(row)


def area(r1: int, c1: int, r2: int, c2: int) -> str:
    """A1 or A1:C5, as Excel writes a range."""
    first = cell_name(r1, c1)
    return first if (r1, c1) == (r2, c2) else f"{first}:{cell_name(r2, c2)}"


def absolute(r1: int, c1: int, r2: int, c2: int) -> str:
    """$A$1 or $A$1:$C$5."""
    first = f"${W.col_letter(c1)}${r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:${W.col_letter(c2)}${r2}"


def sheet_ref(sheet: str, ref: str) -> str:
    """'Sheet'!ref, the sheet name always quoted (a quote inside doubled), which every reader accepts."""
    return "'" + sheet.replace("'", "''") + "'!" + ref


def col_pixels(width: float | None) -> int:
    """A column width in characters → pixels, Excel's rounding (7-pixel digits, 5 pixels of padding)."""
    if width is None:
        return DEFAULT_COL_PX
    return int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5


def row_pixels(height: float | None) -> int:
    return DEFAULT_ROW_PX if height is None else int(height * 4 / 3 + 0.5)


def number(value: float) -> str:
    """A number as a cell or chart cache holds it (16 significant digits, as XlsxWriter writes)."""
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("a cell cannot hold NaN or infinity")
    return f"{value:.16G}"
